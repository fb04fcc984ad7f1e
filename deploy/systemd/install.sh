#!/bin/sh
# Installs tristar-gatewayd and tristar-bridge as systemd services on a generic Linux machine
# (docs/install-linux.md):
#
#   /usr/local/bin/       tristar-gatewayd, tristar-bridge, tristar-ctl (replaced every time)
#   /etc/tristar/         tristar-gatewayd.toml, tristar-bridge.toml (copied only when missing)
#   /etc/systemd/system/  tristar-gatewayd.service, tristar-bridge.service
#
# then reloads systemd, enables the units and (re)starts them. The executables come from a
# CMake build tree (--build-dir, default the repository's build/) or a flat directory
# (--bin-dir). Written for /bin/sh. Exit codes: 0 done, 1 failure, 2 bad usage.
set -eu
umask 022

ME=install.sh
HERE=$(cd "$(dirname "$0")" && pwd -P)
# the executables and where a CMake build tree puts them
EXES="tristar-gatewayd:gateway/daemon tristar-bridge:bridge tristar-ctl:gateway/ctl"

usage() {
    cat <<EOF
Usage: $ME --device URI [--no-bridge] [--build-dir DIR | --bin-dir DIR] [--root DIR]

Installs tristar-gatewayd (and tristar-bridge, the Modbus-TCP server for Home Assistant) as
systemd services: executables in /usr/local/bin, configs in /etc/tristar, units in
/etc/systemd/system.

  --device URI     the TriStar: tcp://HOST[:PORT] or rtu:///dev/ttyUSB0?baud=9600&parity=N&stop=2
                   Required when /etc/tristar/tristar-gatewayd.toml does not exist yet; on an
                   update it replaces only the device line of that config.
  --no-bridge      install the gateway only
  --build-dir DIR  a CMake build tree (default: $HERE/../../build)
  --bin-dir DIR    a directory holding the executables themselves (e.g. a tarball's bin/)
  --config-dir DIR the default configs (default: $HERE/../config)
  --root DIR       install into the tree DIR (staging, tests): no systemctl
  -h, --help       this text

Exit codes: 0 done, 1 failure, 2 bad usage.
EOF
}

die() { echo "$ME: $*" >&2; exit 1; }
usage_error() { echo "$ME: $*" >&2; echo "Try '$ME --help'." >&2; exit 2; }
say() { echo "$ME: $*"; }
need_arg() { [ "$1" -ge 2 ] || usage_error "$2 needs a value"; }

ROOT=/
DEVICE=
BRIDGE=yes
BUILD_DIR=$HERE/../../build
BIN_DIR=
CONFIG_DIR=$HERE/../config
while [ $# -gt 0 ]; do
    case "$1" in
        -h|--help) usage; exit 0 ;;
        --device) need_arg $# "$1"; DEVICE=$2; shift 2 ;;
        --root) need_arg $# "$1"; ROOT=$2; shift 2 ;;
        --build-dir) need_arg $# "$1"; BUILD_DIR=$2; shift 2 ;;
        --bin-dir) need_arg $# "$1"; BIN_DIR=$2; shift 2 ;;
        --config-dir) need_arg $# "$1"; CONFIG_DIR=$2; shift 2 ;;
        --no-bridge) BRIDGE=no; shift ;;
        *) usage_error "unknown argument '$1'" ;;
    esac
done

case "$DEVICE" in
    '') ;;
    tcp://?*|rtu:///?*) ;;
    *) usage_error "--device must be tcp://HOST[:PORT] or rtu:///dev/TTY[?SETTINGS], not '$DEVICE'" ;;
esac
case "$DEVICE" in
    *[\"\\\ \	]*) usage_error "--device must not contain quotes, backslashes or blanks: '$DEVICE'" ;;
esac
if [ -z "$ROOT" ] || [ ! -d "$ROOT" ]; then usage_error "--root '$ROOT': no such directory"; fi
ROOT=$(cd "$ROOT" && pwd -P)
[ "$ROOT" = / ] && ROOT=
[ -d "$CONFIG_DIR" ] || die "$CONFIG_DIR: no such directory (the default configs)"
if [ -z "$ROOT" ]; then
    [ "$(id -u)" = 0 ] || die "run as root (or use --root DIR to stage into a directory)"
    command -v systemctl >/dev/null 2>&1 || die "systemctl not found: this machine does not run systemd"
fi

SERVICES=tristar-gatewayd
[ "$BRIDGE" = no ] || SERVICES="$SERVICES tristar-bridge"
GATEWAY_CONFIG=$ROOT/etc/tristar/tristar-gatewayd.toml
if [ -z "$DEVICE" ] && [ ! -f "$GATEWAY_CONFIG" ]; then
    usage_error "--device URI is required on the first install (the TriStar's address)"
fi

source_of() {  # source_of NAME: the executable to install, or nothing
    for entry in $EXES; do
        [ "${entry%%:*}" = "$1" ] || continue
        if [ -n "$BIN_DIR" ]; then echo "$BIN_DIR/$1"; else echo "$BUILD_DIR/${entry#*:}/$1"; fi
    done
}
for exe in $SERVICES; do
    src=$(source_of "$exe")
    [ -x "$src" ] || die "$src not found or not executable (build first, or name --build-dir/--bin-dir)"
    [ -f "$CONFIG_DIR/$exe.toml" ] || die "$CONFIG_DIR/$exe.toml not found"
done

install_file() {  # install_file SRC DEST MODE: atomic, so a running binary is replaced
    cp "$1" "$2.new.$$"
    chmod "$3" "$2.new.$$"
    mv -f "$2.new.$$" "$2"
}

set_device() {  # set_device FILE URI: replaces (or adds) uri in [device], keeps the rest
    TRISTAR_URI=$2 awk '
        BEGIN { uri = "uri = \"" ENVIRON["TRISTAR_URI"] "\"" }
        /^[ \t]*\[/ {
            if (section == "device" && !done) { print uri; done = 1 }
            section = $0; gsub(/[][ \t]/, "", section)
        }
        section == "device" && !done && /^[ \t]*uri[ \t]*=/ { print uri; done = 1; next }
        { print }
        END {
            if (!done && section == "device") { print uri; done = 1 }
            if (!done) { print ""; print "[device]"; print uri }
        }' "$1" > "$1.new.$$"
    cat "$1.new.$$" > "$1"
    rm -f "$1.new.$$"
}

mkdir -p "$ROOT/usr/local/bin" "$ROOT/etc/tristar" "$ROOT/etc/systemd/system"
for entry in $EXES; do
    exe=${entry%%:*}
    src=$(source_of "$exe")
    case " $SERVICES " in
        *" $exe "*) ;;
        *) if [ "$exe" != tristar-ctl ] || [ ! -x "$src" ]; then continue; fi ;;   # the CLI: when built
    esac
    install_file "$src" "$ROOT/usr/local/bin/$exe" 0755
done
for exe in $SERVICES; do
    if [ -e "$ROOT/etc/tristar/$exe.toml" ]; then
        say "keeping your /etc/tristar/$exe.toml"
    else
        install_file "$CONFIG_DIR/$exe.toml" "$ROOT/etc/tristar/$exe.toml" 0644
    fi
    install_file "$HERE/$exe.service" "$ROOT/etc/systemd/system/$exe.service" 0644
done
if [ -n "$DEVICE" ]; then
    set_device "$GATEWAY_CONFIG" "$DEVICE"
    say "the gateway talks to $DEVICE (/etc/tristar/tristar-gatewayd.toml)"
fi
for exe in $SERVICES; do
    "$ROOT/usr/local/bin/$exe" --config "$ROOT/etc/tristar/$exe.toml" --check-config >/dev/null ||
        die "/etc/tristar/$exe.toml is not valid (see above)"
done

if [ -n "$ROOT" ]; then
    say "installed $SERVICES into $ROOT (systemctl not run: --root)"
    exit 0
fi
systemctl daemon-reload
# shellcheck disable=SC2086 # one word per unit
systemctl enable $SERVICES
# shellcheck disable=SC2086
systemctl restart $SERVICES
say "installed and started $SERVICES; check with: systemctl status $SERVICES"
