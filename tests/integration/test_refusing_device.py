"""The whole stack against a TriStar that refuses what the spec does not document: tristar-sim
--refuse-undocumented answers exception 2 for every undocumented register and coil (coil 1
included), and --refuse takes away the optional identity registers. The gateway, the publisher on
a private dbus-daemon, the bridge and `tristar-ctl watch` must work as against a full image, the
publisher must register anyway (docs/venus.md, "When the TriStar cannot report its identity"),
and nothing the product reads by itself may be refused more than once per block.
Run with /usr/bin/python3 (Debian's pymodbus)."""
import json
import os
import struct
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../support"))
from tristar_stack import Daemon, Stack, command, direct_read, run, wait_until  # noqa: E402
from venus_stack import Bus, Publisher, value_of  # noqa: E402

from pymodbus.client import ModbusTcpClient  # noqa: E402

PREFIX = "com.victronenergy.solarcharger."
SERIAL_SERVICE = PREFIX + "tristar_01234567"
SIM_ARGS = ("--frozen", "--start-hour", "12")
REFUSE_IDENTITY = ("--refuse", "0xE0C0-0xE0C3,0xE0CC-0xE0CD")
# Identity and coils every second, so a read across an undocumented gap that is not split for
# good would be refused over and over within the test, not once in 30 minutes.
FAST_POLLS = "[publisher]\ncoil_poll_ms = 1000\ncounter_poll_ms = 1000\n"
REGISTER_WITHIN_S = 5.0
LIVE_WORDS = 0x5C


def fallback_id(device_uri):
    """The publisher's fallback id: 32-bit FNV-1a of the device URI without its query."""
    value = 2166136261
    for byte in device_uri.split("?")[0].encode():
        value = ((value ^ byte) * 16777619) & 0xFFFFFFFF
    return "%08x" % value


def block_of(key):
    """The device block of a refused_by_range key such as "fc3 0xe0c0+4"."""
    function, span = key.split()
    address = int(span.split("+")[0], 16)
    if function in ("fc1", "fc2"):
        return "coils"
    for name, first, last in (("live", 0x0000, 0x005B), ("network", 0x1000, 0x151D),
                              ("settings", 0xE000, 0xE021), ("identity", 0xE080, 0xE0CD)):
        if first <= address <= last:
            return name
    return "other 0x%04X" % address


class VenusOnRefusingSim:
    """Simulator with the given refusals, gateway, private bus and publisher (no localsettings)."""

    def __init__(self, refusals, service=None, config=FAST_POLLS):
        self.stack = Stack(sim_args=(*SIM_ARGS, *refusals))
        self.bus = Bus(self.stack.dir.name)
        self.bridge = None
        self.service = service or PREFIX + "tristar_" + fallback_id(self.stack.sim.address)
        started = time.monotonic()
        try:
            self.publisher = Publisher(self.stack.dir.name, self.bus, self.stack.endpoint, self.service,
                                       ["--poll-ms", "500"], config, timeout=REGISTER_WITHIN_S)
        except RuntimeError:
            self.bus.stop()
            self.stack.close()
            raise
        self.registered_after = time.monotonic() - started

    def items(self):
        return self.bus.get_items(self.service)

    def value(self, path):
        return value_of(self.items()[path])

    def start_bridge(self):
        self.bridge = Daemon([*command("tristar-bridge"), "--listen", "127.0.0.1:0", "--gateway",
                              self.stack.endpoint], self.stack.path("bridge.log"))
        host, port = self.bridge.address[len("tcp://"):].rsplit(":", 1)
        return host, int(port)

    def log(self):
        return self.publisher.log_text()

    def fresh_stats(self):
        """The simulator's stats as written after this call (it writes them every second)."""
        since = time.time()
        if not wait_until(lambda: os.stat(self.stack.stats).st_mtime > since + 0.05, 5):
            raise AssertionError("the simulator did not refresh its stats")
        with open(self.stack.stats) as f:
            return json.load(f)

    def close(self):
        codes = {"tristar-publisher": self.publisher.stop()}
        if self.bridge:
            codes["tristar-bridge"] = self.bridge.stop()
        self.bus.stop()
        log = self.log()
        self.stack.close()
        for name, code in codes.items():
            if code != 0:
                raise AssertionError("%s exited with %s; publisher log ends with:\n%s" % (name, code, log[-3000:]))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def float32(hi, lo):
    return struct.unpack(">f", struct.pack(">HH", hi, lo))[0]


def warnings_of(log):
    return [line for line in log.splitlines() if " warning " in line or line.startswith("warning ")]


class RefusingDeviceTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # The paths the publisher has against a full image: the refusing device must have them all.
        with VenusOnRefusingSim((), SERIAL_SERVICE) as full:
            cls.full_paths = set(full.items())
        if len(cls.full_paths) < 300:
            raise AssertionError("only %d paths against a full image" % len(cls.full_paths))

    def assert_refused_at_most_once_per(self, stats, key_of):
        by_key = {}
        for key, count in stats["refused_by_range"].items():
            by_key[key_of(key)] = by_key.get(key_of(key), 0) + count
        self.assertEqual(stats["refused"], sum(stats["refused_by_range"].values()), stats)
        for key, count in by_key.items():
            self.assertLessEqual(count, 1, "%s refused %d times: %s" % (key, count, stats["refused_by_range"]))

    def check_bridge(self, venus):
        host, port = venus.start_bridge()
        live = direct_read(venus.stack.sim.address, 0, LIVE_WORDS)
        client = ModbusTcpClient(host, port=port, timeout=5)
        self.assertTrue(client.connect())
        try:
            block = client.read_input_registers(0, LIVE_WORDS, slave=1)
            self.assertFalse(block.isError(), block)
            self.assertEqual(block.registers, live)
            scaled = client.read_holding_registers(0, 30, slave=2)
            self.assertFalse(scaled.isError(), scaled)
        finally:
            client.close()
        v_pu = live[0] + live[1] / 65536.0
        self.assertAlmostEqual(float32(*scaled.registers[0:2]), live[0x18] * v_pu / 32768.0, places=3)
        self.assertEqual(scaled.registers[26], live[0x32])  # charge state

    def check_watch(self, venus):
        watch = run([*command("tristar-ctl"), "--endpoint", venus.stack.endpoint, "watch", "--count", "3",
                     "--interval", "500"])
        self.assertEqual(watch.returncode, 0, watch.stderr)
        battery = [line for line in watch.stdout.splitlines() if line.startswith("battery")]
        self.assertEqual(len(battery), 3, watch.stdout)
        self.assertRegex(battery[-1], r"^battery\s+\d+\.\d+ V\s+-?\d+\.\d+ A", watch.stdout)
        self.assertNotIn("MODBUS_EXCEPTION", watch.stdout)

    def test_undocumented_addresses_refused_the_stack_works_and_nothing_is_refused_twice(self):
        with VenusOnRefusingSim(("--refuse-undocumented",), SERIAL_SERVICE) as venus:
            self.assertLessEqual(venus.registered_after, REGISTER_WITHIN_S)
            self.assertTrue(wait_until(lambda: venus.value("/Connected") == 1, 5))
            # The coils (read apart once coils 0-2 are refused) and the network processor's
            # version come after the live block and the identity, each a paced device
            # transaction: wait for them rather than race them.
            later = ("/Mode", "/Tristar/Equalize/Requested", "/Tristar/Firmware/Network")
            self.assertTrue(wait_until(
                lambda: all(value_of(venus.items()[path]) is not None for path in later), 5))
            items = venus.items()
            self.assertEqual(set(items), self.full_paths)
            self.assertEqual(value_of(items["/Serial"]), "01234567")
            self.assertEqual(value_of(items["/ProductName"]), "TriStar MPPT 60")
            self.assertIsNotNone(value_of(items["/HardwareVersion"]))
            self.assertIsNotNone(value_of(items["/Tristar/Battery/DaysSinceEqualize"]))
            self.assertEqual(value_of(items["/Mode"]), 1)  # coil 2, read without coil 1
            self.assertIsNotNone(value_of(items["/Tristar/Equalize/Requested"]))
            self.assertIsNotNone(value_of(items["/Tristar/Firmware/Network"]))

            self.check_bridge(venus)
            self.check_watch(venus)  # a few seconds: identity and coils are read again meanwhile
            stats = venus.fresh_stats()
            self.assert_refused_at_most_once_per(stats, block_of)
            # Coils 0-2 are refused once (coil 1 is undocumented), then read as coil 0 and coil 2.
            self.assertEqual(stats["refused_by_range"].get("fc1 0x0000+3"), 1, stats)
            log = venus.log()
            self.assertEqual(log.count("info [reads] FC01 coils 0-2 (equalize, charge disconnect) refused: "
                                       "MODBUS_EXCEPTION 2 (illegal data address)"), 1, log[-3000:])
            self.assertEqual([w for w in warnings_of(log) if "[reads]" in w], [])

    def test_identity_registers_refused_too_the_publisher_registers_with_a_fallback_id(self):
        refusals = ("--refuse-undocumented", *REFUSE_IDENTITY)
        with VenusOnRefusingSim(refusals, config=None) as venus:
            self.assertLessEqual(venus.registered_after, REGISTER_WITHIN_S)
            self.assertTrue(wait_until(lambda: venus.value("/Connected") == 1, 5))
            items = venus.items()
            self.assertEqual(set(items), self.full_paths)
            self.assertIsNone(value_of(items["/Serial"]))
            self.assertEqual(value_of(items["/ProductName"]), "TriStar MPPT")
            self.assertIsNone(value_of(items["/HardwareVersion"]))
            self.assertIsNotNone(value_of(items["/Dc/0/Voltage"]))
            self.assertIsNotNone(value_of(items["/Tristar/Battery/DaysSinceEqualize"]))  # counters still read

            log = venus.log()
            self.assertIn("[identity] fallback id %s" % fallback_id(venus.stack.sim.address), log)
            # One warning per refused span, with its range, function and the device's answer;
            # the live poll goes on every half second and adds none.
            self.assertTrue(wait_until(lambda: venus.fresh_stats()["reads"] >= 8, 10))
            warnings = warnings_of(venus.log())
            for span in ("FC03 0xE0C0-0xE0C3 (serial)", "FC03 0xE0CC-0xE0CD (model and hardware version)"):
                lines = [w for w in warnings if span in w]
                self.assertEqual(len(lines), 1, warnings)
                self.assertIn("MODBUS_EXCEPTION 2 (illegal data address)", lines[0])
            # Refused once each, not retried every second (the identity's turn is 30 minutes away).
            self.assert_refused_at_most_once_per(venus.fresh_stats(), lambda key: key)

    def test_a_configured_serial_names_the_service_when_the_device_has_none(self):
        config = '[publisher]\nserial = "17160042"\n'
        with VenusOnRefusingSim(("--refuse-undocumented", *REFUSE_IDENTITY), PREFIX + "tristar_17160042",
                                config) as venus:
            self.assertEqual(venus.value("/Serial"), "17160042")
            self.assertIn("[identity] serial 17160042 (from the config)", venus.log())


if __name__ == "__main__":
    unittest.main(verbosity=2)
