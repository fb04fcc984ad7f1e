#!/usr/bin/env bash
# Configures and builds the product. BUILD_DIR (default build), BUILD_TYPE (default
# RelWithDebInfo) and SANITIZE (e.g. address,undefined) may be set in the environment.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$here/build}
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
  -DSANITIZE="${SANITIZE:-}" -DWERROR="${WERROR:-OFF}" >/dev/null
cmake --build "$build" -j"$(nproc)"
