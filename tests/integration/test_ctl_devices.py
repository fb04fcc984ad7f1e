"""tristar-ctl against a gateway serving two devices ([[devices]] a and b), each a simulator of
its own on TCP (a 12 V and a 24 V unit with different serial numbers, so their values differ):
--device sends every command to the device it names; status lists both devices and both links;
an unknown name fails clearly. And a gateway of one device: everything as before."""
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../support"))
from tristar_stack import TEST_CONFIG, Daemon, Stack, command, direct_read, run, tail  # noqa: E402

SERIAL_ADDRESS = 0xE0C0  # 4 holding registers, 8 ASCII characters
SLAVE_VOLTAGE = 0x58  # a holding register the default write policy lets tristar-ctl write


class TwoDevices:
    """Two simulators and one gateway with a [[devices]] entry for each, in a temp dir."""

    SIMS = {"a": ("12", "11111111", "1"), "b": ("24", "22222222", "2")}

    def __init__(self):
        self.dir = tempfile.TemporaryDirectory(prefix="tristar-test-")
        self.sims = {}
        config = TEST_CONFIG
        for name, (volts, serial, seed) in self.SIMS.items():
            self.sims[name] = Daemon(
                [*command("tristar-sim"), "--tcp", "127.0.0.1:0", "--frozen", "--battery-volts", volts,
                 "--serial", serial, "--seed", seed], self.path("sim-%s.log" % name))
            config += '\n[[devices]]\nname = "%s"\nuri = "%s"\nunit = 1\n' % (name, self.sims[name].address)
        with open(self.path("gatewayd.toml"), "w") as f:
            f.write(config)
        self.gateway = Daemon([*command("tristar-gatewayd"), "--config", self.path("gatewayd.toml"),
                               "--endpoint", "tcp://127.0.0.1:0"], self.path("gatewayd.log"))
        self.endpoint = self.gateway.address

    def path(self, name):
        return os.path.join(self.dir.name, name)

    def close(self):
        codes = {"gatewayd": self.gateway.stop()}
        codes.update({"sim-" + name: sim.stop() for name, sim in self.sims.items()})
        logs = {name: tail(self.path(name + ".log")) for name in codes}
        self.dir.cleanup()
        for name, code in codes.items():
            if code != 0:
                raise RuntimeError("%s exited with %s; its log ends with:\n%s" % (name, code, logs[name]))


def ctl_of(endpoint):
    def ctl(*args):
        return run([*command("tristar-ctl"), "--endpoint", endpoint, *args])
    return ctl


class CtlWithTwoDevices(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = TwoDevices()
        cls.ctl = staticmethod(ctl_of(cls.stack.endpoint))

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()

    def sim(self, name):
        return self.stack.sims[name].address

    def read_json(self, *args):
        out = self.ctl(*args, "--json")
        self.assertEqual(out.returncode, 0, out.stderr)
        return json.loads(out.stdout)["values"]

    def test_reads_go_to_the_named_device(self):
        values = {}
        for name in ("a", "b"):
            with self.subTest(device=name):
                values[name] = self.read_json("--device", name, "read", "0x18", "--count", "4")
                self.assertEqual(values[name], direct_read(self.sim(name), 0x18, 4))
                serial = self.read_json("--device", name, "read", hex(SERIAL_ADDRESS), "--fc", "3",
                                        "--count", "4")
                self.assertEqual(serial, direct_read(self.sim(name), SERIAL_ADDRESS, 4, function=3))
        self.assertNotEqual(values["a"], values["b"], "the two simulators must differ")

    def test_device_option_after_the_command(self):
        self.assertEqual(self.read_json("read", "0x18", "--count", "4", "--device", "b"),
                         direct_read(self.sim("b"), 0x18, 4))

    def test_without_device_the_first_one(self):
        self.assertEqual(self.read_json("read", "0x18", "--count", "4"), direct_read(self.sim("a"), 0x18, 4))

    def test_get_decodes_each_devices_values(self):
        volts = {}
        for name in ("a", "b"):
            out = self.ctl("--device", name, "get", "battery_voltage", "serial", "--json")
            self.assertEqual(out.returncode, 0, out.stderr)
            got = json.loads(out.stdout)
            volts[name] = got["battery_voltage"]["value"]
            self.assertEqual(got["serial"]["text"], TwoDevices.SIMS[name][1])
        self.assertTrue(6.0 < volts["a"] < 20.0, "a 12 V battery: %s" % volts["a"])
        self.assertTrue(20.0 < volts["b"] < 35.0, "a 24 V battery: %s" % volts["b"])

    def test_write_reaches_only_the_named_device(self):
        before = direct_read(self.sim("a"), SLAVE_VOLTAGE, 1, function=3)
        out = self.ctl("--device", "b", "write", "register", hex(SLAVE_VOLTAGE), "1234")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(direct_read(self.sim("b"), SLAVE_VOLTAGE, 1, function=3), [1234])
        self.assertEqual(direct_read(self.sim("a"), SLAVE_VOLTAGE, 1, function=3), before)

    def test_status_lists_both_devices_and_links(self):
        out = self.ctl("status")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("devices       2 (a, b) on 2 links\n", out.stdout)
        for name in ("a", "b"):
            self.assertIn("device %s\n  uri           %s\n" % (name, self.sim(name)), out.stdout)
            self.assertRegex(out.stdout, r"\n  %s  \(tcp, [a-z-]+\)  devices %s\n" % (self.sim(name), name))
        self.assertIn("links (2)\n", out.stdout)

    def test_status_of_one_device(self):
        out = self.ctl("--device", "b", "status")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("devices       2 (a, b) on 2 links\n", out.stdout)
        self.assertIn("device b\n", out.stdout)
        self.assertNotIn("device a\n", out.stdout)
        self.assertIn("\nlink\n  %s  (tcp" % self.sim("b"), out.stdout)

    def test_status_json(self):
        out = self.ctl("status", "--json")
        self.assertEqual(out.returncode, 0, out.stderr)
        status = json.loads(out.stdout)
        self.assertEqual([d["name"] for d in status["devices"]], ["a", "b"])
        self.assertEqual([d["device"] for d in status["devices"]], [self.sim("a"), self.sim("b")])
        self.assertEqual(len(status["links"]), 2)
        self.assertEqual([link["devices"] for link in status["links"]], [["a"], ["b"]])
        self.assertEqual(status["device"], self.sim("a"))  # the top level: the first device

    def test_unknown_device_fails_clearly(self):
        for args in (["read", "0x18"], ["status"], ["get", "battery_voltage"]):
            with self.subTest(args=args):
                out = self.ctl("--device", "c", *args)
                self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
                self.assertIn("INVALID_REQUEST: no device of that name; this gateway has a, b", out.stderr)
        out = self.ctl("--device", "c", "--json", "read", "0x18")
        self.assertEqual(out.returncode, 1)
        self.assertEqual(json.loads(out.stdout)["error"]["code"], "INVALID_REQUEST")

    def test_watch_shows_each_device(self):
        out = self.ctl("watch", "--count", "1", "--max-age", "0")
        self.assertEqual(out.returncode, 0, out.stderr)
        lines = out.stdout.splitlines()
        for name in ("a", "b"):
            self.assertTrue(any(line.startswith("device    %s   " % name) and self.sim(name) in line
                                for line in lines), out.stdout)
        batteries = [line for line in lines if line.startswith("battery ")]
        self.assertEqual(len(batteries), 2, out.stdout)
        self.assertNotEqual(batteries[0], batteries[1])
        self.assertIn("gateway   2 devices on 2 links", out.stdout)

    def test_watch_of_one_device(self):
        out = self.ctl("--device", "b", "watch", "--count", "1", "--max-age", "0")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("  device b  ", out.stdout.splitlines()[0])
        self.assertEqual(len([line for line in out.stdout.splitlines() if line.startswith("battery ")]), 1)
        self.assertNotIn("device    a", out.stdout)


class CtlWithOneDevice(unittest.TestCase):
    """A gateway of one device (--device on its command line): the views as they always were."""

    @classmethod
    def setUpClass(cls):
        cls.stack = Stack()
        cls.ctl = staticmethod(ctl_of(cls.stack.endpoint))

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()

    def test_status_text_as_before(self):
        out = self.ctl("status")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertRegex(out.stdout, r"\nlink          [a-z]+ \(tcp, [a-z-]+\)\n")
        self.assertIn("\ndevice        %s\n" % self.stack.sim.address, out.stdout)
        self.assertNotIn("links", out.stdout)
        self.assertNotIn("devices ", out.stdout)

    def test_status_json_lists_the_one_device(self):
        status = json.loads(self.ctl("status", "--json").stdout)
        self.assertEqual(status["device"], self.stack.sim.address)
        self.assertEqual(len(status["devices"]), 1)
        self.assertEqual(len(status["links"]), 1)

    def test_reads_with_and_without_its_name(self):
        direct = direct_read(self.stack.sim.address, 0x18, 4)
        without = json.loads(self.ctl("read", "0x18", "--count", "4", "--json").stdout)["values"]
        named = json.loads(self.ctl("--device", "tristar", "read", "0x18", "--count", "4", "--json").stdout)
        self.assertEqual(without, direct)
        self.assertEqual(named["values"], direct)

    def test_watch_as_before(self):
        out = self.ctl("watch", "--count", "1")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertRegex(out.stdout, r"\ngateway   [a-z]+ \(tcp, [a-z-]+\)   transactions ")
        self.assertNotIn("device ", out.stdout)

    def test_unknown_device(self):
        out = self.ctl("--device", "b", "read", "0x18")
        self.assertEqual(out.returncode, 1)
        self.assertIn("no device of that name; this gateway has tristar", out.stderr)


if __name__ == "__main__":
    unittest.main()
