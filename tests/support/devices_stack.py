"""Four TriStars behind one gateway, for tests and benchmarks written in Python: one tristar-sim
(--config) with east and west on their own TCP ports and r1, r2 as units 1 and 2 on one RTU line
(a socat pty pair), what each serves read directly first, then the gateway with all four as
[[devices]], the bridge, and the publisher on a private bus with the localsettings stand-in.
Every child is stopped by its pid."""
import json
import os
import re
import subprocess
import tempfile

from tristar_stack import TEST_CONFIG, Daemon, direct_read, executable, stop_process, wait_until
from venus_stack import Bus, Publisher, SettingsStandin, check_exit_codes

DEVICES = ["east", "west", "r1", "r2"]  # the gateway's order: bridge units 1, 3, 5, 7
SERIALS = {"east": "EAST0001", "west": "WEST0002", "r1": "LINE0001", "r2": "LINE0002"}
UNITS = {"east": 1, "west": 1, "r1": 1, "r2": 2}
SPANS = [(0x18, 4), (0xE0C0, 4)]
SERVICE_PREFIX = "com.victronenergy.solarcharger.tristar_"


class PtyPair:
    """Two connected pseudo-terminals made by socat."""

    def __init__(self):
        self.proc = subprocess.Popen(["socat", "-d", "-d", "pty,raw,echo=0", "pty,raw,echo=0"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.ends = []
        while len(self.ends) < 2:
            line = self.proc.stderr.readline()
            if not line:
                raise RuntimeError("socat made no pty pair")
            found = re.search(r"PTY is (\S+)", line)
            if found:
                self.ends.append(found.group(1))

    def stop(self):
        stop_process(self.proc)
        self.proc.stderr.close()


class FourDevices:
    """The stack; `poll_ms` is the publisher's live period (None: its default, 1 s)."""

    def __init__(self, poll_ms=None, frozen=True, wire_time=False):
        self.tmp = tempfile.TemporaryDirectory(prefix="tristar-four-")
        self.pty = PtyPair()
        self.stats = self.path("sim-stats.json")
        self.sim = Daemon([executable("tristar-sim"), "--config", self.sim_config(frozen, wire_time), "--stats", self.stats],
                          self.path("sim.log"))
        west = self.sim.proc.stdout.readline().decode().split()[0]
        self.sim.proc.stdout.readline()  # the RTU line
        self.uris = {"east": self.sim.address.split()[0], "west": west,
                     "r1": "rtu://" + self.pty.ends[1], "r2": "rtu://" + self.pty.ends[1]}
        self.reference = {(name, address): direct_read(self.uris[name], address, count, unit=UNITS[name])
                          for name in DEVICES for address, count in SPANS}
        self.endpoint = "ipc://" + self.path("gateway.sock")
        self.gateway = Daemon([executable("tristar-gatewayd"), "--config", self.gateway_config(), "--endpoint",
                               self.endpoint], self.path("gatewayd.log"))
        self.bridge = Daemon([executable("tristar-bridge"), "--listen", "127.0.0.1:0", "--gateway", self.endpoint],
                             self.path("bridge.log"))
        self.bus = Bus(self.tmp.name)
        self.settings = SettingsStandin(self.tmp.name, self.bus)
        self.services = [SERVICE_PREFIX + SERIALS[name] for name in DEVICES]
        extra = ["--poll-ms", str(poll_ms)] if poll_ms else []
        self.publisher = Publisher(self.tmp.name, self.bus, self.endpoint, self.services[0], extra)
        for service in self.services:
            if not wait_until(lambda: service in self.bus.names(), 20):
                raise RuntimeError(service + " not on the bus")

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    # wire_time: the units on the RTU line answer after their reply's time on a 9600-baud wire.
    def sim_config(self, frozen, wire_time):
        path = self.path("sim.toml")
        with open(path, "w") as f:
            for name in DEVICES:
                where = 'tcp = "127.0.0.1:0"' if name in ("east", "west") else \
                    'rtu = "%s"\nunit = %d\nwire_time = %s' % (self.pty.ends[0], UNITS[name],
                                                             "true" if wire_time else "false")
                f.write('[[device]]\nname = "%s"\n%s\nfrozen = %s\nserial = "%s"\n' %
                        (name, where, "true" if frozen else "false", SERIALS[name]))
        return path

    def gateway_config(self):
        path = self.path("gatewayd.toml")
        with open(path, "w") as f:
            f.write(TEST_CONFIG)
            for name in DEVICES:
                f.write('[[devices]]\nname = "%s"\nuri = "%s"\nunit = %d\n' % (name, self.uris[name], UNITS[name]))
        return path

    def sim_stats(self):
        with open(self.stats) as f:
            return json.load(f)

    def close(self):
        codes = {"tristar-publisher": self.publisher.stop(), "venus-settings-standin": self.settings.stop(),
                 "tristar-bridge": self.bridge.stop(), "tristar-gatewayd": self.gateway.stop()}
        if self.sim.proc.poll() is None:
            codes["tristar-sim"] = self.sim.stop()
        self.bus.stop()
        self.pty.stop()
        self.tmp.cleanup()
        check_exit_codes(codes, "")
