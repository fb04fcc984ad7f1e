#!/usr/bin/env bash
# Checks that everything the tests import or run is on this machine: imports each Python module
# the tests use with /usr/bin/python3 (the interpreter ctest runs them with) and looks for each
# program they execute, at the path they execute it from. Prints every missing one with the
# Debian package that provides it and exits 1; prints one line and exits 0 when nothing is
# missing. deploy/dev/install-deps.sh installs all of them; deploy/dev/test.sh runs this check
# before ctest.
#
# Not checked here: the armhf cross toolchain and qemu-user, which the `cross` test installs
# itself (deploy/cross/install-deps.sh) before it uses them.
set -euo pipefail

python=/usr/bin/python3

# What the tests import: "python statement|Debian package|who needs it".
# `import pymodbus` alone would succeed without serial_asyncio; the tests import pymodbus.client.
modules=(
  "from pymodbus.client import ModbusTcpClient|python3-pymodbus|tests/support/tristar_stack.py, tests/integration/test_bridge.py"
  "import serial|python3-serial|pymodbus.client"
  "import serial_asyncio|python3-serial-asyncio|pymodbus.client"
  "import yaml|python3-yaml|tests/integration/test_bridge.py"
  "import zmq|python3-zmq|docs/protocol.md's Python client"
  "import dbus|python3-dbus|D-Bus from the Python tests"
)

# What the tests and the demo run: "program (absolute path where they run it so)|Debian package|who".
programs=(
  "/usr/bin/socat|socat|tests/support/stack.cpp (RTU over a pty pair)"
  "mbpoll|mbpoll|tests/integration/test_bridge.py, deploy/dev/demo.sh"
  "/usr/bin/dbus-daemon|dbus-daemon|tests/support, deploy/dev/demo.sh (private buses)"
  "/usr/bin/dbus-send|dbus-bin|tests/support/venus_stack.py, tests/integration/test_bus_service.cpp"
  "/usr/bin/dbus-monitor|dbus-bin|tests/integration/test_bus_service.cpp"
  "/usr/bin/busctl|systemd|tests/support (the D-Bus judge), deploy/dev/demo.sh"
  "systemd-analyze|systemd|tests/integration/test_install.py (unit files)"
  "file|file|tests/cross/test_armhf.py"
  "readelf|binutils|tests/cross/test_armhf.py, deploy/cross/build-tarball.sh"
  "/bin/sh|dash|tests/integration/test_install.py (installers)"
  "bash|bash|tests/integration/test_install.py"
  "awk|mawk|deploy/dev/demo.sh, deploy/venus"
  "mkfifo|coreutils|deploy/dev/demo.sh"
  "clang++-14|clang-14|tests/fuzz (the -DFUZZ=ON build), .ci/run"
  "clang-format-14|clang-format-14|deploy/dev/check-format.sh, .ci/run"
)

# Files the builds link: "glob|Debian package|who".
files=(
  "/usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a|libclang-rt-14-dev|tests/fuzz (libFuzzer)"
)

missing=()

if [[ ! -x $python ]]; then
  missing+=("$python (Debian package python3; needed by every Python test)")
else
  # One interpreter tries every import and prints "index<TAB>error" for each that fails.
  statements=()
  for entry in "${modules[@]}"; do statements+=("${entry%%|*}"); done
  failed=$(printf '%s\n' "${statements[@]}" | "$python" -c '
import sys
for i, line in enumerate(sys.stdin.read().splitlines()):
    try:
        exec(line, {})
    except Exception as e:  # ImportError, or a module that breaks while importing
        print("%d\t%s: %s" % (i, type(e).__name__, e))
' 2>&1) || { echo "check-test-deps: $python failed: $failed" >&2; exit 1; }
  while IFS=$'\t' read -r index error; do
    [[ -n $index ]] || continue
    IFS='|' read -r statement package who <<<"${modules[$index]}"
    missing+=("python: '$statement' fails ($error): Debian package $package; needed by $who")
  done <<<"$failed"
fi

for entry in "${programs[@]}"; do
  IFS='|' read -r program package who <<<"$entry"
  if [[ $program == /* ]]; then
    [[ -x $program ]] && continue
  else
    command -v "$program" >/dev/null 2>&1 && continue
  fi
  missing+=("program $program not found: Debian package $package; needed by $who")
done

for entry in "${files[@]}"; do
  IFS='|' read -r pattern package who <<<"$entry"
  compgen -G "$pattern" >/dev/null && continue
  missing+=("file $pattern not found: Debian package $package; needed by $who")
done

if ((${#missing[@]})); then
  echo "check-test-deps: ${#missing[@]} missing; deploy/dev/install-deps.sh installs them:" >&2
  printf '  %s\n' "${missing[@]}" >&2
  exit 1
fi
echo "check-test-deps: every Python module and program the tests use is here"
