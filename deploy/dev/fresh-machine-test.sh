#!/usr/bin/env bash
# The README's quick start on a fresh Debian 12, as a new user would run it: bootstraps a minimal
# Debian 12 (bookworm, variant minbase) into a temp dir, puts a clean clone of this repository's
# committed HEAD (not the working tree) into it, and inside it, as root, runs the README's two
# quick-start commands exactly as given: deploy/dev/demo.sh (for a few seconds, without a tty;
# its output must show the simulator, the gateway, the bridge, the publisher and the live view,
# and after SIGINT no process may be left), then deploy/dev/test.sh. A package that the product
# needs but deploy/dev/install-deps.sh does not install shows up here, where nothing was
# installed by hand before.
#
#   deploy/dev/fresh-machine-test.sh [--skip-cross] [--skip-slow] [--timeout SECONDS] [--demo-seconds N]
#
#   --skip-cross       run the tests without the cross label (the armhf build under qemu-arm is
#                      the longest test); FRESH_SKIP_CROSS=1 does the same
#   --skip-slow        run the tests without the slow label (long runs of the logic: minutes of
#                      faults, late replies, DVCC over time); FRESH_SKIP_SLOW=1 does the same
#   --timeout S        bound for the whole run, every phase included (FRESH_TIMEOUT, default 5400)
#   --demo-seconds N   how long the demo runs once everything has started (FRESH_DEMO_SECONDS,
#                      default 5)
#
# The Debian mirror is the one this machine's apt sources name (/etc/apt/sources.list,
# /etc/apt/sources.list.d/*.list and deb822 *.sources), read at run time; the chroot gets the
# same bookworm, bookworm-updates and bookworm-security entries and the host's apt.conf.d files
# that set Acquire:: options. Nothing is cached between runs, except, when
# FRESH_DEBOOTSTRAP_CACHE names a directory (e.g. /var/cache/tristar-fresh-machine), the .debs
# debootstrap downloads (debootstrap --cache-dir: it checks each against the mirror's current
# index and downloads again whatever changed). The temp dir is made under FRESH_TMPDIR (default
# /var/tmp). Every exit path (success, failure, timeout, Ctrl-C, SIGTERM) stops every process
# whose root is the chroot, unmounts everything and removes the temp dir.
# Runs as root; installs debootstrap with apt-get when it is missing. Exit 0 when both commands
# passed, 1 otherwise, 2 on a usage error.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)

skip_cross=${FRESH_SKIP_CROSS:-0}
skip_slow=${FRESH_SKIP_SLOW:-0}
limit=${FRESH_TIMEOUT:-5400}
demo_seconds=${FRESH_DEMO_SECONDS:-5}
cache=${FRESH_DEBOOTSTRAP_CACHE:-}
while (($#)); do
  case $1 in
    --skip-cross) skip_cross=1 ;;
    --skip-slow) skip_slow=1 ;;
    --timeout) limit=${2:?--timeout needs seconds}; shift ;;
    --demo-seconds) demo_seconds=${2:?--demo-seconds needs seconds}; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "fresh-machine-test: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ $limit =~ ^[0-9]+$ && $demo_seconds =~ ^[0-9]+$ ]] || { echo "fresh-machine-test: seconds must be whole numbers" >&2; exit 2; }
[[ $skip_cross == 1 || $skip_cross == 0 ]] || { echo "fresh-machine-test: FRESH_SKIP_CROSS is 0 or 1" >&2; exit 2; }
[[ $skip_slow == 1 || $skip_slow == 0 ]] || { echo "fresh-machine-test: FRESH_SKIP_SLOW is 0 or 1" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "fresh-machine-test: run as root (debootstrap, chroot, mounts)" >&2; exit 2; }

suite=bookworm
src=/root/tristar-gateway            # where the clone lives inside the chroot
readme_commands=(deploy/dev/demo.sh deploy/dev/test.sh)
started=$(date +%s)
deadline=$((started + limit))

log() { echo "fresh-machine-test: $*"; }
remaining() { local left=$((deadline - $(date +%s))); echo $((left > 0 ? left : 1)); }
duration() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# --- phases: each prints its duration when it ends; the table is printed on every exit ---
phase_names=() phase_times=() phase_results=()
phase_name="" phase_start=0
failures=()
phase() {
  phase_name=$1 phase_start=$(date +%s)
  echo
  echo "=== phase: $phase_name ($(duration $(($(date +%s) - started))) into the run, $(duration "$(remaining)") left) ==="
}
phase_done() {   # phase_done ok|FAILED|skipped
  local took=$(($(date +%s) - phase_start))
  phase_names+=("$phase_name") phase_times+=("$took") phase_results+=("$1")
  echo "=== phase: $phase_name: $1 in $(duration "$took") ==="
  [[ $1 == FAILED ]] && failures+=("$phase_name")
  phase_name=""
}

# --- state the cleanup needs ---
work="" root="" bg_pid="" demo_up=""
mounts=()   # mount points inside the chroot, in mount order

chroot_pids() {   # every process whose root directory is the chroot (or below it)
  [[ -n $root ]] || return 0
  local p r
  for p in /proc/[0-9]*; do
    r=$(readlink "$p/root" 2>/dev/null) || continue
    if [[ $r == "$root" || $r == "$root"/* ]]; then echo "${p#/proc/}"; fi
  done
}

show_pids() {
  local pid
  for pid in "$@"; do
    printf '  pid %s: %s\n' "$pid" "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || echo '(gone)')"
  done
}

kill_chroot_processes() {
  local pids i
  mapfile -t pids < <(chroot_pids)
  ((${#pids[@]})) || return 0
  log "stopping ${#pids[@]} process(es) still running in the chroot:"
  show_pids "${pids[@]}"
  kill -TERM "${pids[@]}" 2>/dev/null || true
  for i in $(seq 50); do
    mapfile -t pids < <(chroot_pids)
    ((${#pids[@]})) || return 0
    sleep 0.2
  done
  kill -KILL "${pids[@]}" 2>/dev/null || true
  sleep 1
}

mounted_under_root() {   # mount points at or below the chroot, deepest first
  [[ -n $root ]] || return 0
  awk -v r="$root" '$2 == r || index($2, r "/") == 1 {print $2}' /proc/self/mounts | sort -r
}

cleanup() {
  local status=$? m cleaned=ok
  trap - EXIT INT TERM
  if [[ -n $phase_name ]]; then phase_done FAILED; fi
  phase "cleanup: stop, unmount, remove"
  if [[ -n $bg_pid ]]; then kill -TERM "$bg_pid" 2>/dev/null || true; wait "$bg_pid" 2>/dev/null || true; fi
  kill_chroot_processes
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    umount "${mounts[$i]}" 2>/dev/null || umount -l "${mounts[$i]}" 2>/dev/null || true
  done
  while read -r m; do
    [[ -n $m ]] && { umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; }
  done < <(mounted_under_root)
  if [[ -n $work ]]; then
    if [[ -n $(mounted_under_root) ]]; then
      # Never remove a tree that still has /dev, /proc or /sys of the host mounted in it.
      log "still mounted, so $work is NOT removed:"; mounted_under_root >&2
      cleaned=FAILED
    else
      log "removing $work ($(du -sh --one-file-system "$work" 2>/dev/null | cut -f1))"
      rm -rf --one-file-system "$work" || cleaned=FAILED
    fi
  fi
  phase_done "$cleaned"
  echo
  echo "=== fresh-machine-test summary (HEAD ${commit:-?}) ==="
  for i in "${!phase_names[@]}"; do
    printf '  %-38s %-8s %s\n' "${phase_names[$i]}" "${phase_results[$i]}" "$(duration "${phase_times[$i]}")"
    if [[ ${phase_names[$i]} == "README: ${readme_commands[0]}" && -n $demo_up ]]; then
      printf '  %-38s %-8s %s\n' "  of which until the live view" "" "$(duration "$demo_up")"
    fi
  done
  printf '  %-38s %-8s %s\n' total "" "$(duration $(($(date +%s) - started)))"
  ((${#failures[@]})) && status=1
  if ((status == 0)); then log "passed"; else log "FAILED${failures:+: ${failures[*]}}"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# Runs "$@" under timeout with what is left of the overall bound, in the background so that a
# signal to this script is handled at once; returns its status (124: the bound was reached).
# `bounded --log FILE command...` sends the command's output to FILE (never redirect a call of
# this function itself: the cleanup that a signal runs from inside it would write there too).
bounded() {
  if [[ $1 == --log ]]; then
    local file=$2; shift 2
    timeout --kill-after=30 "$(remaining)" "$@" >"$file" 2>&1 &
  else
    timeout --kill-after=30 "$(remaining)" "$@" &
  fi
  bg_pid=$!
  local rc=0
  wait "$bg_pid" || rc=$?
  bg_pid=""
  ((rc != 124)) || log "the overall bound of ${limit}s was reached"
  return "$rc"
}


# --- the host's apt sources: "uri<TAB>suite<TAB>components" for each enabled `deb` entry ---
apt_entries() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f $f ]] || continue
    sed 's/#.*//' "$f" | awk '$1 == "deb" {
      i = 2
      if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }   # [ options ]
      if (i + 1 > NF) next
      comps = ""; for (j = i + 2; j <= NF; j++) comps = comps (comps == "" ? "" : " ") $j
      print $i "\t" $(i + 1) "\t" comps
    }'
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] || continue
    awk '
      function flush(   t, u, s, nu, ns, a, b, k, l) {
        if (f["types"] ~ /(^|[ \t])deb([ \t]|$)/ && tolower(f["enabled"]) != "no") {
          nu = split(f["uris"], u, /[ \t]+/); ns = split(f["suites"], s, /[ \t]+/)
          for (a = 1; a <= nu; a++) for (b = 1; b <= ns; b++)
            if (u[a] != "" && s[b] != "") print u[a] "\t" s[b] "\t" f["components"]
        }
        delete f; key = ""
      }
      /^#/ { next }
      /^[ \t]*$/ { flush(); next }
      /^[ \t]/ { if (key != "") { l = $0; sub(/^[ \t]+/, "", l); f[key] = f[key] " " l }; next }
      {
        k = index($0, ":"); if (k == 0) next
        key = tolower(substr($0, 1, k - 1)); l = substr($0, k + 1)
        sub(/^[ \t]+/, "", l); sub(/[ \t]+$/, "", l); f[key] = l
      }
      END { flush() }' "$f"
  done
}

commit=""
echo "fresh-machine-test: the README's quick start on a fresh Debian 12 ($suite, minbase); bound ${limit}s"
if [[ $skip_cross == 1 ]]; then
  log "the cross label (the armhf build under qemu-arm) will be SKIPPED: the tests run with -LE cross"
fi

# ------------------------------------------------------------------------------------------------
phase "host prerequisites"
missing=()
for tool in debootstrap:debootstrap git:git timeout:coreutils chroot:coreutils mount:mount; do
  command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
done
[[ -e /usr/share/keyrings/debian-archive-keyring.gpg ]] || missing+=(debian-archive-keyring)
if ((${#missing[@]})); then
  log "installing ${missing[*]} with apt-get"
  bounded apt-get update -q
  DEBIAN_FRONTEND=noninteractive bounded apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
mapfile -t entries < <(apt_entries | awk -F'\t' -v s="$suite" '$2 == s || $2 == s "-updates" || $2 == s "-security"' | awk '!seen[$0]++')
mirror=$(printf '%s\n' "${entries[@]}" | awk -F'\t' -v s="$suite" '$2 == s {print $1; exit}')
components=$(printf '%s\n' "${entries[@]}" | awk -F'\t' -v s="$suite" '$2 == s {print $3; exit}')
if [[ -z $mirror ]]; then
  log "no '$suite' entry in this machine's apt sources (/etc/apt/sources.list, /etc/apt/sources.list.d/)"
  exit 1
fi
log "mirror (from this machine's apt sources): $mirror, components: $components"
log "the chroot's apt sources:"; printf '  %s\n' "${entries[@]}" | tr '\t' ' '
commit=$(git -C "$here" rev-parse HEAD)
log "testing HEAD $commit ($(git -C "$here" log -1 --format=%s "$commit"))"
[[ -z $(git -C "$here" status --porcelain --untracked-files=no) ]] ||
  log "note: the working tree has uncommitted changes; they are not tested, HEAD is"
# The README's quick start must still be these two commands, in this order.
quick_start=$(git -C "$here" show "$commit:README.md" |
  awk '/^## Quick start/ {q = 1; next} q && /^```/ {if (c) exit; c = 1; next} q && c && NF && $1 !~ /^#/ {print $1}' | paste -sd' ')
if [[ $quick_start != "${readme_commands[*]}" ]]; then
  log "the README's quick start is now: $quick_start; this test runs ${readme_commands[*]}: update it"
  phase_done FAILED; exit 1
fi
log "the README's quick start: ${readme_commands[*]}"
phase_done ok

# ------------------------------------------------------------------------------------------------
phase "debootstrap $suite minbase"
work=$(mktemp -d "${FRESH_TMPDIR:-/var/tmp}/tristar-fresh-XXXXXX")
root=$work/root
mkdir "$root"
# A command inside the chroot as root, with a fresh login's environment (stdin and tty: none).
in_chroot=(chroot "$root" /usr/bin/env -i HOME=/root USER=root LOGNAME=root SHELL=/bin/bash
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
debootstrap_args=(--variant=minbase --components="${components// /,}")
if [[ -n $cache ]]; then
  mkdir -p "$cache"
  debootstrap_args+=(--cache-dir="$(cd "$cache" && pwd)")
  log "reusing downloaded .debs from $cache (FRESH_DEBOOTSTRAP_CACHE)"
fi
[[ -e /usr/share/keyrings/debian-archive-keyring.gpg ]] &&
  debootstrap_args+=(--keyring=/usr/share/keyrings/debian-archive-keyring.gpg)
if ! bounded --log "$work/debootstrap.log" debootstrap "${debootstrap_args[@]}" "$suite" "$root" "$mirror"; then
  log "debootstrap failed; the end of its log:"; tail -n 40 "$work/debootstrap.log"
  [[ -f $root/debootstrap/debootstrap.log ]] && tail -n 40 "$root/debootstrap/debootstrap.log"
  exit 1
fi
log "$(du -sh --one-file-system "$root" | cut -f1) in $root"
phase_done ok

# ------------------------------------------------------------------------------------------------
phase "chroot setup and clean clone"
for m in proc sys dev dev/pts; do
  mount --bind "/$m" "$root/$m"
  mounts+=("$root/$m")
done
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$root/dev/shm"
mounts+=("$root/dev/shm")
# apt: the same Debian entries as this machine, and its Acquire:: settings (validity checks,
# proxies); no daemon is started by a package's postinst, as in any chroot.
: >"$root/etc/apt/sources.list"
for entry in "${entries[@]}"; do
  IFS=$'\t' read -r uri entry_suite comps <<<"$entry"
  printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: %s\n\n' "$uri" "$entry_suite" "$comps"
done >"$root/etc/apt/sources.list.d/debian.sources"
# This machine's own apt settings (files no package installed) that set Acquire:: options.
for conf in /etc/apt/apt.conf /etc/apt/apt.conf.d/*; do
  if [[ ! -f $conf ]] || ! grep -qi 'acquire::' "$conf" || dpkg-query -S "$conf" >/dev/null 2>&1; then continue; fi
  cp "$conf" "$root/etc/apt/${conf#/etc/apt/}"
  log "apt setting copied into the chroot: $conf"
done
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"
# A clean clone of the committed HEAD, never the working tree.
git clone --quiet --no-local --no-checkout "$here" "$root$src"
git -C "$root$src" -c advice.detachedHead=false checkout --quiet "$commit"
log "cloned HEAD $commit into the chroot at $src"
phase_done ok

# ------------------------------------------------------------------------------------------------
phase "README: ${readme_commands[0]}"
demo_log=$work/demo.log
: >"$demo_log"
# timeout runs the demo in a process group of its own; SIGINT to it reaches the whole group,
# as Ctrl-C in a terminal would.
timeout --kill-after=30 -s INT "$(remaining)" "${in_chroot[@]}" /bin/bash -c "cd $src && ${readme_commands[0]}" </dev/null >"$demo_log" 2>&1 &
bg_pid=$!
demo_markers=(
  "simulator|simulated TriStar MPPT 60 at"
  "gateway|gateway serving on"
  "bridge|Modbus-TCP bridge on"
  "publisher|publisher on D-Bus as"
  "live view|tristar-ctl watch"
)
log "demo started (it installs, builds, then runs until SIGINT); its output goes to a log, shown below"
demo_ok=1
while kill -0 "$bg_pid" 2>/dev/null && ! grep -q "tristar-ctl watch" "$demo_log"; do sleep 2; done
if kill -0 "$bg_pid" 2>/dev/null; then
  demo_up=$(($(date +%s) - phase_start))
  log "the live view is up after $(duration "$demo_up") (install and build included); letting the demo run ${demo_seconds}s"
  sleep "$demo_seconds"
  kill -0 "$bg_pid" 2>/dev/null || { log "the demo stopped by itself"; demo_ok=0; }
  kill -INT "$bg_pid" 2>/dev/null || true
  log "sent SIGINT to the demo"
else
  log "the demo exited before its live view came up"
  demo_ok=0
fi
demo_status=0
wait "$bg_pid" || demo_status=$?
bg_pid=""
# Once the demo came up: its own lines up to the first live-view frame, then the last frame
# (the install and build lines before them are only counted). Otherwise the end of its output.
echo "----- demo output -----"
if grep -q '^simulated TriStar' "$demo_log"; then
  awk '
    !started && /^simulated TriStar/ {started = 1}
    !started {before++; next}
    /^tristar-ctl watch / {frames++; frame = ""}
    frames == 0 {print; next}
    {frame = frame $0 "\n"}
    END {
      if (frames) printf "(%d live-view frames; the last:)\n%s", frames, frame
      print "(" before " lines of install and build output before these not shown)"
    }' "$demo_log"
else
  tail -n 60 "$demo_log"
fi
echo "----- end of demo output -----"
for marker in "${demo_markers[@]}"; do
  if grep -q "${marker#*|}" "$demo_log"; then
    log "demo: ${marker%%|*} started ('${marker#*|}')"
  else
    log "demo: ${marker%%|*} NOT seen in the output ('${marker#*|}')"
    demo_ok=0
  fi
done
if (($(date +%s) >= deadline)); then
  log "the overall bound of ${limit}s was reached during the demo (status $demo_status)"; demo_ok=0
elif ((demo_status == 124 || demo_status == 137)); then
  log "the demo did not start within the overall bound (status $demo_status)"; demo_ok=0
elif ((demo_status != 0)); then
  log "the demo exited with status $demo_status after SIGINT (0 expected)"; demo_ok=0
else
  log "the demo exited with status 0 after SIGINT"
fi
# Everything the demo started must be gone (give a `sleep` it left behind a few seconds).
for _ in $(seq 40); do [[ -z $(chroot_pids) ]] && break; sleep 0.25; done
mapfile -t left < <(chroot_pids)
if ((${#left[@]})); then
  log "the demo left ${#left[@]} process(es) running:"; show_pids "${left[@]}"
  demo_ok=0
  kill_chroot_processes
else
  log "no process of the demo is left"
fi
phase_done "$( ((demo_ok)) && echo ok || echo FAILED)"

# ------------------------------------------------------------------------------------------------
skipped_labels=()
if [[ $skip_cross == 1 ]]; then skipped_labels+=(cross); fi
if [[ $skip_slow == 1 ]]; then skipped_labels+=(slow); fi
test_args=()
if ((${#skipped_labels[@]})); then test_args=(-LE "$(IFS='|'; echo "${skipped_labels[*]}")"); fi
phase "README: ${readme_commands[1]}${test_args[*]:+ ${test_args[*]}}"
if [[ $skip_cross == 1 ]]; then
  log "SKIPPED: the cross label (the armhf build under qemu-arm), as asked (--skip-cross / FRESH_SKIP_CROSS=1)"
fi
if [[ $skip_slow == 1 ]]; then
  log "SKIPPED: the slow label (long runs of the logic), as asked (--skip-slow / FRESH_SKIP_SLOW=1)"
fi
test_status=0
if (($(date +%s) >= deadline)); then
  log "not run: the overall bound of ${limit}s was reached"; test_status=124
else
  bounded "${in_chroot[@]}" /bin/bash -c "cd $src && ${readme_commands[1]} \"\$@\" 2>&1" test.sh "${test_args[@]}" </dev/null || test_status=$?
fi
test_ok=1
if ((test_status != 0)); then log "${readme_commands[1]} exited with status $test_status"; test_ok=0; fi
for _ in $(seq 40); do [[ -z $(chroot_pids) ]] && break; sleep 0.25; done
mapfile -t left < <(chroot_pids)
if ((${#left[@]})); then
  log "the tests left ${#left[@]} process(es) running:"; show_pids "${left[@]}"
  test_ok=0
  kill_chroot_processes
fi
phase_done "$( ((test_ok)) && echo ok || echo FAILED)"
if [[ $skip_cross == 1 ]]; then log "note: the cross label was skipped"; fi
if [[ $skip_slow == 1 ]]; then log "note: the slow label was skipped"; fi
