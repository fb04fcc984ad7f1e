#!/usr/bin/env bash
# Quick start, second command: installs dependencies, checks that everything the tests import or
# run is there (deploy/dev/check-test-deps.sh: a missing one is named with its Debian package
# instead of failing tests one by one), builds, and runs every test (ctest).
# Extra arguments go to ctest, e.g. `deploy/dev/test.sh -L unit`.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
"$here/deploy/dev/install-deps.sh"
"$here/deploy/dev/check-test-deps.sh"
"$here/deploy/dev/build.sh"
cd "${BUILD_DIR:-$here/build}"
ctest --output-on-failure "$@"
