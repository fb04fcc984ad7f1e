#!/usr/bin/env bash
# Quick start, first command: installs dependencies, builds, then runs the simulated TriStar,
# the gateway and the live view until Ctrl-C. Everything started here is stopped by its pid.
#   GATEWAY_ENDPOINT  where the gateway serves (default tcp://127.0.0.1:5555)
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$here/build}
endpoint=${GATEWAY_ENDPOINT:-tcp://127.0.0.1:5555}
"$here/deploy/dev/install-deps.sh"
"$here/deploy/dev/build.sh" tristar-sim tristar-gatewayd tristar-ctl

run_dir=$(mktemp -d /tmp/tristar-demo-XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "demo stopped; logs were in $run_dir"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

# Starts a daemon with stdout on a fifo; sets `address` to its first line once it is ready.
start() {
  local name=$1; shift
  mkfifo "$run_dir/$name.out"
  "$@" >"$run_dir/$name.out" 2>"$run_dir/$name.log" &
  pids+=($!)
  exec {fd}<"$run_dir/$name.out"
  local line
  if ! read -r -t 20 line <&"$fd"; then
    echo "demo: $name did not start; see $run_dir/$name.log" >&2
    cat "$run_dir/$name.log" >&2
    exit 1
  fi
  # Keep draining its stdout in the background so it never blocks on a full pipe.
  cat <&"$fd" >/dev/null &
  pids+=($!)
  address=$line
}

start sim "$build/gateway/sim/tristar-sim" --tcp 127.0.0.1:0 --start-hour 7 --stats "$run_dir/sim-stats.json"
device=$address
echo "simulated TriStar MPPT 60 at $device"
start gatewayd "$build/gateway/daemon/tristar-gatewayd" --device "$device" --endpoint "$endpoint"
served=$address
echo "gateway serving on $served (logs: $run_dir/gatewayd.log)"
echo "try in another terminal: $build/gateway/ctl/tristar-ctl --endpoint $served get battery_voltage"
"$build/gateway/ctl/tristar-ctl" --endpoint "$served" watch
