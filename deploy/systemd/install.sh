#!/bin/sh
# Installs tristar-gatewayd and tristar-bridge as systemd services on a generic Linux machine
# (docs/install-linux.md):
#
#   /usr/local/bin/       tristar-gatewayd, tristar-bridge, tristar-ctl (replaced every time)
#   /etc/tristar/         tristar-gatewayd.toml, tristar-bridge.toml (copied only when missing)
#   /etc/tristar/keys/    CURVE key pairs of the gateway and the bridge (made once)
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
EXES="tristar-gatewayd:gateway/daemon tristar-bridge:gateway/bridge tristar-ctl:gateway/ctl"

usage() {
    cat <<EOF
Usage: $ME --device URI [--no-bridge] [--build-dir DIR | --bin-dir DIR] [--root DIR]
       $ME --device NAME[:UNIT]=URI [--device NAME[:UNIT]=URI ...] [OPTIONS]   (several TriStars)

Installs tristar-gatewayd (and tristar-bridge, the Modbus-TCP server for Home Assistant) as
systemd services: executables in /usr/local/bin, configs in /etc/tristar, units in
/etc/systemd/system.

  --device URI     the TriStar: tcp://HOST[:PORT] or rtu:///dev/ttyUSB0?baud=9600&parity=N&stop=2
                   Required when /etc/tristar/tristar-gatewayd.toml does not exist yet; on an
                   update it replaces only the device line of that config.
$(named_devices_help 19)
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

# The --device options and the config writers (set_string, set_device, set_devices), shared
# with deploy/venus/install.sh.
CONFIG_DEVICES=$HERE/../shared/config-devices.sh
[ -f "$CONFIG_DEVICES" ] || die "$CONFIG_DEVICES is missing (the checkout is incomplete)"
# shellcheck source-path=SCRIPTDIR source=../shared/config-devices.sh
. "$CONFIG_DEVICES"

ROOT=/
DEVICE=
BRIDGE=yes
BUILD_DIR=$HERE/../../build
BIN_DIR=
CONFIG_DIR=$HERE/../config
while [ $# -gt 0 ]; do
    case "$1" in
        -h|--help) usage; exit 0 ;;
        --device) need_arg $# "$1"; add_device "$2"; shift 2 ;;
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
if [ -z "$DEVICE" ] && [ -z "$NAMED" ] && [ ! -f "$GATEWAY_CONFIG" ]; then
    usage_error "--device URI is required on the first install (the TriStar's address)"
fi
# Several devices ([[devices]], docs/operations.md "Several devices") are set in the config
# itself or all of them with --device NAME=URI: --device URI would put a uri in [device], which
# such a config must not have.
if [ -n "$DEVICE" ] && [ -f "$GATEWAY_CONFIG" ] && grep -q '^[[:space:]]*\[\[devices\]\]' "$GATEWAY_CONFIG"; then
    usage_error "the gateway's config lists several devices ([[devices]]): set each one's uri there, not with --device"
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
elif [ -n "$NAMED" ]; then
    set_devices "$GATEWAY_CONFIG"
    if [ "$NAMED_COUNT" = 1 ]; then noun=device; else noun=devices; fi
    say "the gateway talks to $NAMED_COUNT $noun: $NAMED_TEXT (/etc/tristar/tristar-gatewayd.toml)"
fi

# Authenticated clients (docs/operations.md, "Who may do what"): a CURVE key pair for the
# gateway and the bridge, made once in /etc/tristar/keys (secret keys 0600, root's; systemd
# hands each service its own with LoadCredential=, as /run/credentials/UNIT/curve.key). The
# gateway gets a CURVE endpoint on 127.0.0.1:5556 that knows the bridge's key (its writes are
# judged as tristar-bridge, whatever a request claims); root on the ipc socket is tristar-ctl;
# the plain 127.0.0.1:5555 serves reads only. A config that already has [auth] is left as it
# is, except that the bridge's key is added when it lacks it.
KEYS=/etc/tristar/keys
CURVE_ENDPOINT=tcp://127.0.0.1:5556
mkdir -p "$ROOT$KEYS"
chmod 0755 "$ROOT$KEYS"
for exe in $SERVICES; do
    [ -f "$ROOT$KEYS/$exe.key" ] && continue
    "$ROOT/usr/local/bin/tristar-gatewayd" --gen-key "$ROOT$KEYS/$exe" >/dev/null ||
        die "cannot make a key pair for $exe"
    say "made a key pair for $exe ($KEYS/$exe.key, .pub)"
done
if ! grep -q '^[[:space:]]*\[auth\][[:space:]]*$' "$GATEWAY_CONFIG"; then
    cat >> "$GATEWAY_CONFIG" <<EOF

# Written by install.sh (docs/operations.md, "Who may do what"): CURVE on 127.0.0.1:5556 for
# the services, root on the ipc socket as tristar-ctl; the plain endpoints serve reads only.
[auth]
curve_endpoints = ["$CURVE_ENDPOINT"]
curve_secret_key_file = "/run/credentials/tristar-gatewayd.service/curve.key"

[[auth.ipc_peers]]
name = "tristar-ctl"
uid = 0
EOF
    say "the gateway authenticates its clients ([auth] in /etc/tristar/tristar-gatewayd.toml)"
fi
if [ "$BRIDGE" = yes ]; then
    public=$(cat "$ROOT$KEYS/tristar-bridge.pub")
    if ! grep -qF -e "$public" "$GATEWAY_CONFIG"; then
        printf '\n[[auth.clients]]\nname = "tristar-bridge"\npublic_key = "%s"\n' "$public" >> "$GATEWAY_CONFIG"
        say "the gateway knows tristar-bridge by its key"
    fi
    BRIDGE_CONFIG=$ROOT/etc/tristar/tristar-bridge.toml
    if ! grep -q '^[[:space:]]*client_secret_key_file[[:space:]]*=' "$BRIDGE_CONFIG"; then
        set_string "$BRIDGE_CONFIG" bridge gateway "$CURVE_ENDPOINT"
        set_string "$BRIDGE_CONFIG" bridge server_public_key_file "$KEYS/tristar-gatewayd.pub"
        set_string "$BRIDGE_CONFIG" bridge client_secret_key_file "/run/credentials/tristar-bridge.service/curve.key"
        say "tristar-bridge connects to the gateway with its key (/etc/tristar/tristar-bridge.toml)"
    fi
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
