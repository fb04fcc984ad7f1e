"""The soak behind deploy/dev/soak.sh: starts the stack in RUN_DIR (a private dbus-daemon, the
simulator with about 1 % lost and 1 % spoiled replies, the gateway with its default config, the
bridge, the publisher), loads it for MINUTES, samples every daemon's VmRSS and open fds every
10 s into RUN_DIR/samples.csv, stops the daemons with SIGTERM and reports. Exit status 1 when the
gateway's or the bridge's RSS grew >= 2 % from minute 2 to the end, a daemon's fd count grew,
the simulator saw an overlap, the publisher's /Connected dropped to 0, or a daemon died or
exited non-zero (a sanitizer report included). Every child's pid (with its start time) is appended to
RUN_DIR/pids as it starts, so the shell's trap can stop them whatever happens here.
Run with /usr/bin/python3."""
import argparse
import csv
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from soak_load import (SERVICE, ConnectedWatch, Counter, ctl_loop, dealer_loop,  # noqa: E402
                       modbus_loop, stopping)
from venus_stack import BUS_CONFIG  # noqa: E402  (tests/support, on the path soak_load set)

SAMPLE_S = 10
DAEMONS = ["tristar-gatewayd", "tristar-bridge", "tristar-publisher", "tristar-sim", "dbus-daemon"]

def log(message):
    print("soak: " + message, flush=True)


class Run:
    def __init__(self, directory, build):
        self.dir = directory
        self.build = build
        self.procs = {}  # daemon name -> Popen
        self.helpers = []  # other children (busctl monitor, tristar-ctl)
        self.lock = threading.Lock()

    def path(self, name):
        return os.path.join(self.dir, name)

    def record(self, proc):
        """Appends "PID STARTTIME" (field 22 of /proc/PID/stat), so a reused pid is never stopped."""
        try:
            with open("/proc/%d/stat" % proc.pid) as f:
                start = f.read().rsplit(")", 1)[1].split()[19]
        except (OSError, IndexError):
            return
        with open(self.path("pids"), "a") as f:
            f.write("%d %s\n" % (proc.pid, start))

    def start(self, name, argv, ready_line=True, env=None):
        """Starts a daemon with stdout and stderr in files; returns its first stdout line."""
        out = open(self.path(name + ".out"), "wb")
        err = open(self.path(name + ".log"), "wb")
        proc = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env)
        self.record(proc)
        self.procs[name] = proc
        if not ready_line:
            return None
        until = time.monotonic() + 30
        while time.monotonic() < until:
            with open(self.path(name + ".out")) as f:
                text = f.read()
            if "\n" in text:
                return text.split("\n", 1)[0].strip()
            if proc.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError("%s did not start; its log:\n%s" % (name, tail(self.path(name + ".log"))))

    def spawn(self, argv, **kwargs):
        proc = subprocess.Popen(argv, **kwargs)
        self.record(proc)
        with self.lock:
            self.helpers.append(proc)
        return proc

    def stop_helpers(self):
        with self.lock:
            helpers = list(self.helpers)
        for p in helpers:
            if p.poll() is None:
                p.terminate()
        for p in helpers:
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(5)

    def stop_daemons(self, order, timeout=30):
        """SIGTERM to each daemon in order; its exit code (None when it had to be killed)."""
        codes = {}
        for name in order:
            proc = self.procs.get(name)
            if proc is None:
                continue
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(5)
                    codes[name] = None
                    continue
            codes[name] = proc.returncode
        return codes


def tail(path, size=3000):
    try:
        with open(path, errors="replace") as f:
            return f.read()[-size:]
    except OSError:
        return ""


MEASURES = ("rss", "anon", "file", "fds")
STATUS_FIELDS = {"VmRSS:": "rss", "RssAnon:": "anon", "RssFile:": "file"}


def measure(pid):
    """{rss, anon, file (kB, from /proc/PID/status), fds}; None values once the process is gone.
    VmRSS = RssAnon (heap, stacks: what a leak grows) + RssFile (mapped executables and libraries,
    paged in as code runs) + RssShmem."""
    row = dict.fromkeys(MEASURES)
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                key = STATUS_FIELDS.get(line.split(maxsplit=1)[0] if line.strip() else "")
                if key:
                    row[key] = int(line.split()[1])
    except OSError:
        pass
    row["fds"] = fd_count(pid)
    return row


def fd_count(pid):
    try:
        return len(os.listdir("/proc/%d/fd" % pid))
    except OSError:
        return None


def uses_asan(pid):
    """Whether the process has AddressSanitizer's runtime mapped (a SANITIZE=address build)."""
    try:
        with open("/proc/%d/maps" % pid) as f:
            return "libasan" in f.read()
    except OSError:
        return False


def start_stack(run, args):
    b = args.build
    sim = run.start("tristar-sim", [os.path.join(b, "gateway/sim/tristar-sim"), "--tcp", "127.0.0.1:0",
                                    "--stats", run.path("sim-stats.json"), "--start-hour", "6",
                                    "--seed", str(args.seed), *args.faults.split()])
    log("simulator at %s (%s)" % (sim, args.faults))
    # SOAK_GATEWAY_ENV: extra environment of the gateway alone ("K=V K=V"), e.g. a heap profiler's
    # LD_PRELOAD, to see what holds memory in a long run.
    gateway_env = dict(os.environ)
    gateway_env.update(item.split("=", 1) for item in os.environ.get("SOAK_GATEWAY_ENV", "").split())
    endpoint = run.start("tristar-gatewayd", [os.path.join(b, "gateway/daemon/tristar-gatewayd"), "--device", sim,
                                              "--endpoint", "tcp://127.0.0.1:0"], env=gateway_env)
    log("gateway on %s (default config)" % endpoint)
    bridge = run.start("tristar-bridge", [os.path.join(b, "gateway/bridge/tristar-bridge"), "--listen", "127.0.0.1:0",
                                          "--gateway", endpoint])
    log("bridge on %s" % bridge)
    with open(run.path("bus.conf"), "w") as f:
        f.write(BUS_CONFIG % run.path("bus"))
    bus = run.start("dbus-daemon", ["/usr/bin/dbus-daemon", "--config-file=" + run.path("bus.conf"), "--nofork",
                                    "--nopidfile", "--print-address=1"])
    run.start("tristar-publisher", [os.path.join(b, "publisher/tristar-publisher"), "--gateway", endpoint,
                                    "--dbus-address", bus, "--data-dir", run.path("publisher-data")],
              ready_line=False)
    until = time.monotonic() + 30
    while time.monotonic() < until:
        out = subprocess.run(["/usr/bin/busctl", "--address=" + bus, "list", "--no-legend"],
                             capture_output=True, text=True).stdout
        if SERVICE in out:
            break
        if run.procs["tristar-publisher"].poll() is not None:
            break
        time.sleep(0.1)
    else:
        raise RuntimeError("the publisher did not appear on D-Bus; its log:\n" +
                           tail(run.path("tristar-publisher.log")))
    if run.procs["tristar-publisher"].poll() is not None:
        raise RuntimeError("the publisher exited; its log:\n" + tail(run.path("tristar-publisher.log")))
    log("publisher on %s as %s" % (bus, SERVICE))
    return endpoint, int(bridge.rsplit(":", 1)[1]), bus


SANITIZER = re.compile(r"ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: \w+Sanitizer")


def sanitizer_summary(path):
    """The sanitizer lines of a daemon's stderr: reports, their SUMMARY lines, and leak sizes."""
    text = tail(path, 1 << 30)
    lines = [line for line in text.splitlines() if SANITIZER.search(line)]
    leaks = re.findall(r"^(Direct|Indirect) leak of (\d+) byte\(s\) in (\d+) object", text, re.M)
    return lines, leaks


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("minutes", type=float)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--build", required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--faults", default="--drop-rate 0.01 --corrupt-rate 0.005 --cut-rate 0.005")
    parser.add_argument("--rss-limit", type=float, default=2.0)
    args = parser.parse_args()

    def on_signal(signum, frame):
        stopping.set()
        raise SystemExit(130 if signum == signal.SIGINT else 143)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    run = Run(args.dir, args.build)
    watch = None
    threads = []
    failures = []
    codes = {}
    try:
        endpoint, bridge_port, bus = start_stack(run, args)
        watch = ConnectedWatch(run, bus)
        watch.poll()
        seconds = args.minutes * 60
        started = time.monotonic()
        until = started + seconds
        counters = [Counter("tristar-ctl"), Counter("zmq DEALER"),
                    Counter("pymodbus 1"), Counter("pymodbus 2"), Counter("pymodbus 3")]
        threads = [threading.Thread(target=ctl_loop, args=(run, endpoint, until, counters[0])),
                   threading.Thread(target=dealer_loop, args=(endpoint, until, counters[1]))]
        for n in range(3):
            threads.append(threading.Thread(target=modbus_loop, args=(bridge_port, until, counters[2 + n], n)))
        for t in threads:
            t.daemon = True
            t.start()
        pids = {name: proc.pid for name, proc in run.procs.items()}
        sanitized = {name for name, pid in pids.items() if uses_asan(pid)}
        csv_path = run.path("samples.csv")
        log("samples every %d s in %s" % (SAMPLE_S, csv_path))
        samples = []  # (elapsed, {name: {measure: value}})
        with open(csv_path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["elapsed_s", "unix_time", *[n + "_" + m + ("" if m == "fds" else "_kb")
                                                    for n in DAEMONS for m in MEASURES],
                        "connected", "connected_drops"])
            next_sample = started
            while True:
                now = time.monotonic()
                if now >= next_sample:
                    row = {name: measure(pid) for name, pid in pids.items()}
                    dead = [name for name, proc in run.procs.items() if proc.poll() is not None]
                    connected = watch.poll() if "tristar-publisher" not in dead else None
                    elapsed = round(now - started)
                    samples.append((elapsed, row))
                    w.writerow([elapsed, int(time.time()), *[row[n][m] for n in DAEMONS for m in MEASURES],
                                connected, watch.drops])
                    f.flush()
                    if dead:
                        failures.append("died during the run: " + ", ".join(
                            "%s (exit %s)" % (n, run.procs[n].returncode) for n in dead))
                        break
                    if elapsed and elapsed % 60 == 0:
                        log("minute %d: RSS (anon) gateway %s (%s) kB, bridge %s (%s) kB, publisher %s (%s) kB, "
                            "errors %d, drops %d" % (
                                elapsed // 60, *[row[n][m] for n in ("tristar-gatewayd", "tristar-bridge",
                                                                      "tristar-publisher") for m in ("rss", "anon")],
                                sum(c.errors for c in counters), watch.drops))
                    if now >= until:
                        break
                    next_sample += SAMPLE_S
                stopping.wait(max(0.0, min(next_sample, until) - time.monotonic()))
        stopping.set()
        for t in threads:
            t.join(40)
        run.stop_helpers()
        watch.stop()
        # Publisher first (it is a gateway client), then the bridge, the gateway, the device, the bus.
        codes = run.stop_daemons(["tristar-publisher", "tristar-bridge", "tristar-gatewayd", "tristar-sim",
                                  "dbus-daemon"])
        report(run, args, samples, counters, watch, codes, failures, csv_path, sanitized)
    except SystemExit:
        raise
    except Exception as e:  # noqa: BLE001
        failures.append("%s: %s" % (type(e).__name__, e))
        log("FAILED: %s" % e)
    finally:
        stopping.set()
        run.stop_helpers()
        if watch:
            watch.stop()
        run.stop_daemons(list(run.procs), timeout=10)
    if failures:
        log("FAIL: " + "; ".join(failures))
        return 1
    log("PASS")
    return 0


def at(samples, name, elapsed, what="rss"):
    """A daemon's figure in the last sample at or before `elapsed` seconds."""
    best = None
    for t, row in samples:
        if t <= elapsed and row[name][what] is not None:
            best = row[name][what]
    return best


def growth_of(first, last):
    return (last - first) * 100.0 / first if first and last is not None else None


def percent(value):
    return "%+.2f%%" % value if value is not None else "-"


def report(run, args, samples, counters, watch, codes, failures, csv_path, sanitized):
    end = samples[-1][0]
    print()
    log("%.0f s run, %d samples; CSV: %s" % (end, len(samples), csv_path))
    notes = []
    print("%-18s %11s %11s %8s   %11s %11s %8s %8s %8s" % (
        "daemon", "RSS min 2", "RSS end", "growth", "anon min 2", "anon end", "growth", "fds min", "fds max"))
    for name in DAEMONS:
        m2 = at(samples, name, 120)
        last = at(samples, name, end)
        fds = [row[name]["fds"] for _, row in samples if row[name]["fds"] is not None]
        growth = growth_of(m2, last)
        anon_m2, anon_last = at(samples, name, 120, "anon"), at(samples, name, end, "anon")
        print("%-18s %8s kB %8s kB %8s   %8s kB %8s kB %8s %8s %8s" % (
            name, m2, last, percent(growth), anon_m2, anon_last, percent(growth_of(anon_m2, anon_last)),
            min(fds) if fds else "-", max(fds) if fds else "-"))
        if name in ("tristar-gatewayd", "tristar-bridge") and growth is not None and growth >= args.rss_limit:
            if name in sanitized:
                notes.append("%s RSS grew %.2f %%: not judged under AddressSanitizer (its quarantine keeps "
                             "freed memory, up to 256 MB)" % (name, growth))
            else:
                failures.append("%s RSS grew %.2f %% (limit %.1f %%)" % (name, growth, args.rss_limit))
        # fds grew: the fewest in the last minute is above the most in the first two.
        early = [row[name]["fds"] for t, row in samples if t <= 120 and row[name]["fds"] is not None]
        late = [row[name]["fds"] for t, row in samples if t >= end - 60 and row[name]["fds"] is not None]
        if end > 120 and early and late and min(late) > max(early):
            failures.append("%s fds grew from %d to %d" % (name, max(early), min(late)))
    for note in notes:
        log(note)
    print()
    log("RSS, RssAnon and RssFile (kB) at the end of each minute:")
    minutes = list(range(60, end + 1, 60))
    print("%-24s " % "minute" + " ".join("%6d" % (m // 60) for m in minutes))
    for name in DAEMONS:
        for what in ("rss", "anon", "file"):
            print("%-24s " % (name + " " + what) + " ".join("%6s" % at(samples, name, m, what) for m in minutes))
    print()
    try:
        with open(run.path("sim-stats.json")) as f:
            stats = json.load(f)
    except (OSError, ValueError) as e:
        stats = {}
        failures.append("no simulator stats: %s" % e)
    overlaps = stats.get("overlaps")
    log("simulator: %s transactions, %s overlaps, %s dropped, %s corrupted, %s cut, %s connections" % (
        stats.get("transactions"), overlaps, stats.get("dropped"), stats.get("corrupted"), stats.get("cut"),
        stats.get("connections")))
    if overlaps:
        failures.append("%d overlaps" % overlaps)
    for c in counters:
        log("client %-12s %6d requests, %d errors%s" % (c.name, c.requests, c.errors,
                                                        " (last: %s)" % c.last_error if c.errors else ""))
    log("publisher /Connected dropped to 0: %d times%s" % (watch.drops, "".join("\n  " + e for e in watch.events)))
    if watch.drops:
        failures.append("/Connected dropped %d times" % watch.drops)
    print()
    log("daemons stopped by SIGTERM; exit codes and sanitizer reports (stderr in %s/NAME.log):" % run.dir)
    for name in DAEMONS:
        code = codes.get(name)
        lines, leaks = sanitizer_summary(run.path(name + ".log"))
        leaked = sum(int(b) for _, b, _ in leaks)
        print("  %-18s exit %-4s %s" % (name, code if code is not None else "killed",
                                        "no sanitizer report" if not lines else
                                        "%d sanitizer lines, %d leak records, %d bytes" % (len(lines), len(leaks),
                                                                                           leaked)))
        for line in lines[:10]:
            print("      " + line.strip())
        if code != 0:
            failures.append("%s exited %s" % (name, code if code is not None else "only when killed"))


if __name__ == "__main__":
    sys.exit(main())
