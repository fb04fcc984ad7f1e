"""Method calls without an interface field, as velib's VeDbusItemImport and dbus-mqtt before Venus
3.20 make them (dbus-python: bus.get_object(service, path).GetValue()), get the very answers of the
same calls with com.victronenergy.BusItem: simulator -> gateway -> publisher on a private
dbus-daemon, judged with python3-dbus (velib's own D-Bus binding). Run with /usr/bin/python3."""
import os
import sys
import tempfile
import unittest

import dbus
import dbus.bus
import dbus.lowlevel

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../support"))
from tristar_stack import TEST_CONFIG, Daemon, command, wait_until  # noqa: E402
from venus_stack import BUS_ITEM, Bus, Publisher  # noqa: E402

SERVICE = "com.victronenergy.solarcharger.tristar_01234567"
UNKNOWN_METHOD = "org.freedesktop.DBus.Error.UnknownMethod"
UNKNOWN_OBJECT = "org.freedesktop.DBus.Error.UnknownObject"
INVALID_ARGS = "org.freedesktop.DBus.Error.InvalidArgs"


class Stack:
    """Simulator (frozen), gateway, private bus and publisher (no localsettings) in a temp dir."""

    def __init__(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="tristar-nointerface-")
        self.daemons = []  # (name, what stops it and returns its exit code, whether that must be 0)
        self.bus = None
        try:
            self.sim = self.start("tristar-sim", "--tcp", "127.0.0.1:0", "--frozen", "--start-hour", "12")
            config = self.path("gatewayd.toml")
            with open(config, "w") as f:
                f.write(TEST_CONFIG)
            endpoint = "ipc://" + self.path("gateway.sock")
            self.start("tristar-gatewayd", "--config", config, "--device", self.sim.address, "--endpoint", endpoint)
            self.bus = Bus(self.tmp.name)
            self.daemons.append(("dbus-daemon", self.bus.stop, False))
            self.publisher = Publisher(self.tmp.name, self.bus, endpoint, SERVICE, ["--poll-ms", "500"])
            self.daemons.append(("tristar-publisher", self.publisher.stop, True))
        except BaseException:
            self.close()
            raise

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def start(self, name, *args):
        daemon = Daemon([*command(name), *args], self.path(name + ".log"))
        self.daemons.append((name, daemon.stop, True))
        return daemon

    def close(self):
        """Stops everything, newest first; returns {name: exit code} of those that did not exit 0."""
        failed = {}
        for name, stop, checked in reversed(self.daemons):
            code = stop()
            if checked and code != 0:
                failed[name] = code
        self.daemons = []
        self.tmp.cleanup()
        return failed


class NoInterfaceTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = Stack()
        cls.conn = dbus.bus.BusConnection(cls.stack.bus.address)

    @classmethod
    def tearDownClass(cls):
        cls.conn.close()
        log = cls.stack.publisher.log_text()
        failed = cls.stack.close()
        if failed:
            raise AssertionError("exit codes %s; publisher log ends with:\n%s" % (failed, log[-3000:]))

    def proxy(self, path):
        # As VeDbusItemImport does: no introspection, so nothing tells dbus-python an interface.
        return self.conn.get_object(SERVICE, path, introspect=False)

    def without(self, path, member, *args):
        return getattr(self.proxy(path), member)(*args)

    def with_interface(self, path, member, *args):
        return getattr(self.proxy(path), member)(*args, dbus_interface=BUS_ITEM)

    def error(self, call):
        """(name, message) of the error `call` gets."""
        with self.assertRaises(dbus.exceptions.DBusException) as caught:
            call()
        return caught.exception.get_dbus_name(), caught.exception.get_dbus_message()

    def assertSameAnswer(self, path, member, *args):
        """Both ways answer alike; returns the answer. The simulator is frozen, yet a poll may
        land between the two calls: a difference counts only if it stays."""
        for _ in range(3):
            without = self.without(path, member, *args)
            if without == self.with_interface(path, member, *args):
                return without
        self.assertEqual(without, self.with_interface(path, member, *args), "%s %s" % (path, member))

    def setUp(self):
        self.assertTrue(wait_until(lambda: self.with_interface("/Connected", "GetValue") == 1, 15))

    def test_the_call_carries_no_interface_and_is_answered(self):
        message = dbus.lowlevel.MethodCallMessage(SERVICE, "/Serial", None, "GetValue")
        self.assertIsNone(message.get_interface())
        reply = self.conn.send_message_with_reply_and_block(message, 5.0)
        self.assertEqual(reply.get_signature(), "v")
        self.assertEqual(reply.get_args_list(), ["01234567"])
        # velib's older VeDbusItemImport lets dbus-python introspect first: the same answer.
        self.assertEqual(self.conn.get_object(SERVICE, "/Serial").GetValue(), "01234567")

    def test_get_value_on_leaves_tree_nodes_and_root(self):
        self.assertEqual(self.assertSameAnswer("/Serial", "GetValue"), "01234567")
        self.assertEqual(self.assertSameAnswer("/ProductId", "GetValue"), 0xB7A1)
        voltage = self.assertSameAnswer("/Dc/0/Voltage", "GetValue")
        self.assertIsInstance(voltage, dbus.Double)
        self.assertGreater(voltage, 0)
        # Invalid: an empty int32 array either way.
        invalid = self.assertSameAnswer("/History/Daily/29/Yield", "GetValue")
        self.assertEqual((list(invalid), invalid.signature), ([], "i"))
        dc0 = self.assertSameAnswer("/Dc/0", "GetValue")
        self.assertEqual(dc0["Voltage"], voltage)
        self.assertEqual(self.assertSameAnswer("/Dc", "GetValue")["0/Voltage"], voltage)
        root = self.assertSameAnswer("/", "GetValue")
        self.assertGreater(len(root), 300)
        self.assertEqual(root["Serial"], "01234567")
        self.assertEqual(root["Dc/0/Voltage"], voltage)

    def test_get_text_on_leaves_and_tree_nodes(self):
        text = self.assertSameAnswer("/Dc/0/Voltage", "GetText")
        self.assertTrue(text.endswith(" V"), text)
        self.assertEqual(self.assertSameAnswer("/History/Daily/29/Yield", "GetText"), "---")
        self.assertEqual(self.assertSameAnswer("/Dc/0", "GetText")["Voltage"], text)
        self.assertEqual(self.assertSameAnswer("/", "GetText")["Dc/0/Voltage"], text)

    def test_get_items_on_root(self):
        items = self.assertSameAnswer("/", "GetItems")
        self.assertGreater(len(items), 300)
        self.assertEqual(items["/Serial"], {"Value": "01234567", "Text": "01234567"})
        self.assertEqual(set(items["/Dc/0/Voltage"]), {"Value", "Text"})

    def test_set_value_on_a_writable_path_and_read_only_ones(self):
        # As velib's wrap_dbus_value sends them: values in a variant.
        name = dbus.String("Roof array", variant_level=1)
        self.assertEqual(self.without("/CustomName", "SetValue", name), 0)
        self.assertEqual(self.with_interface("/CustomName", "GetValue"), "Roof array")
        self.assertEqual(self.without("/CustomName", "GetValue"), "Roof array")
        self.assertEqual(self.with_interface("/CustomName", "SetValue", dbus.String("Shed", variant_level=1)), 0)
        self.assertEqual(self.without("/CustomName", "GetValue"), "Shed")
        for path, value in [("/Serial", dbus.String("x", variant_level=1)),
                            ("/Dc/0/Voltage", dbus.Double(12.0, variant_level=1)),
                            ("/Mode", dbus.String("abc", variant_level=1))]:  # not coercible
            self.assertEqual(self.without(path, "SetValue", value), 1, path)
            self.assertEqual(self.with_interface(path, "SetValue", value), 1, path)
        self.assertEqual(self.with_interface("/Serial", "GetValue"), "01234567")
        self.assertEqual(self.with_interface("/Mode", "GetValue"), 1)

    def test_unknown_methods_and_paths_get_the_errors_they_get_with_the_interface(self):
        for path, member in [("/Serial", "GetMin"), ("/Dc", "GetItems"), ("/Dc/0", "SetValue"),
                             ("/", "x" * 255)]:
            self.assertEqual(self.error(lambda: self.without(path, member))[0], UNKNOWN_METHOD, path)
            self.assertEqual(self.error(lambda: self.with_interface(path, member))[0], UNKNOWN_METHOD, path)
        for path in ["/Nope", "/Dc/0/Voltage/Below", "/Dc/0/Volt"]:
            self.assertEqual(self.error(lambda: self.without(path, "GetValue"))[0], UNKNOWN_OBJECT, path)
            self.assertEqual(self.error(lambda: self.with_interface(path, "GetValue"))[0], UNKNOWN_OBJECT, path)

    def test_wrong_arguments_get_the_invalid_args_error_of_the_interface(self):
        for path, member, args in [("/Serial", "GetValue", [dbus.String("x")]),
                                   ("/", "GetItems", [dbus.Int32(1), dbus.Int32(2)]),
                                   ("/CustomName", "SetValue", [dbus.String("not in a variant")]),
                                   ("/CustomName", "SetValue", [])]:
            without = self.error(lambda: self.without(path, member, *args))
            self.assertEqual(without, self.error(lambda: self.with_interface(path, member, *args)), path)
            self.assertEqual(without[0], INVALID_ARGS)
        self.assertEqual(self.with_interface("/CustomName", "GetValue"), self.without("/CustomName", "GetValue"))

    def test_a_call_without_interface_that_wants_no_reply_is_carried_out(self):
        message = dbus.lowlevel.MethodCallMessage(SERVICE, "/CustomName", None, "SetValue")
        message.append(dbus.String("Quiet", variant_level=1), signature="v")
        message.set_no_reply(True)
        self.conn.send_message(message)
        self.assertTrue(wait_until(lambda: self.with_interface("/CustomName", "GetValue") == "Quiet", 5))


if __name__ == "__main__":
    unittest.main()
