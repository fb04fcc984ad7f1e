#!/usr/bin/env bash
# The benchmarks of design.md section 10 (issue 3), one command: installs dependencies, builds
# tristar-sim, tristar-gatewayd, tristar-publisher, tristar-bridge and tristar-bench, runs every
# scenario against the simulator on loopback (g: the publisher on a private dbus-daemon; h: the
# Home Assistant bridge) and prints the table of medians with targets (docs/performance.md
# explains it).
#   deploy/dev/bench.sh            5 runs per scenario, 60 s loads (about 21 minutes)
#   deploy/dev/bench.sh --quick    5 runs, 20 s loads, fewer samples (about 8 minutes)
# Other arguments go to tristar-bench (--runs N, --only abcdefgh, --verbose, --help).
# BUILD_DIR selects the build tree (default build); BENCH_TIMEOUT (s) bounds the whole run.
# Not part of the test suite: ctest never runs it.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$here/build}
limit=${BENCH_TIMEOUT:-3600}

# Stdout carries only the results table; installing and building report on stderr.
"$here/deploy/dev/install-deps.sh" >&2
"$here/deploy/dev/build.sh" tristar-sim tristar-gatewayd tristar-publisher tristar-bridge tristar-bench >&2

out_dir=$(mktemp -d /tmp/tristar-bench-XXXXXX)
bench_pid=""
cleanup() {
  # tristar-bench stops its own simulators, gateways, socat, dbus-daemons, publishers and bridges
  # by pid when it gets SIGTERM.
  if [ -n "$bench_pid" ]; then
    kill -TERM "$bench_pid" 2>/dev/null || true
    wait "$bench_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "bench: progress below; results also in $out_dir/results.md" >&2
timeout --kill-after=30 "$limit" "$build/tests/bench/tristar-bench" "$@" >"$out_dir/results.md" &
bench_pid=$!
status=0
wait "$bench_pid" || status=$?
bench_pid=""
echo
cat "$out_dir/results.md"
exit "$status"
