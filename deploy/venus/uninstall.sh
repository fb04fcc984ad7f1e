#!/bin/sh
# Removes what deploy/venus/install.sh added on a Venus OS device, following its manifest
# /data/tristar/.installed: stops the services, removes the /service links, the marked block in
# /data/rc.local (the rest of the file stays; the file goes only if the installer created it
# and nothing else is left in it) and the installed files and directories. The configs and the
# publisher's data (history, custom-name) stay unless --purge.
# The installer leaves a copy at /data/tristar/uninstall.sh. Written for /bin/sh.
# Exit codes: 0 done, 1 failure, 2 bad usage.
set -eu
umask 022

PREFIX=/data/tristar
MARK_BEGIN='# >>> tristar >>>'
MARK_END='# <<< tristar <<<'
ME=uninstall.sh

usage() {
    cat <<EOF
Usage: $ME [--purge] [--root DIR]

Stops and removes the TriStar services and everything install.sh added under $PREFIX.

  --purge     also remove the configs and the publisher's history: all of $PREFIX
  --root DIR  uninstall from the tree DIR (staging, tests): no svc, no /service
  -h, --help  this text

Exit codes: 0 done, 1 failure, 2 bad usage.
EOF
}

die() { echo "$ME: $*" >&2; exit 1; }
usage_error() { echo "$ME: $*" >&2; echo "Try '$ME --help'." >&2; exit 2; }
say() { echo "$ME: $*"; }

ROOT=/
PURGE=no
while [ $# -gt 0 ]; do
    case "$1" in
        -h|--help) usage; exit 0 ;;
        --purge) PURGE=yes; shift ;;
        --root) [ $# -ge 2 ] || usage_error "--root needs a directory"; ROOT=$2; shift 2 ;;
        --root=*) ROOT=${1#--root=}; shift ;;
        *) usage_error "unknown argument '$1'" ;;
    esac
done
[ -n "$ROOT" ] || usage_error "--root needs a directory"
[ -d "$ROOT" ] || usage_error "--root $ROOT: no such directory"
ROOT=$(cd "$ROOT" && pwd -P)
[ "$ROOT" = / ] && ROOT=
LIVE=no
[ -z "$ROOT" ] && LIVE=yes
[ "$LIVE" = no ] || [ "$(id -u)" = 0 ] || die "run as root (or use --root DIR)"

DEST=$ROOT$PREFIX
MANIFEST=$DEST/.installed
RCLOCAL=$ROOT/data/rc.local
[ -f "$MANIFEST" ] || die "$PREFIX/.installed not found: nothing installed by install.sh here"

# Only paths the installer can have written are acted on, whatever the manifest says.
entries() {  # entries KIND: the manifest's values of that kind
    awk -v kind="$1" '$1 == kind { sub(/^[^ ]+ /, ""); print }' "$MANIFEST"
}
ours() {
    case "$1" in
        */../*|*/..|*/./*) return 1 ;;
        /data|"$PREFIX"|"$PREFIX"/*) return 0 ;;
        *) return 1 ;;
    esac
}

# --- services ----------------------------------------------------------------------------
SERVICES=$(entries service)
for name in $SERVICES; do
    case "$name" in tristar-*) ;; *) continue ;; esac
    dir=$PREFIX/service/$name
    if [ "$LIVE" = yes ]; then
        # daemontools: remove the link first, then tell supervise to stop the service and exit.
        if [ -L "/service/$name" ]; then rm -f "/service/$name"; fi
        if command -v svc >/dev/null 2>&1; then
            svc -dx "$dir" "$dir/log" 2>/dev/null || true
            n=0
            while [ $n -lt 10 ] && command -v svok >/dev/null 2>&1 &&
                  { svok "$dir" 2>/dev/null || svok "$dir/log" 2>/dev/null; }; do
                sleep 1; n=$((n + 1))
            done
        fi
    fi
    # supervise's own state, made at run time in the service directories
    rm -rf "$ROOT$dir/supervise" "$ROOT$dir/log/supervise"
    say "removed the service $name"
done

# --- the boot hook -----------------------------------------------------------------------
if [ -f "$RCLOCAL" ]; then
    awk -v begin="$MARK_BEGIN" -v end="$MARK_END" '
        index($0, begin) == 1 { skip = 1; next }
        $0 == end { skip = 0; next }
        !skip' "$RCLOCAL" > "$RCLOCAL.new.$$"
    cat "$RCLOCAL.new.$$" > "$RCLOCAL"
    rm -f "$RCLOCAL.new.$$"
    mode=$(entries rclocal-mode | tail -n 1)
    if [ -n "$mode" ]; then chmod "$mode" "$RCLOCAL"; fi
    if grep -qx rclocal-created "$MANIFEST" &&
       [ -z "$(grep -v '^#!' "$RCLOCAL" | grep -v '^[[:space:]]*$' || true)" ]; then
        rm -f "$RCLOCAL"
    fi
fi

# --- files and directories ---------------------------------------------------------------
FILES=$(entries file)
CONFIGS=$(entries config)
# deepest first, so a directory is empty by the time its turn comes
DIRS=$(entries dir | sort -r)
for path in $FILES; do
    if ours "$path"; then rm -f "$ROOT$path"; fi
done
if [ "$PURGE" = yes ]; then
    for path in $CONFIGS; do
        if ours "$path"; then rm -f "$ROOT$path"; fi
    done
fi
rm -f "$MANIFEST"
if [ "$PURGE" = yes ]; then
    rm -rf "$DEST"   # the user's configs and the publisher's data are in here too
fi
for path in $DIRS; do
    ours "$path" || continue
    # a directory still holding something of the user's (configs, history) stays
    if [ -d "$ROOT$path" ]; then rmdir "$ROOT$path" 2>/dev/null || true; fi
done
if [ -d "$DEST" ]; then
    say "kept $PREFIX: your configs and history (--purge removes them)"
else
    say "done"
fi
