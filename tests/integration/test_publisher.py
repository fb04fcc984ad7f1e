"""tristar-publisher end to end: simulator -> gateway -> publisher -> a private dbus-daemon, judged
with busctl and dbus-send (docs/venus.md; venus-dbus.md). Run with /usr/bin/python3."""
import json
import os
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../support"))
from scaling import amps, signed, volts, watts  # noqa: E402
from tristar_stack import TEST_CONFIG, Daemon, direct_read, executable, run, wait_until  # noqa: E402
from venus_stack import Bus, Monitor, Publisher, SettingsStandin, finish_stack, value_of  # noqa: E402

SERVICE = "com.victronenergy.solarcharger.tristar_01234567"
INSTANCE_SETTING = "/Settings/Devices/tristar_01234567/ClassAndVrmInstance"
POLL_MS = 500


class VenusStack:
    """Simulator (frozen), gateway on an ipc endpoint (so it can be restarted on the same one),
    private bus, optionally the settings stand-in, and the publisher."""

    def __init__(self, settings=False, presets=(), publisher_args=(), publisher_config=None, sim_args=()):
        self.tmp = tempfile.TemporaryDirectory(prefix="tristar-venus-")
        self.dir = self.tmp.name
        self.stats = self.path("sim-stats.json")
        self.sim = Daemon([executable("tristar-sim"), "--tcp", "127.0.0.1:0", "--frozen", "--start-hour", "12",
                           "--stats", self.stats, *sim_args], self.path("sim.log"))
        self.endpoint = "ipc://" + self.path("gateway.sock")
        self.gateway = None
        self.start_gateway()
        self.bus = Bus(self.dir)
        self.settings = SettingsStandin(self.dir, self.bus, presets) if settings else None
        self.publisher = Publisher(self.dir, self.bus, self.endpoint, SERVICE,
                                   ["--poll-ms", str(POLL_MS), *publisher_args], publisher_config)

    def path(self, name):
        return os.path.join(self.dir, name)

    def start_gateway(self):
        config = self.path("gatewayd.toml")
        with open(config, "w") as f:
            f.write(TEST_CONFIG)
        self.gateway = Daemon([executable("tristar-gatewayd"), "--config", config, "--device", self.sim.address,
                               "--endpoint", self.endpoint], self.path("gatewayd.log"))

    def sim_stat(self, key):
        with open(self.stats) as f:
            return json.load(f)[key]

    def items(self):
        return self.bus.get_items(SERVICE)

    def value(self, path):
        return value_of(self.items()[path])

    def close(self):
        codes = {"tristar-publisher": self.publisher.stop()}
        if self.settings:
            codes["venus-settings-standin"] = self.settings.stop()
        if self.gateway:
            codes["tristar-gatewayd"] = self.gateway.stop()
        finish_stack(self, codes)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def decoded(live):
    """The few paths this test checks against the simulator's raw registers (tristar-modbus.md)."""
    return {
        "/Dc/0/Voltage": volts(live, 0x18),
        "/Dc/0/Current": amps(live, 0x1C),
        "/Pv/V": volts(live, 0x1B),
        "/Yield/Power": watts(live, 0x3A),
        "/Tristar/Temperature/Heatsink": float(signed(live[0x23])),
    }


class ItemsTest(unittest.TestCase):
    def test_get_items_lists_every_path_with_values_equal_to_the_simulator(self):
        with VenusStack() as stack:
            self.assertTrue(wait_until(lambda: stack.value("/Connected") == 1, 10))
            items = stack.items()
            # Every path has Value and Text; the standard paths and the TriStar extras are there.
            self.assertGreater(len(items), 300)  # ~80 mapped + controls + 30 days of history
            for path, entry in items.items():
                self.assertTrue(path.startswith("/"), path)
                self.assertEqual(set(entry), {"Value", "Text"}, path)
                self.assertEqual(entry["Text"]["type"], "s", path)
            for path in ["/Mgmt/ProcessName", "/Mgmt/ProcessVersion", "/Mgmt/Connection", "/DeviceInstance",
                         "/ProductId", "/ProductName", "/FirmwareVersion", "/HardwareVersion", "/Serial",
                         "/Connected", "/CustomName", "/Dc/0/Voltage", "/Dc/0/Current", "/Dc/0/Temperature",
                         "/Pv/V", "/Pv/I", "/Yield/Power", "/Yield/User", "/Yield/System", "/State", "/Mode",
                         "/MppOperationMode", "/ErrorCode", "/NrOfTrackers", "/Alarms/HighTemperature",
                         "/History/Overall/DaysAvailable", "/History/Daily/0/Yield", "/History/Daily/29/Yield",
                         "/Settings/Tristar/ForceEqualize", "/SwitchableOutput/0/State",
                         "/Tristar/Pv/Sweep/Vmp", "/Tristar/Temperature/Heatsink", "/Tristar/Faults/Names",
                         "/Tristar/Control/ResetController"]:
                self.assertIn(path, items)
            self.assertFalse([p for p in items if p.startswith("/Solar")])

            # Values equal the decoded simulator registers (frozen: they do not move).
            live = direct_read(stack.sim.address, 0, 92)
            for path, expected in decoded(live).items():
                self.assertEqual(items[path]["Value"]["type"], "d", path)
                self.assertAlmostEqual(items[path]["Value"]["data"], expected, places=6, msg=path)
            self.assertEqual(value_of(items["/Serial"]), "01234567")
            self.assertEqual(value_of(items["/ProductName"]), "TriStar MPPT 60")
            self.assertEqual(value_of(items["/ProductId"]), 0xB7A1)
            self.assertEqual(value_of(items["/Mgmt/Connection"]),
                             stack.sim.address.replace("tcp://", "Modbus TCP ") + " via tristar-gatewayd")
            self.assertEqual(items["/Dc/0/Voltage"]["Text"]["data"], "%.2f V" % decoded(live)["/Dc/0/Voltage"])
            # The firmware in the 24-bit form DVCC accepts; an invalid value is an empty int32 array,
            # its text "---".
            self.assertEqual(items["/FirmwareVersion"]["Value"], {"type": "i", "data": direct_read(stack.sim.address, 0x04, 1)[0] << 16})
            self.assertEqual(items["/History/Daily/29/Yield"]["Text"]["data"], "---")
            self.assertEqual(items["/History/Daily/29/Yield"]["Value"], {"type": "ai", "data": []})
            self.assertGreaterEqual(value_of(items["/History/Overall/DaysAvailable"]), 1)

    def test_leaf_and_tree_node_get_value_and_introspection(self):
        with VenusStack() as stack:
            self.assertTrue(wait_until(lambda: stack.value("/Connected") == 1, 10))
            live = direct_read(stack.sim.address, 0, 92)
            expected = decoded(live)["/Dc/0/Voltage"]
            # A leaf, by dbus-send.
            sent = stack.bus.dbus_send(SERVICE, "/Dc/0/Voltage", "GetValue")
            self.assertEqual(sent.returncode, 0, sent.stderr)
            self.assertIn("variant", sent.stdout)
            self.assertAlmostEqual(float(sent.stdout.split("double")[1].split()[0]), expected, places=4)
            self.assertEqual(stack.bus.call(SERVICE, "/Dc/0/Voltage", "GetText")["data"][0], "%.2f V" % expected)
            # A tree node: keys relative to it, without a leading slash.
            node = stack.bus.get_value(SERVICE, "/Dc")
            self.assertEqual(node[0], "a{sv}")
            self.assertEqual(set(node[1]), {"0/Voltage", "0/Current", "0/Temperature"})
            self.assertAlmostEqual(node[1]["0/Voltage"]["data"], expected, places=6)
            root = stack.bus.get_value(SERVICE, "/")
            self.assertIn("Dc/0/Voltage", root[1])
            texts = stack.bus.call(SERVICE, "/Dc/0", "GetText")["data"][0]
            self.assertEqual(texts["data"]["Voltage"], "%.2f V" % expected)
            # Introspection lists the child nodes (the `dbus` CLI and dbus-spy walk the tree so).
            xml = stack.bus.call(SERVICE, "/", "Introspect", interface="org.freedesktop.DBus.Introspectable")
            for child in ["Dc", "Pv", "Yield", "History", "Tristar", "Mgmt", "SwitchableOutput"]:
                self.assertIn('<node name="%s"' % child, xml["data"][0])
            tree = stack.bus.busctl("tree", "--list", SERVICE).stdout
            self.assertIn("/History/Daily/0/Yield", tree)


class RegistrationTest(unittest.TestCase):
    def test_device_instance_is_in_get_items_when_the_name_appears(self):
        with VenusStack(publisher_args=["--device-instance", "5"]) as stack:
            # Publisher() returned as soon as the name was listed: the very first GetItems.
            items = stack.items()
            self.assertEqual(value_of(items["/DeviceInstance"]), 5)
            self.assertEqual(value_of(items["/Serial"]), "01234567")

    def test_instance_from_localsettings_next_free_and_reregistration_on_change(self):
        other = "/Settings/Devices/other_charger/ClassAndVrmInstance"
        with VenusStack(settings=True, presets=[(other, "solarcharger:0")]) as stack:
            # The default solarcharger:0 is taken by another charger: localsettings moves it to 1.
            self.assertEqual(stack.value("/DeviceInstance"), 1)
            self.assertEqual(stack.bus.get_value("com.victronenergy.settings", INSTANCE_SETTING),
                             ("s", "solarcharger:1"))
            monitor = Monitor(stack.bus, stack.dir, "org.freedesktop.DBus")
            try:
                stack.bus.set_value("com.victronenergy.settings", INSTANCE_SETTING, "s", "solarcharger:7")

                def owner_changes(messages):
                    return [m["payload"]["data"] for m in messages if m.get("member") == "NameOwnerChanged"
                            and m["payload"]["data"][0] == SERVICE]
                # Released (new owner "") and requested again (new owner the publisher).
                self.assertTrue(monitor.collect(lambda ms: len(owner_changes(ms)) >= 2, 10))
                changes = owner_changes(monitor.seen)
                self.assertEqual(changes[0][2], "")
                self.assertNotEqual(changes[1][2], "")
            finally:
                monitor.stop()
            # Back on the bus with the new instance already set when the name came back.
            self.assertEqual(stack.value("/DeviceInstance"), 7)
            self.assertIn(SERVICE, stack.bus.names())
            self.assertEqual(stack.publisher.log_text().count("registering again"), 1)

    def test_custom_name_is_persisted_in_localsettings(self):
        with VenusStack(settings=True) as stack:
            self.assertEqual(stack.bus.set_value(SERVICE, "/CustomName", "s", "Roof array"), 0)
            self.assertEqual(stack.value("/CustomName"), "Roof array")
            self.assertEqual(stack.bus.get_value("com.victronenergy.settings",
                                                 "/Settings/Devices/tristar_01234567/CustomName"),
                             ("s", "Roof array"))
            self.assertNotEqual(stack.bus.set_value(SERVICE, "/CustomName", "s", "x" * 33), 0)

    def test_without_localsettings_the_config_instance_and_a_file_for_the_name(self):
        with VenusStack(publisher_args=["--device-instance", "3"]) as stack:
            self.assertEqual(stack.value("/DeviceInstance"), 3)
            self.assertEqual(stack.bus.set_value(SERVICE, "/CustomName", "s", "Shed"), 0)
            with open(os.path.join(stack.dir, "data", "custom-name")) as f:
                self.assertEqual(f.read().strip(), "Shed")


class ControlsTest(unittest.TestCase):
    def coil(self, stack, address):
        return direct_read(stack.sim.address, address, 1, function=1)[0]

    def test_mode_switches_the_charger_through_coil_2_and_state_follows(self):
        with VenusStack() as stack:
            self.assertTrue(wait_until(lambda: stack.value("/Connected") == 1, 10))
            self.assertEqual(stack.value("/Mode"), 1)
            self.assertNotEqual(stack.value("/State"), 0)
            self.assertEqual(stack.bus.set_value(SERVICE, "/Mode", "i", 4), 0)
            self.assertTrue(self.coil(stack, 2))
            self.assertTrue(wait_until(lambda: stack.value("/State") == 0, 5))  # DISCONNECT -> Off
            self.assertEqual(stack.value("/Mode"), 4)
            self.assertEqual(stack.value("/SwitchableOutput/0/State"), 0)
            # The switch pane entry does the same.
            self.assertEqual(stack.bus.set_value(SERVICE, "/SwitchableOutput/0/State", "i", 1), 0)
            self.assertFalse(self.coil(stack, 2))
            self.assertTrue(wait_until(lambda: stack.value("/Mode") == 1 and stack.value("/State") != 0, 5))

    def test_force_equalize_sets_coil_0_once_and_reads_back_0(self):
        with VenusStack() as stack:
            self.assertTrue(wait_until(lambda: stack.value("/Connected") == 1, 10))
            writes = stack.sim_stat("writes")
            self.assertEqual(stack.bus.set_value(SERVICE, "/Settings/Tristar/ForceEqualize", "i", 1), 0)
            self.assertTrue(self.coil(stack, 0))
            self.assertEqual(stack.value("/Settings/Tristar/ForceEqualize"), 0)
            self.assertTrue(wait_until(lambda: stack.sim_stat("writes") == writes + 1, 5))
            time.sleep(2 * POLL_MS / 1000)  # nothing more is sent afterwards
            self.assertEqual(stack.sim_stat("writes"), writes + 1)
            self.assertTrue(wait_until(lambda: stack.value("/Tristar/Equalize/Requested") == 1, 15))

    def test_refused_set_values_return_non_zero_and_send_nothing(self):
        with VenusStack() as stack:
            self.assertTrue(wait_until(lambda: stack.value("/Connected") == 1, 10))
            writes = stack.sim_stat("writes")
            cases = [
                ("/Mode", "s", "abc", 1),                    # not coercible to an integer
                ("/Mode", "i", 7, 2),                        # out of range
                ("/Mode", "d", 4.5, 1),                      # not a whole number
                ("/Dc/0/Voltage", "d", 12.0, 1),             # read-only
                ("/Serial", "s", "x", 1),                    # read-only
                ("/Settings/Tristar/ForceEqualize", "i", 3, 2),
                ("/Tristar/Control/ResetController", "i", 1, 2),  # not in NIGHT or DISCONNECT
            ]
            for path, signature, value, code in cases:
                self.assertEqual(stack.bus.set_value(SERVICE, path, signature, value), code, path)
            # dbus-send too: a string that is no number is refused as uncoercible.
            sent = stack.bus.dbus_send(SERVICE, "/Mode", "SetValue", "variant:string:seven")
            self.assertIn("int32 1", sent.stdout)
            time.sleep(2 * POLL_MS / 1000)
            self.assertEqual(stack.sim_stat("writes"), writes)
            self.assertEqual(stack.value("/Mode"), 1)


class SignalsTest(unittest.TestCase):
    def test_a_change_in_the_simulator_yields_items_changed_with_the_new_value(self):
        with VenusStack() as stack:
            self.assertTrue(wait_until(lambda: stack.value("/Connected") == 1, 10))
            monitor = Monitor(stack.bus, stack.dir, SERVICE)
            try:
                # Another client switches the charger off at the device: /State and /Mode follow.
                ctl = run([executable("tristar-ctl"), "--endpoint", stack.endpoint, "write", "coil", "2", "1"])
                self.assertEqual(ctl.returncode, 0, ctl.stderr)

                def mode_changed(messages):
                    leaf = any(m.get("member") == "PropertiesChanged" and m.get("path") == "/Mode" for m in messages)
                    batch = any(m.get("member") == "ItemsChanged" and "/Mode" in m["payload"]["data"][0]
                                for m in messages)
                    return leaf and batch
                self.assertTrue(monitor.collect(mode_changed, 15))
            finally:
                monitor.stop()
            messages = monitor.seen
            changed = [m for m in messages if m.get("member") == "ItemsChanged"]
            self.assertTrue(changed, "no ItemsChanged seen")
            batch = {}
            for m in changed:
                batch.update(m["payload"]["data"][0])
            self.assertEqual(batch["/Mode"]["Value"]["data"], 4)
            self.assertEqual(batch["/State"]["Value"]["data"], 0)
            # Only changes travel: the serial never does after registration.
            self.assertNotIn("/Serial", batch)
            leaf = [m for m in messages if m.get("member") == "PropertiesChanged" and m.get("path") == "/Mode"]
            self.assertTrue(leaf, "no PropertiesChanged on /Mode")
            self.assertEqual(leaf[-1]["payload"]["data"][0]["Value"]["data"], 4)


# The gateway's read budget with its default config (Status.read_budget_ms): values stay this
# long plus a poll period after the last live read, so a read being retried never blanks them.
READ_BUDGET_S = 4.15
RELEASE_AFTER_S = 10  # [publisher] release_after_ms default


class LinkLossTest(unittest.TestCase):
    def test_gateway_stopped_values_invalid_then_the_name_leaves_and_comes_back(self):
        with VenusStack(settings=True) as stack:
            self.assertTrue(wait_until(lambda: stack.value("/Connected") == 1, 10))
            instance = stack.value("/DeviceInstance")
            stopped = time.monotonic()
            self.assertEqual(stack.gateway.stop(), 0)
            stack.gateway = None
            self.assertTrue(wait_until(lambda: stack.value("/Connected") == 0, 15))
            lost = time.monotonic()
            items = stack.items()
            for path in ["/Dc/0/Voltage", "/Dc/0/Current", "/Pv/V", "/Yield/Power", "/State", "/Mode"]:
                self.assertIsNone(value_of(items[path]), path)
            self.assertEqual(value_of(items["/Serial"]), "01234567")  # identity stays
            self.assertLessEqual(lost - stopped, READ_BUDGET_S + POLL_MS / 1000 + 1.0)
            # Off the bus after the grace time, as Victron's drivers do; polling goes on.
            self.assertTrue(wait_until(lambda: SERVICE not in stack.bus.names(), RELEASE_AFTER_S + 5))
            released = time.monotonic()
            self.assertGreaterEqual(released - lost, RELEASE_AFTER_S - 1.0)
            print("\ngateway stopped: /Connected 0 after %.2f s, the name left %.2f s later"
                  % (lost - stopped, released - lost))
            stack.start_gateway()
            self.assertTrue(wait_until(lambda: SERVICE in stack.bus.names(), 15))
            self.assertTrue(wait_until(lambda: stack.value("/Connected") == 1, 10))
            self.assertEqual(stack.value("/DeviceInstance"), instance)
            self.assertIsNotNone(stack.value("/Dc/0/Voltage"))
            self.assertIn("leaves D-Bus", stack.publisher.log_text())

    def test_device_gone_behind_a_running_gateway(self):
        with VenusStack() as stack:
            self.assertTrue(wait_until(lambda: stack.value("/Connected") == 1, 10))
            self.assertEqual(stack.sim.stop(), 0)
            self.assertTrue(wait_until(lambda: stack.value("/Connected") == 0, READ_BUDGET_S + POLL_MS / 1000 + 3))
            self.assertIsNone(stack.value("/Dc/0/Voltage"))
            stack.sim = Daemon([executable("tristar-sim"), "--tcp", stack.sim.address[len("tcp://"):], "--frozen",
                                "--stats", stack.stats], stack.path("sim2.log"))
            self.assertTrue(wait_until(lambda: stack.value("/Connected") == 1, 20))
            self.assertIn(SERVICE, stack.bus.names())  # back within the grace time: never left


class HistoryTest(unittest.TestCase):
    def test_kill_9_and_restart_keep_the_day_and_the_totals_monotonic(self):
        config = "[publisher]\nhistory_save_ms = 1000\n"
        with VenusStack(publisher_config=config) as stack:
            self.assertTrue(wait_until(lambda: (stack.value("/Yield/System") or 0) > 0, 10))
            time.sleep(1.5)  # at least one save
            before = stack.items()
            stack.publisher.kill()
            stack.publisher = Publisher(stack.dir, stack.bus, stack.endpoint, SERVICE,
                                        ["--poll-ms", str(POLL_MS)], config)
            self.assertTrue(wait_until(lambda: stack.value("/Connected") == 1, 10))
            after = stack.items()
            for path in ["/Yield/System", "/Yield/User", "/History/Daily/0/Yield"]:
                self.assertGreaterEqual(value_of(after[path]), value_of(before[path]), path)
            self.assertEqual(value_of(after["/History/Daily/0/Nr"]), value_of(before["/History/Daily/0/Nr"]))
            self.assertEqual(value_of(after["/History/Overall/DaysAvailable"]),
                             value_of(before["/History/Overall/DaysAvailable"]))


if __name__ == "__main__":
    unittest.main(verbosity=2)
