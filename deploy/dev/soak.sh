#!/usr/bin/env bash
# Soak: the whole stack under a steady load for MINUTES, against a simulator that loses about 1 %
# of its replies and spoils about 1 % (wrong transaction id or cut short). In a temp dir: a
# private dbus-daemon, tristar-sim, tristar-gatewayd (default config; only the device and an
# ephemeral endpoint given), tristar-bridge, tristar-publisher; load from tristar-ctl in a loop,
# a ZeroMQ DEALER client and three pymodbus clients of the bridge. Every 10 s the RSS and open fds
# of each daemon go to samples.csv; at the end the report (see deploy/dev/soak.py), and the
# daemons are stopped with SIGTERM so a sanitizer build reports leaks at exit.
#   deploy/dev/soak.sh MINUTES        BUILD_DIR (default build) names the build to run; it builds
#                                     nothing (deploy/dev/build.sh does)
# The temp dir /tmp/tristar-soak-XXXXXX stays for reading (samples.csv, every daemon's stderr).
# Exit status: 0 passed, 1 a finding (see the report), 2 usage or missing binaries.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$here/build}
case "$build" in /*) ;; *) build=$here/$build ;; esac

if [ $# -ne 1 ] || ! [[ $1 =~ ^[0-9]+([.][0-9]+)?$ ]]; then
  echo "usage: deploy/dev/soak.sh MINUTES   (BUILD_DIR=... to choose the build; default build)" >&2
  exit 2
fi
minutes=$1

missing=()
for exe in gateway/sim/tristar-sim gateway/daemon/tristar-gatewayd gateway/ctl/tristar-ctl \
           gateway/bridge/tristar-bridge publisher/tristar-publisher; do
  [ -x "$build/$exe" ] || missing+=("$build/$exe")
done
for exe in /usr/bin/dbus-daemon /usr/bin/busctl; do
  [ -x "$exe" ] || missing+=("$exe")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "soak: missing executables (build with BUILD_DIR=$build deploy/dev/build.sh):" >&2
  printf '  %s\n' "${missing[@]}" >&2
  exit 2
fi
if ! /usr/bin/python3 -c 'import zmq, pymodbus.client' 2>/dev/null; then
  echo "soak: /usr/bin/python3 needs zmq and pymodbus (deploy/dev/install-deps.sh installs them)" >&2
  exit 2
fi

run_dir=$(mktemp -d /tmp/tristar-soak-XXXXXX)
helper=""
ours_started() {  # field 22 of /proc/PID/stat: the start time, after the ")" that ends comm
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  stat=${stat##*) }
  set -- $stat
  echo "${20}"
}
cleanup() {
  local code=$?
  trap - EXIT INT TERM
  if [ -n "$helper" ] && kill -0 "$helper" 2>/dev/null; then
    kill -TERM "$helper" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$helper" 2>/dev/null || break; sleep 0.2; done
  fi
  # Whatever the helper started and did not stop: by the pids it recorded, each only while its
  # start time still matches (a pid the system gave to another process since is left alone).
  if [ -f "$run_dir/pids" ]; then
    local signal pid start
    for signal in TERM KILL; do
      while read -r pid start; do
        [ "$(ours_started "$pid")" = "$start" ] && kill -"$signal" "$pid" 2>/dev/null || true
      done <"$run_dir/pids"
      if [ $signal = TERM ]; then sleep 2; fi
    done
  fi
  echo "soak: files (CSV, logs) in $run_dir"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "soak: $minutes minutes, build $build, temp dir $run_dir"
# LSan reports at exit; the daemons are stopped with SIGTERM and exit through main.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-report_objects=0}
/usr/bin/python3 "$here/deploy/dev/soak.py" "$minutes" --dir "$run_dir" --build "$build" &
helper=$!
status=0
wait "$helper" || status=$?
helper=""
exit "$status"
