#!/usr/bin/env bash
# Builds the armv7 hard-float tarball for Venus OS (and other armhf Linux) from a checkout:
#
#   deploy/cross/build-tarball.sh [--unit-tests]
#
# -> dist/tristar-<version>-armhf.tar.gz holding bin/ (the executables), lib/ (every library the
# target's image lacks, found through the executables' RPATH $ORIGIN/../lib), config/ (the
# default configs), install.sh, config-devices.sh (deploy/shared/, which install.sh sources),
# uninstall.sh and README.md. It installs what it needs itself (deploy/cross/install-deps.sh, as
# root) and prints which shared libraries the target must provide, with the newest glibc and
# libstdc++ symbol versions they are asked for.
# --unit-tests also builds the unit tests for armhf (tests/cross runs them under qemu-arm).
# BUILD_DIR (default build-armhf), DEPS_ROOT (default $BUILD_DIR/deps) and OUT_DIR (default
# dist) may be set in the environment.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$here/build-armhf}
deps=${DEPS_ROOT:-$build/deps}
out=${OUT_DIR:-$here/dist}
triplet=arm-linux-gnueabihf
unit_tests=no
for arg in "$@"; do
  case $arg in
    --unit-tests) unit_tests=yes ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-tarball.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done

"$here/deploy/cross/install-deps.sh" "$deps"

# -O2 (RelWithDebInfo): GCC 12's -O3 reports false -Wrestrict/-Warray-bounds on 32-bit targets.
cmake -S "$here" -B "$build" -DCMAKE_TOOLCHAIN_FILE="$here/deploy/cross/armhf.cmake" \
  -DTRISTAR_DEPS_ROOT="$deps" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWITH_TESTS=ON \
  ${WERROR:+-DWERROR=$WERROR} >/dev/null
declare -A exe_path=(
  [tristar-gatewayd]=gateway/daemon [tristar-publisher]=publisher [tristar-bridge]=gateway/bridge
  [tristar-ctl]=gateway/ctl [tristar-sim]=gateway/sim
)
targets=("${!exe_path[@]}")
if [[ $unit_tests == yes ]]; then
  mapfile -t -O "${#targets[@]}" targets < <(cd "$build" && ctest -N -L '^unit$' | awk '/Test +#/ {print $3}')
fi
cmake --build "$build" -j"$(nproc)" $(printf -- '--target %s ' "${targets[@]}")

version=$(sed -n 's/^project([^ ]* VERSION \([0-9.]*\).*/\1/p' "$here/CMakeLists.txt")
name=tristar-$version-armhf
stage=$build/stage/$name
rm -rf "$build/stage"
mkdir -p "$stage/bin" "$stage/lib" "$stage/config"
for exe in "${!exe_path[@]}"; do
  $triplet-strip -o "$stage/bin/$exe" "$build/${exe_path[$exe]}/$exe"
done

# What the target provides (venus-dbus.md 15: glibc, libstdc++, libdbus-1 are on the image).
target_provided='^(libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|libresolv\.so\.2|libanl\.so\.1|ld-linux-armhf\.so\.3|libstdc\+\+\.so\.6|libgcc_s\.so\.1|libdbus-1\.so\.3)$'
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }

# Bundle the closure of everything else, each library under its soname.
queue=("$stage"/bin/*)
while ((${#queue[@]})); do
  elf=${queue[0]}; queue=("${queue[@]:1}")
  for lib in $(needed "$elf"); do
    [[ $lib =~ $target_provided || -e $stage/lib/$lib ]] && continue
    src=$deps/usr/lib/$triplet/$lib
    [[ -e $src ]] || { echo "build-tarball.sh: $lib (needed by ${elf##*/}) is not in $deps" >&2; exit 1; }
    $triplet-strip --strip-unneeded -o "$stage/lib/$lib" "$(readlink -f "$src")"
    chmod 0644 "$stage/lib/$lib"
    queue+=("$stage/lib/$lib")
  done
done

cp "$here/deploy/venus/install.sh" "$here/deploy/venus/uninstall.sh" "$here/deploy/shared/config-devices.sh" "$stage/"
cp "$here"/deploy/config/tristar-{gatewayd,publisher,bridge}.toml "$stage/config/"
cp "$here/docs/install-venus.md" "$stage/README.md"
chmod 0755 "$stage/install.sh" "$stage/uninstall.sh" "$stage"/bin/*

# What the target must provide, and the newest symbol versions asked of it.
echo "== $name: shared libraries needed from the target =="
for elf in "$stage"/bin/* "$stage"/lib/*; do needed "$elf"; done | sort -u |
  while read -r lib; do [[ -e $stage/lib/$lib ]] || echo "  $lib"; done
for abi in GLIBC GLIBCXX CXXABI GCC; do
  newest=$(for elf in "$stage"/bin/* "$stage"/lib/*; do
             $triplet-objdump -T "$elf" | grep -o "(${abi}_[0-9.]*)" || true
           done | tr -d '()' | sort -uV | tail -1)
  echo "  newest $abi symbol version: ${newest:-none}"
done
echo "== bundled in lib/ (bytes, stripped) =="
(cd "$stage/lib" && stat -c '%s %n' -- * | sort -k2 | awk '{printf "  %9d  %s\n", $1, $2; t += $1}
                                                        END {printf "  %9d  total, %d libraries\n", t, NR}')
echo "== bin/: $(du -sb "$stage/bin" | cut -f1) bytes =="

mkdir -p "$out"
tar -C "$build/stage" --owner=0 --group=0 -czf "$out/$name.tar.gz" "$name"
echo "== $out/$name.tar.gz ($(stat -c %s "$out/$name.tar.gz") bytes, $(du -h "$out/$name.tar.gz" | cut -f1)) =="
