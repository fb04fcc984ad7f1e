#!/bin/sh
# Installs (or updates) the TriStar gateway on a Victron GX device running Venus OS.
#
# Run it from the unpacked tarball; it finds its files next to itself:
#
#   tristar-<version>-<arch>/
#     install.sh  uninstall.sh  config-devices.sh (sourced by install.sh)
#     bin/     tristar-gatewayd tristar-publisher (required), tristar-bridge, tristar-ctl, ...
#     lib/     the libraries Venus OS lacks (libmodbus, libzmq, protobuf, sdbus-c++, ...)
#     config/  tristar-gatewayd.toml tristar-publisher.toml tristar-bridge.toml
#
# and puts everything under /data/tristar, the only place that survives a firmware update
# (venus-dbus.md 15):
#
#   /data/tristar/bin/             the executables (replaced on every install)
#   /data/tristar/lib/             the bundled libraries (replaced on every install)
#   /data/tristar/config/          the configs (copied only when missing: an update keeps yours)
#   /data/tristar/keys/            CURVE key pairs of the gateway and the services (made once)
#   /data/tristar/service/<name>/  daemontools service dirs: run, log/run
#   /data/tristar/uninstall.sh     the uninstaller
#   /data/tristar/.installed       the manifest: what this installer added
#   /data/tristar/history, custom-name   the publisher's data (its data_dir), never touched here
#   /data/rc.local                 a marked block re-creating the /service links at every boot
#
# /service is a RAM overlay rebuilt at boot, so the links are made by /data/rc.local (and at
# once by this script). Written for /bin/sh (busybox ash on Venus OS, dash on Debian).
# Exit codes: 0 done, 1 failure, 2 bad usage.
set -eu
umask 022

PREFIX=/data/tristar            # where things live on the target, whatever --root is
MARK_BEGIN='# >>> tristar >>>'
MARK_END='# <<< tristar <<<'
ME=install.sh

usage() {
    cat <<EOF
Usage: $ME --device URI [--with-bridge] [--root DIR]
       $ME [--device URI] [--with-bridge | --without-bridge] [--root DIR]   (update)
       $ME --device NAME[:UNIT]=URI [--device NAME[:UNIT]=URI ...] [OPTIONS]   (several TriStars)

Installs tristar-gatewayd and tristar-publisher (and tristar-bridge) under $PREFIX as
daemontools services, started now and at every boot from /data/rc.local.

  --device URI      the TriStar: tcp://HOST[:PORT] or rtu:///dev/ttyUSB0?baud=9600&parity=N&stop=2
                    Required on the first install; on an update it replaces only the device
                    line of the existing gateway config (without it the config is kept as is).
$(named_devices_help 20)
  --with-bridge     also run tristar-bridge (Modbus-TCP server for Home Assistant, port 5020)
  --without-bridge  remove the bridge service an earlier install added (an update keeps it)
  --root DIR        install into the tree DIR (staging, tests): no /service links, no svc
  --from DIR        the unpacked tarball (default: the directory of this script)
  -h, --help        this text

Exit codes: 0 done, 1 failure, 2 bad usage.
EOF
}

die() { echo "$ME: $*" >&2; exit 1; }
usage_error() { echo "$ME: $*" >&2; echo "Try '$ME --help'." >&2; exit 2; }
say() { echo "$ME: $*"; }

# The --device options and the config writers (set_string, set_device, set_devices), shared
# with deploy/systemd/install.sh: next to this script in the tarball, deploy/shared/ in a checkout.
HERE=$(cd "$(dirname "$0")" && pwd -P)
CONFIG_DEVICES=$HERE/config-devices.sh
[ -f "$CONFIG_DEVICES" ] || CONFIG_DEVICES=$HERE/../shared/config-devices.sh
if [ ! -f "$CONFIG_DEVICES" ]; then
    die "$HERE/config-devices.sh is missing: the tarball has it next to install.sh (a checkout in deploy/shared/)"
fi
# shellcheck source-path=SCRIPTDIR source=../shared/config-devices.sh
. "$CONFIG_DEVICES"

# --- arguments ---------------------------------------------------------------------------
ROOT=/
DEVICE=
BRIDGE=keep
FROM=
while [ $# -gt 0 ]; do
    case "$1" in
        -h|--help) usage; exit 0 ;;
        --device) [ $# -ge 2 ] || usage_error "--device needs a URI"; add_device "$2"; shift 2 ;;
        --device=*) add_device "${1#--device=}"; shift ;;
        --root) [ $# -ge 2 ] || usage_error "--root needs a directory"; ROOT=$2; shift 2 ;;
        --root=*) ROOT=${1#--root=}; shift ;;
        --from) [ $# -ge 2 ] || usage_error "--from needs a directory"; FROM=$2; shift 2 ;;
        --from=*) FROM=${1#--from=}; shift ;;
        --with-bridge) BRIDGE=yes; shift ;;
        --without-bridge) BRIDGE=no; shift ;;
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
[ -n "$ROOT" ] || usage_error "--root needs a directory"
[ -d "$ROOT" ] || usage_error "--root $ROOT: no such directory"
ROOT=$(cd "$ROOT" && pwd -P)
[ "$ROOT" = / ] && ROOT=
LIVE=no
[ -z "$ROOT" ] && LIVE=yes

if [ -z "$FROM" ]; then
    FROM=$(dirname "$0")
fi
[ -d "$FROM" ] || usage_error "--from $FROM: no such directory"
FROM=$(cd "$FROM" && pwd -P)
if [ ! -d "$FROM/bin" ] || [ ! -d "$FROM/config" ]; then
    die "$FROM is not an unpacked tarball: bin/ and config/ are missing"
fi

DEST=$ROOT$PREFIX
MANIFEST=$DEST/.installed
RCLOCAL=$ROOT/data/rc.local

if [ "$LIVE" = yes ]; then
    [ "$(id -u)" = 0 ] || die "run as root (or use --root DIR to stage into a directory)"
    if [ ! -d /service ] || [ ! -d /data ]; then
        die "this is not Venus OS (no /service or /data); on generic Linux use deploy/systemd/install.sh"
    fi
fi

# --- the manifest ------------------------------------------------------------------------
# One entry per line, paths as on the target: "file P" (removed by uninstall), "config P"
# (kept unless --purge), "dir P" (removed when empty), "service NAME", "rclocal-created",
# "rclocal-mode MODE" (rc.local's mode before we made it executable).
# Entries are written as soon as the manifest's directory exists, so an install that stops
# half way still leaves a manifest the uninstaller can follow.
NEW_ENTRIES=
record() { NEW_ENTRIES="$NEW_ENTRIES$*
"; }
recorded() { printf '%s' "$NEW_ENTRIES" | grep -qxF -e "$*" || { [ -f "$MANIFEST" ] && grep -qxF -e "$*" "$MANIFEST"; }; }
flush_manifest() {  # the old entries and the new ones, once each
    if [ -z "$NEW_ENTRIES" ] || [ ! -d "$DEST" ]; then return 0; fi
    {
        if [ -f "$MANIFEST" ]; then cat "$MANIFEST"; fi
        printf '%s' "$NEW_ENTRIES"
    } | awk 'NF && !seen[$0]++' > "$MANIFEST.new.$$"
    mv -f "$MANIFEST.new.$$" "$MANIFEST"
    chmod 0644 "$MANIFEST"
    NEW_ENTRIES=
}
trap 'flush_manifest' EXIT

make_dir() {  # make_dir TARGET_PATH: one level, recorded when we create it
    if [ ! -d "$ROOT$1" ]; then
        mkdir "$ROOT$1"
        chmod 0755 "$ROOT$1"
        record "dir $1"
    fi
}

install_file() {  # install_file SRC TARGET_PATH MODE: atomic, so a running binary is replaced
    cp "$1" "$ROOT$2.new.$$"
    chmod "$3" "$ROOT$2.new.$$"
    mv -f "$ROOT$2.new.$$" "$ROOT$2"
}

write_file() {  # write_file TARGET_PATH MODE, content on stdin
    cat > "$ROOT$1.new.$$"
    chmod "$2" "$ROOT$1.new.$$"
    mv -f "$ROOT$1.new.$$" "$ROOT$1"
}

# --- checks before touching anything -----------------------------------------------------
[ -f "$MANIFEST" ] && UPDATE=yes || UPDATE=no
GATEWAY_CONFIG=$PREFIX/config/tristar-gatewayd.toml
if [ -z "$DEVICE" ] && [ -z "$NAMED" ] && [ ! -f "$ROOT$GATEWAY_CONFIG" ]; then
    usage_error "--device URI is required on the first install (the TriStar's address)"
fi
# Several devices ([[devices]], docs/operations.md "Several devices") are set in the config
# itself or all of them with --device NAME=URI: --device URI would put a uri in [device], which
# such a config must not have.
if [ -n "$DEVICE" ] && [ -f "$ROOT$GATEWAY_CONFIG" ] && grep -q '^[[:space:]]*\[\[devices\]\]' "$ROOT$GATEWAY_CONFIG"; then
    usage_error "the gateway's config lists several devices ([[devices]]): set each one's uri there, not with --device"
fi

SERVICES="tristar-gatewayd tristar-publisher"
case "$BRIDGE" in
    yes) SERVICES="$SERVICES tristar-bridge" ;;
    keep) if recorded "service tristar-bridge"; then SERVICES="$SERVICES tristar-bridge"; fi ;;
esac
for exe in $SERVICES; do
    [ -f "$FROM/bin/$exe" ] || die "$FROM/bin/$exe is missing from the tarball"
done
for exe in $SERVICES; do
    [ -f "$FROM/config/$exe.toml" ] || die "$FROM/config/$exe.toml is missing from the tarball"
done

# --- files -------------------------------------------------------------------------------
make_dir /data
make_dir "$PREFIX"
make_dir "$PREFIX/bin"
[ -d "$FROM/lib" ] && make_dir "$PREFIX/lib"
make_dir "$PREFIX/config"
make_dir "$PREFIX/service"
flush_manifest

install_all() {  # install_all DIR MODE: every file of the tarball's DIR into $PREFIX/DIR
    for src in "$FROM/$1"/*; do
        [ -f "$src" ] || continue
        name=$(basename "$src")
        install_file "$src" "$PREFIX/$1/$name" "$2"
        record "file $PREFIX/$1/$name"
    done
}
install_all bin 0755
# The libraries the image lacks, found by the executables through their RPATH $ORIGIN/../lib.
install_all lib 0644
if [ -f "$FROM/uninstall.sh" ]; then
    install_file "$FROM/uninstall.sh" "$PREFIX/uninstall.sh" 0755
    record "file $PREFIX/uninstall.sh"
fi

for src in "$FROM"/config/*.toml; do
    [ -f "$src" ] || continue
    name=$(basename "$src")
    if [ -e "$ROOT$PREFIX/config/$name" ]; then
        say "keeping your $PREFIX/config/$name"
    else
        install_file "$src" "$PREFIX/config/$name" 0644
        record "config $PREFIX/config/$name"
    fi
done
if [ -n "$DEVICE" ]; then
    set_device "$ROOT$GATEWAY_CONFIG" "$DEVICE"
    say "the gateway talks to $DEVICE ($GATEWAY_CONFIG)"
elif [ -n "$NAMED" ]; then
    set_devices "$ROOT$GATEWAY_CONFIG"
    if [ "$NAMED_COUNT" = 1 ]; then noun=device; else noun=devices; fi
    say "the gateway talks to $NAMED_COUNT $noun: $NAMED_TEXT ($GATEWAY_CONFIG)"
fi

# --- authenticated clients (docs/operations.md, "Who may do what") -----------------------
# A CURVE key pair for the gateway and each service that connects to it, made once; the
# gateway gets a CURVE endpoint on 127.0.0.1:5556 that knows the services' public keys (their
# writes are judged by those names, whatever a request claims), root on the ipc socket is
# tristar-ctl, and the plain 127.0.0.1:5555 stays open for reads. A config that already has
# [auth] is left as it is, except that a service's key it lacks is added.
KEYS=$PREFIX/keys
CURVE_ENDPOINT=tcp://127.0.0.1:5556
AUTH=yes
make_dir "$KEYS"
chmod 0700 "$ROOT$KEYS"
flush_manifest
for name in $SERVICES; do
    [ -f "$ROOT$KEYS/$name.key" ] && continue
    if ! "$ROOT$PREFIX/bin/tristar-gatewayd" --gen-key "$ROOT$KEYS/$name" >/dev/null 2>&1; then
        if [ "$LIVE" = yes ]; then die "cannot make a key pair for $name with $PREFIX/bin/tristar-gatewayd --gen-key"; fi
        say "warning: cannot run $PREFIX/bin/tristar-gatewayd here to make key pairs: no [auth] set up"
        AUTH=no
        break
    fi
    record "config $KEYS/$name.key"
    record "config $KEYS/$name.pub"
    say "made a key pair for $name ($KEYS/$name.key, .pub)"
done
flush_manifest
if [ "$AUTH" = yes ]; then
    if ! grep -q '^[ 	]*\[auth\][ 	]*$' "$ROOT$GATEWAY_CONFIG"; then
        cat >> "$ROOT$GATEWAY_CONFIG" <<EOF

# Written by install.sh (docs/operations.md, "Who may do what"): CURVE on 127.0.0.1:5556 for
# the services, root on the ipc socket as tristar-ctl; the plain endpoints serve reads only.
[auth]
curve_endpoints = ["$CURVE_ENDPOINT"]
curve_secret_key_file = "$KEYS/tristar-gatewayd.key"

[[auth.ipc_peers]]
name = "tristar-ctl"
uid = 0
EOF
        say "the gateway authenticates its clients ([auth] in $GATEWAY_CONFIG)"
    fi
    for name in $SERVICES; do
        [ "$name" = tristar-gatewayd ] && continue
        public=$(cat "$ROOT$KEYS/$name.pub")
        grep -qF -e "$public" "$ROOT$GATEWAY_CONFIG" && continue
        printf '\n[[auth.clients]]\nname = "%s"\npublic_key = "%s"\n' "$name" "$public" >> "$ROOT$GATEWAY_CONFIG"
        say "the gateway knows $name by its key"
    done
    for name in $SERVICES; do
        case "$name" in
            tristar-publisher) section=publisher ;;
            tristar-bridge) section=bridge ;;
            *) continue ;;
        esac
        config=$ROOT$PREFIX/config/$name.toml
        grep -q '^[ 	]*client_secret_key_file[ 	]*=' "$config" && continue
        set_string "$config" "$section" gateway "$CURVE_ENDPOINT"
        set_string "$config" "$section" server_public_key_file "$KEYS/tristar-gatewayd.pub"
        set_string "$config" "$section" client_secret_key_file "$KEYS/$name.key"
        say "$name connects to the gateway with its key ($PREFIX/config/$name.toml)"
    done
fi

flush_manifest

# The installed executables judge the configs; a binary that cannot run here (another CPU
# when staging with --root) only earns a warning, a config it rejects stops the install.
for exe in $SERVICES; do
    set +e
    out=$("$ROOT$PREFIX/bin/$exe" --config "$ROOT$PREFIX/config/$exe.toml" --check-config 2>&1)
    rc=$?
    set -e
    case "$rc" in
        0) ;;
        2) die "$PREFIX/config/$exe.toml is not valid: $out" ;;
        *) if [ "$LIVE" = yes ]; then die "$PREFIX/bin/$exe does not run on this device (exit $rc): $out"; fi
           say "warning: cannot run $PREFIX/bin/$exe here to check its config (exit $rc)" ;;
    esac
done

# --- service directories -----------------------------------------------------------------
for exe in $SERVICES; do
    dir=$PREFIX/service/$exe
    make_dir "$dir"
    make_dir "$dir/log"
    write_file "$dir/run" 0755 <<EOF
#!/bin/sh
exec 2>&1
exec $PREFIX/bin/$exe --config $PREFIX/config/$exe.toml --log-plain
EOF
    write_file "$dir/log/run" 0755 <<EOF
#!/bin/sh
exec multilog t s25000 n4 /var/log/$exe
EOF
    record "file $dir/run"
    record "file $dir/log/run"
    record "service $exe"
done

# --- the boot hook in /data/rc.local -----------------------------------------------------
if [ ! -e "$RCLOCAL" ]; then
    printf '#!/bin/sh\n' > "$RCLOCAL"
    chmod 0755 "$RCLOCAL"
    record "rclocal-created"
elif [ ! -x "$RCLOCAL" ]; then
    recorded "rclocal-created" || record "rclocal-mode $(stat -c %a "$RCLOCAL")"
    chmod a+x "$RCLOCAL"
fi
# The old block goes, the new one goes at the end, or before a final "exit" line.
hook=
for exe in $SERVICES; do
    hook="${hook}ln -sfn $PREFIX/service/$exe /service/$exe
"
done
TRISTAR_HOOK=$hook awk -v begin="$MARK_BEGIN" -v end="$MARK_END" '
    index($0, begin) == 1 { skip = 1; next }
    $0 == end { skip = 0; next }
    skip { next }
    { line[++n] = $0 }
    END {
        last = n
        while (last > 0 && line[last] ~ /^[ \t]*$/) last--
        at = last
        if (last > 1 && line[last] ~ /^[ \t]*exit([ \t]+0)?[ \t]*$/) at = last - 1
        for (i = 1; i <= at; i++) print line[i]
        print begin
        print "# added by the TriStar gateway installer; /data/tristar/uninstall.sh removes it"
        printf "%s", ENVIRON["TRISTAR_HOOK"]
        print end
        for (i = at + 1; i <= n; i++) print line[i]
    }' "$RCLOCAL" > "$RCLOCAL.new.$$"
cat "$RCLOCAL.new.$$" > "$RCLOCAL"
rm -f "$RCLOCAL.new.$$"

# --- a bridge an earlier install added and this one drops --------------------------------
if [ "$BRIDGE" = no ] && recorded "service tristar-bridge"; then
    dir=$PREFIX/service/tristar-bridge
    if [ "$LIVE" = yes ]; then
        rm -f /service/tristar-bridge
        if command -v svc >/dev/null 2>&1; then svc -dx "$dir" "$dir/log" 2>/dev/null || true; fi
        sleep 1
    fi
    rm -rf "$ROOT$dir"
    flush_manifest
    grep -vxF "service tristar-bridge" "$MANIFEST" | grep -vF " $dir" > "$MANIFEST.new.$$" || true
    mv -f "$MANIFEST.new.$$" "$MANIFEST"
    say "removed the tristar-bridge service"
fi

flush_manifest

# --- start -------------------------------------------------------------------------------
if [ "$LIVE" = yes ]; then
    for exe in $SERVICES; do
        ln -sfn "$PREFIX/service/$exe" "/service/$exe"
    done
    if command -v svc >/dev/null 2>&1; then
        for exe in $SERVICES; do
            if command -v svok >/dev/null 2>&1 && ! svok "/service/$exe" 2>/dev/null; then
                say "$exe: svscan starts it within a few seconds"
            elif [ "$UPDATE" = yes ]; then
                svc -u -t "/service/$exe" || say "warning: svc -t /service/$exe failed"
            else
                svc -u "/service/$exe" || say "warning: svc -u /service/$exe failed"
            fi
        done
    fi
    say "installed $SERVICES; check with: svstat /service/tristar-*"
else
    say "installed $SERVICES into $ROOT (not started: --root)"
fi
