"""Memory of tristar-publisher publishing N chargers (docs/venus.md, "Several chargers"): one
process with N services against N processes of one service each, N = 1..4. Four simulators
(different serials) behind one gateway with four [[devices]], a private dbus-daemon with the
localsettings stand-in; each publisher started with --device for the devices it publishes, its
log at warn. Once every service is on the bus and answered a GetItems (as systemcalc and the GUI
call it), and after a settling time, the publishers' Pss (/proc/PID/smaps_rollup: shared pages
divided among the processes that map them) is summed. Prints a Markdown table.
Run with /usr/bin/python3; TRISTAR_BUILD_DIR names the build tree (default ../../build)."""
import argparse
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../support"))
from tristar_stack import TEST_CONFIG, Daemon, command, stop_process, wait_until  # noqa: E402
from venus_stack import Bus, SettingsStandin  # noqa: E402

PREFIX = "com.victronenergy.solarcharger.tristar_"
MAX_DEVICES = 4


def smaps_kib(pid, key):
    with open("/proc/%d/smaps_rollup" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise RuntimeError("no %s for pid %d" % (key, pid))


def pss_mib(pids):
    return sum(smaps_kib(pid, "Pss") for pid in pids) / 1024.0


def private_mib(pids):
    return sum(smaps_kib(pid, "Private_Clean") + smaps_kib(pid, "Private_Dirty") for pid in pids) / 1024.0


class Rig:
    """The simulators, the gateway, the bus and the settings stand-in, shared by every run."""

    def __init__(self, directory):
        self.dir = directory
        self.sims = [Daemon([*command("tristar-sim"), "--tcp", "127.0.0.1:0", "--frozen", "--start-hour", "12",
                             "--serial", "0000000%d" % (i + 1)], self.path("sim%d.log" % i))
                     for i in range(MAX_DEVICES)]
        config = self.path("gatewayd.toml")
        with open(config, "w") as f:
            f.write(TEST_CONFIG + "".join('[[devices]]\nname = "d%d"\nuri = "%s"\n' % (i + 1, sim.address)
                                          for i, sim in enumerate(self.sims)))
        self.endpoint = "ipc://" + self.path("gateway.sock")
        self.gateway = Daemon([*command("tristar-gatewayd"), "--config", config, "--endpoint", self.endpoint],
                              self.path("gatewayd.log"))
        self.bus = Bus(directory)
        self.settings = SettingsStandin(directory, self.bus)

    def path(self, name):
        return os.path.join(self.dir, name)

    def close(self):
        self.settings.stop()
        self.bus.stop()
        self.gateway.stop()
        for sim in self.sims:
            sim.stop()


class PublisherProcess:
    """tristar-publisher for some of the rig's devices, its log at warn."""

    def __init__(self, rig, directory, devices):
        argv = [*command("tristar-publisher"), "--gateway", rig.endpoint, "--dbus-address", rig.bus.address,
                "--data-dir", os.path.join(directory, "data"), "--log-level", "warn"]
        for i in devices:
            argv += ["--device", "d%d" % (i + 1)]
        self.log_path = os.path.join(directory, "publisher.log")
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=log)

    def log_text(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def stop(self):
        return stop_process(self.proc, grace=10)


def start_publishers(rig, groups, run):
    """One publisher process per group of device indexes; returns them once every service of
    every group is on the bus and answered a GetItems."""
    publishers = []
    for g, group in enumerate(groups):
        directory = rig.path("%s-%d" % (run, g))
        os.makedirs(directory)
        publishers.append(PublisherProcess(rig, directory, group))
    services = [PREFIX + "0000000%d" % (i + 1) for group in groups for i in group]
    if not wait_until(lambda: set(services) <= rig.bus.names(), 30):
        missing = sorted(set(services) - rig.bus.names())
        raise RuntimeError("not every service registered: %s; logs:\n%s" % (
            missing, "\n".join(p.log_text()[-2000:] for p in publishers)))
    for service in services:
        rig.bus.get_items(service)
    return publishers


def measure(rig, groups, run, settle):
    publishers = start_publishers(rig, groups, run)
    try:
        time.sleep(settle)
        pids = [p.proc.pid for p in publishers]
        return pss_mib(pids), private_mib(pids)
    finally:
        for p in publishers:
            if p.stop() != 0:
                raise RuntimeError("a publisher exited with an error:\n" + p.log_text()[-2000:])
        wait_until(lambda: not [n for n in rig.bus.names() if n.startswith(PREFIX)], 10)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--settle", type=float, default=10.0, help="seconds between ready and measuring")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tristar-chargers-mem-") as directory:
        rig = Rig(directory)
        try:
            print("| N | one process: Pss MiB | N processes: Pss sum MiB | ratio | one process: private MiB "
                  "| N processes: private sum MiB |")
            print("| --- | --- | --- | --- | --- | --- |")
            for n in range(1, MAX_DEVICES + 1):
                one = measure(rig, [list(range(n))], "one%d" % n, options.settle)
                apart = measure(rig, [[i] for i in range(n)], "apart%d" % n, options.settle)
                print("| %d | %.1f | %.1f | %.2f | %.1f | %.1f |" % (n, one[0], apart[0], apart[0] / one[0], one[1],
                                                                     apart[1]), flush=True)
        finally:
            rig.close()


if __name__ == "__main__":
    main()
