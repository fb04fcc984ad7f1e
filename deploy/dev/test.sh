#!/usr/bin/env bash
# Quick start, second command: installs dependencies, builds, and runs every test (ctest).
# Extra arguments go to ctest, e.g. `deploy/dev/test.sh -L unit`.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
"$here/deploy/dev/install-deps.sh"
"$here/deploy/dev/build.sh"
cd "${BUILD_DIR:-$here/build}"
ctest --output-on-failure "$@"
