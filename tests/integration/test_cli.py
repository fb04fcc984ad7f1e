"""tristar-ctl and tristar-gatewayd from the command line, as a person or a script uses them."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../support"))
from tristar_stack import Stack, direct_read, executable, run  # noqa: E402

V_PU = 180.0  # the simulator reports V_PU 180/0 as real units do


class CtlAgainstSimulator(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = Stack()

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()

    def ctl(self, *args):
        return run([executable("tristar-ctl"), "--endpoint", self.stack.endpoint, *args])

    def test_read_json_equals_direct_read(self):
        out = self.ctl("read", "0x18", "--count", "4", "--json")
        self.assertEqual(out.returncode, 0, out.stderr)
        got = json.loads(out.stdout)
        self.assertEqual(got["address"], 0x18)
        self.assertEqual(got["count"], 4)
        self.assertEqual(got["values"], direct_read(self.stack.sim.address, 0x18, 4))

    def test_read_accepts_decimal_and_names(self):
        by_hex = json.loads(self.ctl("read", "0x18", "--json").stdout)["values"]
        by_dec = json.loads(self.ctl("read", "24", "--json").stdout)["values"]
        by_name = json.loads(self.ctl("read", "battery_voltage", "--json").stdout)["values"]
        self.assertEqual(by_hex, by_dec)
        self.assertEqual(by_hex, by_name)

    def test_get_battery_voltage_json_is_scaled_direct_value(self):
        out = self.ctl("get", "battery_voltage", "--json")
        self.assertEqual(out.returncode, 0, out.stderr)
        got = json.loads(out.stdout)["battery_voltage"]
        raw = direct_read(self.stack.sim.address, 0x18, 1)[0]
        signed = raw - 0x10000 if raw >= 0x8000 else raw
        self.assertAlmostEqual(got["value"], signed * V_PU / 32768, places=4)
        self.assertEqual(got["unit"], "V")
        self.assertEqual(got["raw"], [raw])
        self.assertTrue(6.0 < got["value"] < 20.0, "a 12 V battery: %s" % got["value"])

    def test_get_text_has_units(self):
        out = self.ctl("get", "battery_voltage", "charge_state", "serial")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertRegex(out.stdout, r"battery_voltage\s+\d+\.\d+ V")
        self.assertRegex(out.stdout, r"charge_state\s+[A-Z_]+")
        self.assertRegex(out.stdout, r"serial\s+\d{8}")

    def test_status_json(self):
        out = self.ctl("status", "--json")
        self.assertEqual(out.returncode, 0, out.stderr)
        status = json.loads(out.stdout)
        self.assertEqual(status["transport"], "tcp")
        self.assertEqual(status["device"], self.stack.sim.address)

    def test_device_exception_exits_1(self):
        out = self.ctl("read", "0x2000", "--count", "2")  # unmapped: the device answers exception 2
        self.assertEqual(out.returncode, 1)
        self.assertIn("MODBUS_EXCEPTION 2", out.stderr)

    def test_usage_errors_exit_2_with_a_helpful_message(self):
        cases = [
            (["read", "0x18", "--count", "126"], "125"),
            (["read", "battery_voltag"], "battery_voltage"),  # suggests the close name
            (["read", "0x1FFFF"], "0x1FFFF"),
            (["read", "0xFFFF", "--count", "2"], "0xFFFF"),
            (["write", "coil", "equalize", "maybe"], "maybe"),
            (["get"], "name"),
            (["frobnicate"], "frobnicate"),
        ]
        for args, hint in cases:
            with self.subTest(args=args):
                out = self.ctl(*args)
                self.assertEqual(out.returncode, 2, out.stdout + out.stderr)
                self.assertIn(hint.lower(), (out.stdout + out.stderr).lower())


class CtlWithoutGateway(unittest.TestCase):
    def test_no_gateway_exits_1_quickly(self):
        out = run([executable("tristar-ctl"), "--endpoint", "tcp://127.0.0.1:9", "--timeout", "300",
                   "read", "0x18"])
        self.assertEqual(out.returncode, 1)
        self.assertIn("no reply", out.stderr)


class GatewayConfig(unittest.TestCase):
    def check_config(self, text):
        stack_dir = __import__("tempfile").TemporaryDirectory()
        path = os.path.join(stack_dir.name, "gw.toml")
        with open(path, "w") as f:
            f.write(text)
        out = run([executable("tristar-gatewayd"), "--config", path, "--check-config"])
        stack_dir.cleanup()
        return out

    def test_good_config(self):
        out = self.check_config('[device]\nuri = "tcp://192.168.1.253:502"\n')
        self.assertEqual(out.returncode, 0, out.stderr)

    def test_bad_value_names_file_line_and_key(self):
        out = self.check_config('[device]\nuri = "tcp://10.0.0.2"\n\nresponse_timeout_ms = 5\n')
        self.assertEqual(out.returncode, 2)
        self.assertIn("gw.toml:4", out.stderr)
        self.assertIn("device.response_timeout_ms", out.stderr)

    def test_unknown_key(self):
        out = self.check_config('[device]\nuri = "tcp://10.0.0.2"\nrespons_timeout_ms = 500\n')
        self.assertEqual(out.returncode, 2)
        self.assertIn("gw.toml:3", out.stderr)
        self.assertIn("device.respons_timeout_ms", out.stderr)

    def test_bad_device_uri_on_command_line(self):
        out = run([executable("tristar-gatewayd"), "--device", "rtu:///dev/ttyUSB0?baud=1234", "--check-config"])
        self.assertEqual(out.returncode, 2)
        self.assertIn("baud", out.stderr)

    def test_no_device_at_all(self):
        out = run([executable("tristar-gatewayd"), "--check-config"])
        self.assertEqual(out.returncode, 2)
        self.assertIn("--device", out.stderr)


if __name__ == "__main__":
    unittest.main()
