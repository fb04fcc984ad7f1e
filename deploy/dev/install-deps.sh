#!/usr/bin/env bash
# Installs everything the product needs to build, run and test on Debian 12, from Debian's
# archive only. Run as root (or with sudo available). Does nothing when all is installed.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libmodbus-dev libzmq3-dev cppzmq-dev libprotobuf-dev protobuf-compiler
  libspdlog-dev libfmt-dev doctest-dev libtomlplusplus-dev libcli11-dev libsdbus-c++-dev
  socat mbpoll python3 python3-pymodbus python3-zmq python3-yaml dbus systemd procps
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
