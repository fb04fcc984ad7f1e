"""Four TriStars behind one gateway, the whole stack at once: two on their own TCP ports and two
units on one RTU line (a socat pty pair) in one tristar-sim, the gateway with all four, the
publisher (one Venus service each) on a private bus, the bridge read with pymodbus on each
device's unit id, and tristar-ctl --device. Under that load no wire ever carries two
transactions (the simulator's overlap counter of every line stays 0), and every value is the one
a direct read of its own device gives. Run with /usr/bin/python3."""
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from contextlib import closing

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../support"))
from tristar_stack import TEST_CONFIG, Daemon, direct_read, executable, run, stop_process, wait_until  # noqa: E402
from venus_stack import Bus, Publisher, SettingsStandin, check_exit_codes, value_of  # noqa: E402

from pymodbus.client import ModbusSerialClient, ModbusTcpClient  # noqa: E402

DEVICES = ["east", "west", "r1", "r2"]  # the gateway's order: bridge units 1, 3, 5, 7
SERIALS = {"east": "EAST0001", "west": "WEST0002", "r1": "LINE0001", "r2": "LINE0002"}
SPANS = [(0x18, 4), (0xE0C0, 4)]


class PtyPair:
    """Two connected pseudo-terminals made by socat, stopped by its pid."""

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


def rtu_read(port, unit, address, count):
    client = ModbusSerialClient(port, baudrate=9600, parity="N", stopbits=2, bytesize=8, timeout=2)
    try:
        if not client.connect():
            raise RuntimeError("cannot open " + port)
        reply = client.read_input_registers(address, count, slave=unit)
        if reply.isError():
            raise RuntimeError("direct read of unit %d failed: %s" % (unit, reply))
        return list(reply.registers)
    finally:
        client.close()


class FourChargers(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="tristar-four-")
        self.pty = PtyPair()
        line = self.pty.ends[0]
        sim_toml = self.path("sim.toml")
        with open(sim_toml, "w") as f:
            for name in DEVICES:
                where = 'tcp = "127.0.0.1:0"' if name in ("east", "west") else \
                    'rtu = "%s"\nunit = %d' % (line, 1 if name == "r1" else 2)
                f.write('[[device]]\nname = "%s"\n%s\nfrozen = true\nserial = "%s"\n' % (name, where, SERIALS[name]))
        self.stats = self.path("sim-stats.json")
        self.sim = Daemon([executable("tristar-sim"), "--config", sim_toml, "--stats", self.stats],
                          self.path("sim.log"))
        west = self.sim.proc.stdout.readline().decode().split()[0]
        self.sim.proc.stdout.readline()  # the RTU line
        east = self.sim.address.split()[0]
        uris = {"east": east, "west": west}
        self.reference = {}
        for name in DEVICES:
            for address, count in SPANS:
                if name in uris:
                    words = direct_read(uris[name], address, count)
                else:
                    words = rtu_read(self.pty.ends[1], 1 if name == "r1" else 2, address, count)
                self.reference[(name, address)] = words
        gateway_toml = self.path("gatewayd.toml")
        with open(gateway_toml, "w") as f:
            f.write(TEST_CONFIG)
            for name in DEVICES:
                uri = uris.get(name, "rtu://" + self.pty.ends[1])
                unit = 2 if name == "r2" else 1
                f.write('[[devices]]\nname = "%s"\nuri = "%s"\nunit = %d\n' % (name, uri, unit))
        self.endpoint = "ipc://" + self.path("gateway.sock")
        self.gateway = Daemon([executable("tristar-gatewayd"), "--config", gateway_toml, "--endpoint",
                               self.endpoint], self.path("gatewayd.log"))
        self.bridge = Daemon([executable("tristar-bridge"), "--listen", "127.0.0.1:0", "--gateway", self.endpoint],
                             self.path("bridge.log"))
        self.bus = Bus(self.tmp.name)
        self.settings = SettingsStandin(self.tmp.name, self.bus)
        self.services = ["com.victronenergy.solarcharger.tristar_" + SERIALS[name] for name in DEVICES]
        self.publisher = Publisher(self.tmp.name, self.bus, self.endpoint, self.services[0], ["--poll-ms", "500"])
        for service in self.services:
            self.assertTrue(wait_until(lambda: service in self.bus.names(), 20), service)

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def tearDown(self):
        codes = {"tristar-publisher": self.publisher.stop(), "venus-settings-standin": self.settings.stop(),
                 "tristar-bridge": self.bridge.stop(), "tristar-gatewayd": self.gateway.stop()}
        self.bus.stop()
        self.pty.stop()
        self.tmp.cleanup()
        check_exit_codes(codes, "")

    def bridge_client(self):
        host, port = self.bridge.address[len("tcp://"):].rsplit(":", 1)
        client = ModbusTcpClient(host, port=int(port), timeout=5)
        self.assertTrue(client.connect())
        return client

    def test_every_value_its_own_and_no_wire_carries_two_transactions(self):
        mismatches = []
        with closing(self.bridge_client()) as client:
            self.assertTrue(wait_until(lambda: not client.read_input_registers(0x18, 1, slave=7).isError(), 15))

        # Five seconds of load, so the publisher's polls (every 0.5 s, four services) run alongside.
        until = time.monotonic() + 5

        def bridge_load():
            with closing(self.bridge_client()) as client:
                for _ in range(500):
                    if time.monotonic() > until:
                        break
                    for index, name in enumerate(DEVICES):
                        for address, count in SPANS:
                            reply = client.read_input_registers(address, count, slave=2 * index + 1)
                            got = None if reply.isError() else list(reply.registers)
                            if got != self.reference[(name, address)]:
                                mismatches.append(("bridge", name, address, got))

        def ctl_load():
            while time.monotonic() < until:
                for name in DEVICES:
                    out = run([executable("tristar-ctl"), "--endpoint", self.endpoint, "--device", name, "--json",
                               "read", "0x18", "--count", "4"])
                    values = json.loads(out.stdout).get("values") if out.returncode == 0 else None
                    if values != self.reference[(name, 0x18)]:
                        mismatches.append(("ctl", name, out.stdout[-200:]))

        threads = [threading.Thread(target=bridge_load), threading.Thread(target=bridge_load),
                   threading.Thread(target=ctl_load)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(mismatches, [])
        for name, service in zip(DEVICES, self.services):
            items = self.bus.get_items(service)
            self.assertEqual(value_of(items["/Serial"]), SERIALS[name])
        for service in self.services:
            self.assertIn(value_of(self.bus.get_items(service)["/Connected"]), (1,))
        codes = self.sim.stop()
        self.assertEqual(codes, 0)
        with open(self.stats) as f:
            lines = json.load(f)["lines"]
        self.assertEqual(len(lines), 3)
        for line, figures in lines.items():
            self.assertEqual(figures["overlaps"], 0, line)
            self.assertGreater(figures["transactions"], 0, line)


if __name__ == "__main__":
    unittest.main()
