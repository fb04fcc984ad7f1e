#!/usr/bin/env bash
# Configures and builds the product. BUILD_DIR (default build), BUILD_TYPE (default
# RelWithDebInfo) and SANITIZE (e.g. address,undefined) may be set in the environment;
# arguments name the targets to build (default: everything).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$here/build}
# Only what the environment sets is passed, so a build tree keeps its settings between runs.
options=()
[ -n "${BUILD_TYPE:-}" ] && options+=(-DCMAKE_BUILD_TYPE="$BUILD_TYPE")
[ -n "${SANITIZE:-}" ] && options+=(-DSANITIZE="$SANITIZE")
[ -n "${WERROR:-}" ] && options+=(-DWERROR="$WERROR")
cmake -S "$here" -B "$build" "${options[@]}" >/dev/null
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$build" -j"$(nproc)" "${targets[@]}"
