#!/usr/bin/env bash
# The armhf cross-build's dependencies: Debian's cross toolchain and qemu-user on the build host,
# and a dependency root of Debian's :armhf library packages.
#
#   deploy/cross/install-deps.sh DEPS_ROOT
#
# The :armhf packages are unpacked into DEPS_ROOT instead of being installed through dpkg's
# multiarch: a Multi-Arch: same library must have the very same version on both architectures,
# so one host library updated from bookworm-security (libssl3, libsystemd0, ...) blocks the
# :armhf -dev packages whenever the mirror's armhf security index lags. A private apt state
# resolves and downloads the :armhf closure on its own and leaves the host's dpkg untouched.
# glibc, libstdc++ and libgcc are not taken from DEPS_ROOT: they come from the cross toolchain
# (/usr/arm-linux-gnueabihf), exactly as they come from the target's own image at run time.
# Runs as root (apt-get); does nothing that is already done.
set -euo pipefail

deps_root=${1:?usage: install-deps.sh DEPS_ROOT}
arch=armhf
triplet=arm-linux-gnueabihf

# What the project links against (CMakeLists.txt) and the headers it compiles with.
packages=(
  libmodbus-dev libzmq3-dev cppzmq-dev libprotobuf-dev libsdbus-c++-dev libsystemd-dev
  libspdlog-dev libfmt-dev libtomlplusplus-dev libcli11-dev doctest-dev
)
# Provided by the cross toolchain (and by the target): never unpacked into DEPS_ROOT.
toolchain_packages='^(libc6|libc6-dev|libgcc-s1|libgcc-12-dev|libstdc\+\+6|libstdc\+\+-12-dev|linux-libc-dev|libcrypt1|libcrypt-dev|libnsl2|libnsl-dev|libtirpc3|libtirpc-dev|gcc-12-base|libasan8|libubsan1|libatomic1|libgomp1)$'

host_tools=(crossbuild-essential-armhf qemu-user protobuf-compiler pkg-config cmake)
missing=()
for p in "${host_tools[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || true   # an index that fails to download elsewhere must not stop us
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

stamp="$deps_root/.packages"
want="${packages[*]}"
if [[ -f $stamp && $(cat "$stamp") == "$want" ]]; then
  exit 0
fi

echo "install-deps: unpacking the $arch libraries into $deps_root"
rm -rf "$deps_root"
state="$deps_root.apt"
rm -rf "$state"
mkdir -p "$state"/{lists/partial,archives/partial,etc/preferences.d,etc/sources.list.d} "$deps_root"
: > "$state/status"
# Debian's main suites only, for $arch alone.
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
cat > "$state/etc/sources.list" <<SOURCES
deb [arch=$arch signed-by=$keyring] http://deb.debian.org/debian bookworm main
deb [arch=$arch signed-by=$keyring] http://deb.debian.org/debian bookworm-updates main
deb [arch=$arch signed-by=$keyring] http://deb.debian.org/debian-security bookworm-security main
SOURCES

apt_opts=(
  -o "APT::Architecture=$arch" -o "APT::Architectures=$arch"
  -o "Dir::State=$state" -o "Dir::State::Lists=$state/lists" -o "Dir::State::status=$state/status"
  -o "Dir::Cache=$state" -o "Dir::Cache::archives=$state/archives"
  -o "Dir::Etc::SourceList=$state/etc/sources.list" -o "Dir::Etc::SourceParts=$state/etc/sources.list.d"
  -o "Dir::Etc::PreferencesParts=$state/etc/preferences.d"
  -o "APT::Install-Recommends=false" -o "Debug::NoLocking=true"
)
# An armhf index that fails to download (a mirror in sync) only loses that suite's updates.
apt-get "${apt_opts[@]}" update -qq || echo "install-deps: some $arch indexes failed; going on with the rest"
apt-get "${apt_opts[@]}" install -y -qq --download-only "${packages[@]}"

for deb in "$state"/archives/*.deb; do
  name=$(dpkg-deb -f "$deb" Package)
  [[ $name =~ $toolchain_packages ]] && continue
  dpkg-deb -x "$deb" "$deps_root"
done

# bookworm's packages still place some libraries under /lib: one directory for the linker.
if [[ -d $deps_root/lib ]]; then
  cp -a "$deps_root/lib/." "$deps_root/usr/lib/"
  rm -rf "$deps_root/lib"
fi
# Absolute symlinks (libz.so -> /lib/...) must point into DEPS_ROOT/usr, not at the host.
find "$deps_root" -type l -lname '/*' | while read -r link; do
  target=$(readlink "$link")
  ln -sfn "$deps_root/usr${target#/usr}" "$link"
done
rm -rf "$state"
echo "$want" > "$stamp"
