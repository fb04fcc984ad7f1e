"""tristar-bridge with two TriStars behind one gateway ([[devices]]), judged with pymodbus: each
device on its own unit ids (raw 1 and 3, scaled 2 and 4 by default), values equal to direct reads
of its own simulator, an unmapped unit id answered 0x0B, and a [[bridge.units]] table honoured.
Run with /usr/bin/python3 (Debian's pymodbus)."""
import os
import struct
import sys
import tempfile
import unittest
from contextlib import closing

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../support"))
from scaling import volts  # noqa: E402
from tristar_stack import TEST_CONFIG, Daemon, command, direct_read, executable, tail, wait_until  # noqa: E402

from pymodbus.client import ModbusTcpClient  # noqa: E402

LIVE_WORDS = 0x5C


def battery_volts(live):
    return volts(live, 0x18)


class TwoDeviceBridge:
    """Two frozen simulators (12 V and 24 V batteries), a gateway with both, and a bridge."""

    def __init__(self, bridge_config=""):
        self.dir = tempfile.TemporaryDirectory(prefix="tristar-test-")
        self.sims = [
            Daemon([*command("tristar-sim"), "--tcp", "127.0.0.1:0", "--frozen", "--serial", serial,
                    "--battery-volts", volts], self.path(serial + ".log"))
            for serial, volts in (("EAST0001", "12"), ("WEST0002", "24"))]
        config = self.path("gatewayd.toml")
        with open(config, "w") as f:
            f.write(TEST_CONFIG + '[[devices]]\nname = "east"\nuri = "%s"\n[[devices]]\nname = "west"\n'
                    'uri = "%s"\n' % (self.sims[0].address, self.sims[1].address))
        self.gateway = Daemon([*command("tristar-gatewayd"), "--config", config, "--endpoint", "tcp://127.0.0.1:0"],
                              self.path("gatewayd.log"))
        bridge_toml = self.path("bridge.toml")
        with open(bridge_toml, "w") as f:
            f.write(bridge_config)
        self.bridge = Daemon([executable("tristar-bridge"), "--config", bridge_toml, "--listen", "127.0.0.1:0",
                              "--gateway", self.gateway.address], self.path("bridge.log"))
        host, port = self.bridge.address[len("tcp://"):].rsplit(":", 1)
        self.host, self.port = host, int(port)

    def path(self, name):
        return os.path.join(self.dir.name, name)

    def client(self):
        client = ModbusTcpClient(self.host, port=self.port, timeout=5)
        if not client.connect():
            raise RuntimeError("cannot connect to the bridge")
        return client

    def close(self):
        codes = [self.bridge.stop(), self.gateway.stop()] + [sim.stop() for sim in self.sims]
        logs = tail(self.path("bridge.log")) + tail(self.path("gatewayd.log"))
        self.dir.cleanup()
        if any(code != 0 for code in codes):
            raise RuntimeError("exit codes %s; logs end with:\n%s" % (codes, logs))


def registers(client, function, address, count, unit):
    read = client.read_input_registers if function == 4 else client.read_holding_registers
    reply = read(address, count, slave=unit)
    if reply.isError():
        raise AssertionError("unit %d fc %d 0x%X+%d: %s" % (unit, function, address, count, reply))
    return list(reply.registers)


class DefaultUnits(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.b = TwoDeviceBridge()
        cls.live = [direct_read(sim.address, 0, LIVE_WORDS) for sim in cls.b.sims]

    @classmethod
    def tearDownClass(cls):
        cls.b.close()

    def wait_for_second_device(self, client):
        # The bridge learns the gateway's devices from its status at start.
        ok = wait_until(lambda: not client.read_input_registers(0x18, 1, slave=3).isError(), 10)
        self.assertTrue(ok, "unit 3 never served")

    def test_each_device_on_its_raw_unit(self):
        with closing(self.b.client()) as client:
            self.wait_for_second_device(client)
            for index, unit in ((0, 1), (1, 3)):
                for function in (3, 4):
                    self.assertEqual(registers(client, function, 0, LIVE_WORDS, unit), self.live[index])
                serial = registers(client, 3, 0xE0C0, 4, unit)
                self.assertEqual(serial, direct_read(self.b.sims[index].address, 0xE0C0, 4, 3))
            self.assertNotEqual(self.live[0][0x18], self.live[1][0x18])

    def test_each_device_on_its_scaled_unit(self):
        with closing(self.b.client()) as client:
            self.wait_for_second_device(client)
            for index, unit in ((0, 2), (1, 4)):
                words = registers(client, 4, 0, 2, unit)
                got = struct.unpack(">f", struct.pack(">HH", *words))[0]
                self.assertAlmostEqual(got, battery_volts(self.live[index]), delta=0.01)

    def test_an_unmapped_unit_is_answered_0x0b(self):
        with closing(self.b.client()) as client:
            self.wait_for_second_device(client)
            reply = client.read_input_registers(0x18, 1, slave=5)
            self.assertTrue(reply.isError())
            self.assertEqual(reply.exception_code, 0x0B)


class ConfiguredUnits(unittest.TestCase):
    def test_the_units_table_is_the_whole_mapping(self):
        b = TwoDeviceBridge('[bridge]\n[[bridge.units]]\nunit = 10\ndevice = "west"\n'
                            '[[bridge.units]]\nunit = 11\ndevice = "east"\nview = "scaled"\n')
        try:
            live_west = direct_read(b.sims[1].address, 0, LIVE_WORDS)
            live_east = direct_read(b.sims[0].address, 0, LIVE_WORDS)
            with closing(b.client()) as client:
                self.assertEqual(registers(client, 4, 0, LIVE_WORDS, 10), live_west)
                words = registers(client, 4, 0, 2, 11)
                got = struct.unpack(">f", struct.pack(">HH", *words))[0]
                self.assertAlmostEqual(got, battery_volts(live_east), delta=0.01)
                for unit in (1, 2, 3):
                    reply = client.read_input_registers(0x18, 1, slave=unit)
                    self.assertTrue(reply.isError(), "unit %d" % unit)
        finally:
            b.close()


if __name__ == "__main__":
    unittest.main()
