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
# libzmq is rebuilt from Debian's own source package of the same version (zeromq3, checksums
# checked against the .dsc, Debian's patches applied) without GSSAPI, PGM, NORM and libbsd but
# with libsodium for CURVE, and replaces Debian's binary in DEPS_ROOT: Debian's libzmq5 drags
# Kerberos, OpenPGM and NORM into the tarball. The rebuilt library is checked before it is used:
# its platform.hpp, its DT_NEEDED, and under qemu-arm zmq_has, a CURVE handshake, close-on-exec
# sockets, TCP keepalive and thread names (logs and platform.hpp stay in DEPS_ROOT/.libzmq).
# The mirror is the one this machine's apt sources name for bookworm, bookworm-updates and
# bookworm-security (read by apt itself: sources.list, *.list and deb822 *.sources).
# Runs as root (apt-get); does nothing that is already done (DEPS_ROOT/.packages names what is
# in it, and a changed package list or libzmq recipe rebuilds the root).
set -euo pipefail

deps_root=$(realpath -m "${1:?usage: install-deps.sh DEPS_ROOT}")
arch=armhf
triplet=arm-linux-gnueabihf
here=$(cd "$(dirname "$0")" && pwd)

# What the project links against (CMakeLists.txt) and the headers it compiles with.
packages=(
  libmodbus-dev libzmq3-dev cppzmq-dev libprotobuf-dev libsdbus-c++-dev libsystemd-dev
  libspdlog-dev libfmt-dev libtomlplusplus-dev libcli11-dev nlohmann-json3-dev doctest-dev
)
# Provided by the cross toolchain (and by the target): never unpacked into DEPS_ROOT.
toolchain_packages='^(libc6|libc6-dev|libgcc-s1|libgcc-12-dev|libstdc\+\+6|libstdc\+\+-12-dev|linux-libc-dev|libcrypt1|libcrypt-dev|libnsl2|libnsl-dev|libtirpc3|libtirpc-dev|gcc-12-base|libasan8|libubsan1|libatomic1|libgomp1)$'

host_tools=(crossbuild-essential-armhf qemu-user protobuf-compiler pkg-config cmake dpkg-dev)
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

# libzmq: what Debian's zeromq3 is configured with, less GSSAPI (Kerberos), PGM, NORM and libbsd
# (its own strlcpy instead); shared, as one copy serves the five executables and its pages are
# shared between the daemons. Only the zmq_* API is exported (as Debian's autotools build does),
# which also lets --gc-sections drop what nothing calls. Changing this list rebuilds the root.
state="$deps_root.apt"
src="$state/src"
zmq_flags="-O2 -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fvisibility=hidden -fvisibility-inlines-hidden -ffunction-sections -fdata-sections"
zmq_options=(
  -DBUILD_SHARED=ON -DBUILD_STATIC=OFF -DBUILD_TESTS=OFF -DWITH_DOCS=OFF -DWITH_DOC=OFF
  -DWITH_PERF_TOOL=OFF -DENABLE_CPACK=OFF -DENABLE_DRAFTS=OFF -DENABLE_WS=OFF
  -DWITH_OPENPGM=OFF -DWITH_NORM=OFF -DWITH_VMCI=OFF -DWITH_LIBBSD=OFF
  -DENABLE_CURVE=ON -DWITH_LIBSODIUM=ON -DWITH_LIBSODIUM_STATIC=OFF -DENABLE_INTRINSICS=ON
  -DCMAKE_BUILD_TYPE=None "-DCMAKE_C_FLAGS=$zmq_flags" "-DCMAKE_CXX_FLAGS=$zmq_flags"
  "-DCMAKE_SHARED_LINKER_FLAGS=-Wl,-z,relro -Wl,-z,now -Wl,--gc-sections -Wl,--version-script=$src/zmq.map"
  -DCMAKE_SKIP_RPATH=ON
  # libzmq's CMake skips its run-time probes when cross-compiling and then leaves these off
  # (no SOCK_CLOEXEC, no TCP keepalive options, no thread names). They hold on any armhf Linux
  # with glibc >= 2.25, as Debian's own (native) build finds; the check below tests some of them.
  -DZMQ_HAVE_SOCK_CLOEXEC=1 -DZMQ_HAVE_O_CLOEXEC=1 -DZMQ_HAVE_EVENTFD_CLOEXEC=1
  -DZMQ_HAVE_SO_KEEPALIVE=1 -DZMQ_HAVE_TCP_KEEPCNT=1 -DZMQ_HAVE_TCP_KEEPIDLE=1 -DZMQ_HAVE_TCP_KEEPINTVL=1
  -DZMQ_HAVE_SO_PRIORITY=1 -DZMQ_HAVE_SO_BINDTODEVICE=1 -DZMQ_HAVE_PTHREAD_SETNAME_2=1
  -DZMQ_HAVE_PTHREAD_SET_AFFINITY=1
)
# What the generated platform.hpp must define (kept with the build logs in DEPS_ROOT/.libzmq).
zmq_defines=(
  ZMQ_HAVE_CURVE ZMQ_USE_LIBSODIUM ZMQ_HAVE_IPC ZMQ_HAVE_SO_PEERCRED ZMQ_IOTHREAD_POLLER_USE_EPOLL_CLOEXEC
  ZMQ_HAVE_EVENTFD ZMQ_HAVE_EVENTFD_CLOEXEC ZMQ_HAVE_SOCK_CLOEXEC ZMQ_HAVE_O_CLOEXEC HAVE_ACCEPT4
  ZMQ_HAVE_SO_KEEPALIVE ZMQ_HAVE_TCP_KEEPIDLE ZMQ_HAVE_PTHREAD_SETNAME_2
)
zmq_build_timeout=900   # seconds; the build takes 2 to 4 minutes on 2 busy cores

stamp="$deps_root/.packages"
want="${packages[*]} | libzmq from zeromq3 source: ${zmq_options[*]}"
if [[ -f $stamp && $(cat "$stamp") == "$want" ]]; then
  exit 0
fi

echo "install-deps: unpacking the $arch libraries into $deps_root"
rm -rf "$deps_root" "$state"
mkdir -p "$state"/{lists/partial,archives/partial,etc/preferences.d,etc/sources.list.d} "$deps_root"
: > "$state/status"
# Debian's main suites only, for $arch alone (and the sources, for zeromq3), from the mirror this
# machine's apt sources name; deb.debian.org when they name none for bookworm.
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
mapfile -t suites < <(apt-get indextargets --no-release-info \
                        --format '$(TARGET_OF) $(REPO_URI) $(RELEASE)' 'Identifier: Packages' 2>/dev/null |
                      awk '$1 == "deb" && $3 ~ /^bookworm(-updates|-security)?$/ && !seen[$3]++ {print $2, $3}')
if ((${#suites[@]} == 0)); then
  echo "install-deps: no bookworm entry in this machine's apt sources; using deb.debian.org"
  suites=("http://deb.debian.org/debian/ bookworm" "http://deb.debian.org/debian/ bookworm-updates"
          "http://deb.debian.org/debian-security/ bookworm-security")
fi
for entry in "${suites[@]}"; do
  echo "deb [arch=$arch signed-by=$keyring] $entry main"
  echo "deb-src [signed-by=$keyring] $entry main"
done > "$state/etc/sources.list"
echo "install-deps: mirror from this machine's apt sources:"
sed 's/^/  /' "$state/etc/sources.list"

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

# --- libzmq from Debian's source package of the very version of the binary just unpacked ---
zmq_deb=$(ls "$state"/archives/libzmq5_*.deb)
zmq_version=$(dpkg-deb -f "$zmq_deb" Version)
zmq_source=$(dpkg-deb -f "$zmq_deb" Source)   # "zeromq3" or "zeromq3 (VERSION)" after a binNMU
[[ $zmq_source =~ \((.*)\) ]] && zmq_version=${BASH_REMATCH[1]}
zmq_source=${zmq_source%% *}
mkdir -p "$src"
echo '{ global: zmq_*; local: *; };' > "$src/zmq.map"
echo "install-deps: building libzmq from $zmq_source $zmq_version without GSSAPI, PGM, NORM"
started=$SECONDS
(cd "$src" && apt-get "${apt_opts[@]}" -o APT::Sandbox::User=root source --download-only -qq \
   "$zmq_source=$zmq_version") >/dev/null
# apt checked the .dsc against the signed Sources index; the .dsc's sha256 sums check the rest.
dsc=$(ls "$src"/*.dsc)
awk '/^Checksums-Sha256:/ {on = 1; next} /^[^ ]/ {on = 0} on && NF == 3 {print $1 "  " $3}' "$dsc" |
  (cd "$src" && sha256sum --check --strict --quiet) ||
  { echo "install-deps: $zmq_source's files do not match $dsc" >&2; exit 1; }
dpkg-source --no-check -x "$dsc" "$src/tree" >/dev/null   # unpacks and applies debian/patches
cmake -S "$src/tree" -B "$src/build" -DCMAKE_TOOLCHAIN_FILE="$here/armhf.cmake" \
  -DTRISTAR_DEPS_ROOT="$deps_root" -DCMAKE_INSTALL_PREFIX=/usr "${zmq_options[@]}" >"$src/configure.log" 2>&1 ||
  { tail -n 40 "$src/configure.log" >&2; exit 1; }
grep -q 'Using libsodium for CURVE security' "$src/configure.log" ||
  { echo "install-deps: libzmq's configure did not find the $arch libsodium" >&2; exit 1; }
timeout "$zmq_build_timeout" cmake --build "$src/build" -j"$(nproc)" >"$src/build.log" 2>&1 ||
  { tail -n 40 "$src/build.log" >&2; echo "install-deps: libzmq build failed or took over ${zmq_build_timeout}s" >&2; exit 1; }
mkdir -p "$deps_root/.libzmq"
cp "$src/configure.log" "$src/build.log" "$src/build/platform.hpp" "$deps_root/.libzmq/"
for d in "${zmq_defines[@]}"; do
  grep -Eq "^#define $d( |$)" "$src/build/platform.hpp" ||
    { echo "install-deps: libzmq's platform.hpp lacks $d (see $deps_root/.libzmq)" >&2; exit 1; }
done
if grep -E '^#define (ZMQ_HAVE_OPENPGM|ZMQ_HAVE_NORM|ZMQ_HAVE_LIBBSD|ZMQ_USE_TWEETNACL|ZMQ_HAVE_TIPC)( |$)' \
     "$src/build/platform.hpp" >&2; then
  echo "install-deps: libzmq was configured with something it must not have" >&2; exit 1
fi
DESTDIR="$src/stage" cmake --install "$src/build" >/dev/null
zmq_lib=$(find "$src/stage" -name 'libzmq.so.5.*' -type f)
libdir=$deps_root/usr/lib/$triplet
[[ -n $zmq_lib && $(basename "$zmq_lib") == $(basename "$(readlink -f "$libdir/libzmq.so.5")") ]] ||
  { echo "install-deps: built '$zmq_lib', Debian has $(readlink -f "$libdir/libzmq.so.5")" >&2; exit 1; }

# Checked under qemu-arm before it replaces Debian's: CURVE and IPC present, the rest absent, a CURVE
# handshake over TCP between two sockets of the rebuilt library, and three of the probes set above
# at work (close-on-exec sockets, TCP keepalive options, thread names).
cat > "$src/check.c" <<'CHECK'
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zmq.h>
#define OK(x) do { if (!(x)) { fprintf(stderr, "libzmq check failed: %s\n", #x); return 1; } } while (0)
int main(void) {
  OK(zmq_has("curve") && zmq_has("ipc") && !zmq_has("gssapi") && !zmq_has("pgm") && !zmq_has("norm"));
  char server_public[41], server_secret[41], client_public[41], client_secret[41], endpoint[64], buf[64];
  size_t len = sizeof endpoint;
  int as_server = 1, timeout = 5000, keepalive = 1, idle = 77;
  OK(zmq_curve_keypair(server_public, server_secret) == 0 && zmq_curve_keypair(client_public, client_secret) == 0);
  void *ctx = zmq_ctx_new(), *rep = zmq_socket(ctx, ZMQ_REP), *req = zmq_socket(ctx, ZMQ_REQ);
  OK(zmq_setsockopt(rep, ZMQ_CURVE_SERVER, &as_server, sizeof as_server) == 0);
  OK(zmq_setsockopt(rep, ZMQ_CURVE_SECRETKEY, server_secret, 40) == 0);
  OK(zmq_bind(rep, "tcp://127.0.0.1:*") == 0 && zmq_getsockopt(rep, ZMQ_LAST_ENDPOINT, endpoint, &len) == 0);
  OK(zmq_setsockopt(req, ZMQ_CURVE_SERVERKEY, server_public, 40) == 0);
  OK(zmq_setsockopt(req, ZMQ_CURVE_PUBLICKEY, client_public, 40) == 0);
  OK(zmq_setsockopt(req, ZMQ_CURVE_SECRETKEY, client_secret, 40) == 0);
  OK(zmq_setsockopt(req, ZMQ_RCVTIMEO, &timeout, sizeof timeout) == 0);
  OK(zmq_setsockopt(rep, ZMQ_RCVTIMEO, &timeout, sizeof timeout) == 0);
  OK(zmq_setsockopt(req, ZMQ_TCP_KEEPALIVE, &keepalive, sizeof keepalive) == 0);
  OK(zmq_setsockopt(req, ZMQ_TCP_KEEPALIVE_IDLE, &idle, sizeof idle) == 0);
  OK(zmq_connect(req, endpoint) == 0);
  OK(zmq_send(req, "ping", 4, 0) == 4 && zmq_recv(rep, buf, sizeof buf, 0) == 4 && memcmp(buf, "ping", 4) == 0);
  OK(zmq_send(rep, "pong", 4, 0) == 4 && zmq_recv(req, buf, sizeof buf, 0) == 4 && memcmp(buf, "pong", 4) == 0);
  /* Every socket close-on-exec; the client's TCP connection with the keepalive options set. */
  int sockets = 0, tuned = 0, named = 0;
  DIR *fds = opendir("/proc/self/fd");
  OK(fds != NULL);
  for (struct dirent *e; (e = readdir(fds)) != NULL;) {
    char path[300];
    snprintf(path, sizeof path, "/proc/self/fd/%s", e->d_name);
    ssize_t n = readlink(path, buf, sizeof buf - 1);
    if (n <= 0) continue;
    buf[n] = 0;
    if (strncmp(buf, "socket:", 7) != 0) continue;
    int fd = atoi(e->d_name), on = 0, got_idle = 0;
    socklen_t size = sizeof on;
    sockets++;
    OK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    if (getsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, &size) == 0 && on) {
      size = sizeof got_idle;
      if (getsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &got_idle, &size) == 0 && got_idle == idle) tuned++;
    }
  }
  closedir(fds);
  OK(sockets >= 3 && tuned == 1);
  /* libzmq names its I/O thread. */
  DIR *tasks = opendir("/proc/self/task");
  OK(tasks != NULL);
  for (struct dirent *e; (e = readdir(tasks)) != NULL;) {
    char path[300];
    snprintf(path, sizeof path, "/proc/self/task/%s/comm", e->d_name);
    FILE *f = fopen(path, "r");
    if (f == NULL) continue;
    if (fgets(buf, sizeof buf, f) != NULL && strncmp(buf, "ZMQbg/IO/0", 10) == 0) named++;
    fclose(f);
  }
  closedir(tasks);
  OK(named == 1);
  zmq_close(req); zmq_close(rep); zmq_ctx_term(ctx);
  printf("libzmq check: curve and ipc yes, gssapi/pgm/norm no, CURVE handshake over tcp ok, "
         "%d sockets close-on-exec, TCP keepalive set, I/O thread named\n", sockets);
  return 0;
}
CHECK
$triplet-gcc -O1 -o "$src/check" "$src/check.c" -I"$src/tree/include" -L"$(dirname "$zmq_lib")" -lzmq \
  -Wl,-rpath-link,"$libdir"
timeout 120 qemu-arm -L "/usr/$triplet" -E LD_LIBRARY_PATH="$(dirname "$zmq_lib"):$libdir" "$src/check"
unwanted=$(readelf -d "$zmq_lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | grep -E 'krb5|gssapi|pgm|norm|bsd' || true)
[[ -z $unwanted ]] || { echo "install-deps: the rebuilt libzmq still needs $unwanted" >&2; exit 1; }

# In place of Debian's: same soname and file name, its headers, a pkg-config file without the
# dropped libraries; Debian's static libzmq.a (which needs them) goes.
rm -f "$libdir"/libzmq.so* "$libdir/libzmq.a"
install -m 0644 "$zmq_lib" "$libdir/"
ln -s "$(basename "$zmq_lib")" "$libdir/libzmq.so.5"
ln -s libzmq.so.5 "$libdir/libzmq.so"
install -m 0644 "$src"/tree/include/zmq.h "$src"/tree/include/zmq_utils.h "$deps_root/usr/include/"
sed -i 's/^Requires.private:.*/Requires.private: libsodium/' "$libdir/pkgconfig/libzmq.pc"
echo "install-deps: libzmq $zmq_version rebuilt and checked in $((SECONDS - started))s"

rm -rf "$state"
echo "$want" > "$stamp"
