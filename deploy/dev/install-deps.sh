#!/usr/bin/env bash
# Installs everything the product needs to build, run and test on Debian 12, from Debian's
# archive only. Run as root (or with sudo available). Does nothing when all is installed.
#
# Packages are installed with --no-install-recommends, so every package a test imports or runs
# is named here itself, even when another package merely recommends it (python3-pymodbus only
# recommends python3-serial-asyncio, yet `from pymodbus.client import ...` imports it).
# deploy/dev/check-test-deps.sh checks the same list from the tests' side; keep the two in step.
# The armhf cross toolchain and qemu-user are installed by deploy/cross/install-deps.sh, which
# the `cross` test runs itself.
set -euo pipefail

packages=(
  # building
  build-essential cmake pkg-config
  libmodbus-dev libzmq3-dev cppzmq-dev libprotobuf-dev protobuf-compiler
  libspdlog-dev libfmt-dev doctest-dev libtomlplusplus-dev libcli11-dev libsdbus-c++-dev
  nlohmann-json3-dev     # JSON: tristar-ctl --json, the simulator's --stats file, the bench
  clang-14 libclang-rt-14-dev   # the clang build and the libFuzzer harnesses (tests/fuzz, -DFUZZ=ON)
  clang-format-14        # the format check (deploy/dev/check-format.sh, .ci/run)
  # what the tests run (tests/support, tests/integration, tests/cross) and the demo runs
  socat                  # /usr/bin/socat: the RTU tests' pty pair
  mbpoll                 # the bridge test and the demo's stand-in for Home Assistant
  dbus dbus-bin dbus-daemon   # /usr/bin/dbus-daemon (private buses), dbus-send, dbus-monitor
  systemd                # /usr/bin/busctl (the D-Bus judge), systemd-analyze verify (unit files)
  file binutils          # file, readelf: the cross test's checks of the armhf executables
  procps
  # what the Python tests import, with /usr/bin/python3
  python3
  python3-pymodbus       # pymodbus.client (tests/support/tristar_stack.py, the bridge test)
  python3-serial python3-serial-asyncio   # serial, serial_asyncio: imported by pymodbus.client
  python3-yaml           # the bridge test reads the Home Assistant YAMLs
  python3-zmq            # the Python client of docs/protocol.md
  python3-dbus           # D-Bus from Python for the tests
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root to install: ${missing[*]}" >&2; exit 1; }
  as_root=(sudo)
fi
echo "install-deps: installing ${missing[*]}"
"${as_root[@]}" apt-get update -q
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
