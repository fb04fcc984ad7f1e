"""Device transactions per line with four TriStars polled by the publisher at its default 1 s
(docs/performance.md, "Several devices"): east and west on their own TCP ports, r1 and r2 as
units 1 and 2 on one 9600-baud RTU line (a pty pair; each reply delayed by its wire time), one
gateway, the publisher with four
services, nothing else asking. Over a window it reports, per line, the transactions the
simulator served per second, and for the RTU line the share of the window it was busy (the
gateway's device time of its two units: each try from the first byte sent to the reply's end),
which is the share of what the wire could carry. Prints a Markdown table.
Run with /usr/bin/python3; TRISTAR_BUILD_DIR names the build tree (default ../../build)."""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../support"))
from devices_stack import FourDevices  # noqa: E402
from tristar_stack import executable, run  # noqa: E402


def gateway_device_us(stack):
    out = run([executable("tristar-ctl"), "--endpoint", stack.endpoint, "--json", "status"])
    if out.returncode != 0:
        raise RuntimeError("status failed: " + out.stderr)
    status = json.loads(out.stdout)
    return {d["name"]: int(d["device_time"]["sum_us"]) for d in status["devices"]}


def line_transactions(stack):
    return {line: figures["transactions"] for line, figures in stack.sim_stats()["lines"].items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="measuring window (30)")
    parser.add_argument("--settle", type=float, default=5.0, help="wait after every service is up (5)")
    args = parser.parse_args()
    stack = FourDevices(poll_ms=None, frozen=False, wire_time=True)
    try:
        time.sleep(args.settle)
        tx0, us0, t0 = line_transactions(stack), gateway_device_us(stack), time.monotonic()
        time.sleep(args.seconds)
        time.sleep(1.1)  # the simulator rewrites its stats at least once a second
        tx1, us1, t1 = line_transactions(stack), gateway_device_us(stack), time.monotonic()
        window = t1 - t0
        print("| line | devices | transactions/s | busy share of the window |")
        print("| --- | --- | ---: | ---: |")
        stats = stack.sim_stats()["lines"]
        for line in sorted(tx1):
            names = stats[line]["devices"]
            rate = (tx1[line] - tx0.get(line, 0)) / window
            busy = sum(us1[n] - us0[n] for n in names) / 1e6 / window
            print("| %s | %s | %.2f | %.1f %% |" % ("rtu (pty)" if line.startswith("rtu") else "tcp", ", ".join(names),
                                                  rate, 100 * busy))
        print("\nwindow %.1f s; publisher live poll 1 s (default), four services" % window)
    finally:
        stack.close()


if __name__ == "__main__":
    main()
