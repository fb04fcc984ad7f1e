#!/usr/bin/env bash
# Quick start, first command: installs dependencies, builds, then runs the simulated TriStar,
# the gateway, the Venus OS publisher (on a private D-Bus), the Home Assistant bridge and the live
# view until Ctrl-C.
# Everything started here is stopped by its pid.
#   GATEWAY_ENDPOINT  where the gateway serves (default tcp://127.0.0.1:5555)
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$here/build}
endpoint=${GATEWAY_ENDPOINT:-tcp://127.0.0.1:5555}
"$here/deploy/dev/install-deps.sh"
"$here/deploy/dev/build.sh" tristar-sim tristar-gatewayd tristar-ctl tristar-publisher tristar-bridge

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
start bridge "$build/gateway/bridge/tristar-bridge" --listen 127.0.0.1:0 --gateway "$served"
bridge=$address
bridge_port=${bridge##*:}
echo "Modbus-TCP bridge on $bridge (logs: $run_dir/bridge.log)"

# The Venus OS side: a private bus standing in for the GX device's system bus.
cat >"$run_dir/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=$run_dir/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>
EOF
start dbus /usr/bin/dbus-daemon --config-file="$run_dir/bus.conf" --nofork --nopidfile --print-address=1
bus=$address
"$build/publisher/tristar-publisher" --gateway "$served" --dbus-address "$bus" --data-dir "$run_dir/publisher" \
  2>"$run_dir/publisher.log" &
pids+=($!)
service=""
for _ in $(seq 200); do
  service=$(busctl --address="$bus" list --no-legend 2>/dev/null | awk '/^com\.victronenergy\.solarcharger\./ {print $1}')
  [ -n "$service" ] && break
  sleep 0.1
done
if [ -z "$service" ]; then
  echo "demo: the publisher did not appear on D-Bus; see $run_dir/publisher.log" >&2
  cat "$run_dir/publisher.log" >&2
  exit 1
fi
echo "publisher on D-Bus as $service (logs: $run_dir/publisher.log)"
echo "try in another terminal:"
echo "  $build/gateway/ctl/tristar-ctl --endpoint $served get battery_voltage"
echo "  busctl --address=$bus call $service / com.victronenergy.BusItem GetItems"
echo "  busctl --address=$bus call $service /Dc/0/Voltage com.victronenergy.BusItem GetText"
echo "Home Assistant: point its modbus host/port at 127.0.0.1 port $bridge_port (docs/home-assistant.md);"
echo "  e.g. battery voltage and current, raw:  mbpoll -m tcp -a 1 -r 25 -c 5 -t 3 -1 -p $bridge_port 127.0.0.1"
echo "  the same as float32 volts/amps (unit 2): mbpoll -m tcp -a 2 -r 1 -c 2 -t 3:float -B -1 -p $bridge_port 127.0.0.1"
# A stand-in for Home Assistant: a few entities read through the bridge every 5 s, so the live
# view's clients line shows the bridge at work next to the publisher.
(while true; do
  mbpoll -m tcp -a 1 -r 25 -c 5 -t 3 -1 -p "$bridge_port" 127.0.0.1 >/dev/null 2>&1 || true
  sleep 5
done) &
pids+=($!)
echo "  (a background mbpoll reads through the bridge every 5 s, as Home Assistant would)"
sleep 3
"$build/gateway/ctl/tristar-ctl" --endpoint "$served" watch
