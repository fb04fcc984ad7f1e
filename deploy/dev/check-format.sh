#!/usr/bin/env bash
# Fails when a C++ file of the project is not formatted as .clang-format says, and names each one.
#   deploy/dev/check-format.sh         check (CI runs this)
#   deploy/dev/check-format.sh --fix   format them in place
# clang-format-14 is Debian 12's (deploy/dev/install-deps.sh installs it); another version may
# format some constructs differently, so the check uses this one only.
set -euo pipefail
cd "$(dirname "$0")/../.."
format=${CLANG_FORMAT:-clang-format-14}
command -v "$format" >/dev/null || { echo "check-format: $format not found (deploy/dev/install-deps.sh)" >&2; exit 2; }
mapfile -t files < <(git ls-files -- '*.h' '*.cpp')
if [[ ${1:-} == --fix ]]; then
  "$format" -i "${files[@]}"
  exit 0
fi
bad=()
for f in "${files[@]}"; do
  "$format" --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if [[ ${#bad[@]} -gt 0 ]]; then
  printf 'check-format: not formatted (deploy/dev/check-format.sh --fix formats them):\n' >&2
  printf '  %s\n' "${bad[@]}" >&2
  exit 1
fi
echo "check-format: ${#files[@]} files formatted"
