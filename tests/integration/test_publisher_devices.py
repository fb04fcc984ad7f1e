"""tristar-publisher with several devices behind one gateway (docs/venus.md, "Several chargers"):
two simulators on TCP with different serials and battery voltages, a gateway serving both as
[[devices]] east and west, one publisher on a private dbus-daemon with the localsettings
stand-in. Each device is a service of its own with its own instance, values and controls,
judged with busctl and a direct read of each simulator. Also: a gateway that comes up after the
publisher, [publisher] devices choosing one, and one [[devices]] entry staying the publisher of
one device. Run with /usr/bin/python3."""
import json
import os
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../support"))
from scaling import volts  # noqa: E402
from tristar_stack import TEST_CONFIG, Daemon, direct_read, executable, wait_until  # noqa: E402
from venus_stack import Bus, Publisher, SettingsStandin, check_exit_codes, systemcalc_standin, value_of  # noqa: E402

PREFIX = "com.victronenergy.solarcharger.tristar_"
DEVICES = {"east": ("EAST0001", "12"), "west": ("WEST0002", "24")}  # name: (serial, battery volts)
SERVICES = {name: PREFIX + serial for name, (serial, _) in DEVICES.items()}
POLL_MS = 500


def gateway_config(names):
    return TEST_CONFIG + "".join('[[devices]]\nname = "%s"\nuri = "%s"\n' % (name, uri) for name, uri in names)


class Chargers:
    """A simulator per device, a gateway on an ipc endpoint (started later when asked), a private
    bus with the settings stand-in, and one publisher."""

    def __init__(self, devices=DEVICES, publisher_args=(), publisher_config=None, start_gateway=True,
                 wait_for=(), presets=()):
        self.tmp = tempfile.TemporaryDirectory(prefix="tristar-chargers-")
        self.dir = self.tmp.name
        self.sims = {}
        for name, (serial, battery) in devices.items():
            self.sims[name] = Daemon([executable("tristar-sim"), "--tcp", "127.0.0.1:0", "--frozen", "--start-hour",
                                      "12", "--serial", serial, "--battery-volts", battery, "--stats",
                                      self.path("sim-%s.json" % name)], self.path("sim-%s.log" % name))
        self.endpoint = "ipc://" + self.path("gateway.sock")
        self.gateway = None
        if start_gateway:
            self.start_gateway()
        self.bus = Bus(self.dir)
        self.settings = SettingsStandin(self.dir, self.bus, presets)
        self.publisher = None
        if not start_gateway:
            return  # the test starts the publisher
        wait_for = wait_for or [SERVICES[name] for name in devices]
        self.publisher = Publisher(self.dir, self.bus, self.endpoint, wait_for[0],
                                   ["--poll-ms", str(POLL_MS), *publisher_args], publisher_config)
        for service in wait_for[1:]:
            if not wait_until(lambda: service in self.bus.names(), 15):
                raise RuntimeError("%s not on the bus; log:\n%s" % (service, self.log()[-3000:]))

    def path(self, name):
        return os.path.join(self.dir, name)

    def start_gateway(self):
        config = self.path("gatewayd.toml")
        with open(config, "w") as f:
            f.write(gateway_config((name, sim.address) for name, sim in self.sims.items()))
        self.gateway = Daemon([executable("tristar-gatewayd"), "--config", config, "--endpoint", self.endpoint],
                              self.path("gatewayd.log"))

    def items(self, name):
        return self.bus.get_items(SERVICES[name])

    def value(self, name, path):
        return value_of(self.items(name)[path])

    def slave(self, name):
        with open(self.path("sim-%s.json" % name)) as f:
            return json.load(f)["slave"]

    def writes(self, name):
        with open(self.path("sim-%s.json" % name)) as f:
            return json.load(f)["writes"]

    def coil(self, name, address):
        return direct_read(self.sims[name].address, address, 1, function=1)[0]

    def log(self):
        return self.publisher.log_text()

    def close(self):
        codes = {}
        if self.publisher:
            codes["tristar-publisher"] = self.publisher.stop()
        codes["venus-settings-standin"] = self.settings.stop()
        if self.gateway:
            codes["tristar-gatewayd"] = self.gateway.stop()
        for name, sim in self.sims.items():
            codes["tristar-sim " + name] = sim.stop()
        self.bus.stop()
        log = self.log() if self.publisher else ""
        self.tmp.cleanup()
        check_exit_codes(codes, log)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class TwoDevicesTest(unittest.TestCase):
    def test_a_service_per_device_with_its_own_instance_values_and_controls(self):
        # Another charger has solarcharger:1, west's default: localsettings moves west on.
        other = ("/Settings/Devices/other_charger/ClassAndVrmInstance", "solarcharger:1")
        with Chargers(presets=[other]) as stack:
            for name in DEVICES:
                self.assertTrue(wait_until(lambda: stack.value(name, "/Connected") == 1, 10), name)
            # Distinct instances, each the one localsettings holds under the device's serial.
            instances = {}
            for name, (serial, _) in DEVICES.items():
                setting = "/Settings/Devices/tristar_%s/ClassAndVrmInstance" % serial
                instances[name] = stack.value(name, "/DeviceInstance")
                self.assertEqual(stack.bus.get_value("com.victronenergy.settings", setting),
                                 ("s", "solarcharger:%d" % instances[name]))
            self.assertEqual(instances, {"east": 0, "west": 2})

            # Each service shows its own device: serial, connection, values as read direct.
            voltages = {}
            for name, (serial, _) in DEVICES.items():
                items = stack.items(name)
                self.assertEqual(value_of(items["/Serial"]), serial)
                self.assertEqual(value_of(items["/Mgmt/Connection"]),
                                 stack.sims[name].address.replace("tcp://", "Modbus TCP ") + " via tristar-gatewayd")
                voltages[name] = volts(direct_read(stack.sims[name].address, 0, 92), 0x18)
                self.assertAlmostEqual(value_of(items["/Dc/0/Voltage"]), voltages[name], places=6)
            self.assertGreater(abs(voltages["west"] - voltages["east"]), 5.0)  # a 24 V and a 12 V bank

            # A control write on west reaches west only.
            east_writes = stack.writes("east")
            self.assertEqual(stack.bus.set_value(SERVICES["west"], "/Mode", "i", 4), 0)
            self.assertTrue(stack.coil("west", 2))
            self.assertFalse(stack.coil("east", 2))
            self.assertTrue(wait_until(lambda: stack.value("west", "/Mode") == 4, 5))
            time.sleep(2 * POLL_MS / 1000)
            self.assertEqual(stack.value("east", "/Mode"), 1)
            self.assertEqual(stack.writes("east"), east_writes)
            self.assertEqual(stack.bus.set_value(SERVICES["west"], "/Mode", "i", 1), 0)
            self.assertFalse(stack.coil("west", 2))
            # And equalize on east reaches east only.
            west_writes = stack.writes("west")
            self.assertEqual(stack.bus.set_value(SERVICES["east"], "/Settings/Tristar/ForceEqualize", "i", 1), 0)
            self.assertTrue(stack.coil("east", 0))
            self.assertFalse(stack.coil("west", 0))
            self.assertEqual(stack.writes("west"), west_writes)

            # Each one's log lines name it.
            log = stack.log()
            self.assertIn("[publisher] publishing 2 devices: east, west", log)
            for name in DEVICES:
                self.assertIn("[%s] [bus] on D-Bus as %s" % (name, SERVICES[name]), log)

            # SIGTERM stops both and saves each one's history in its own file.
            self.assertEqual(stack.publisher.stop(), 0)
            for name in DEVICES:
                self.assertTrue(os.path.exists(stack.path("data/history-%s" % name)), name)
            self.assertFalse(os.path.exists(stack.path("data/history")))
            self.assertTrue(wait_until(lambda: not set(SERVICES.values()) & stack.bus.names(), 5))


class StartTest(unittest.TestCase):
    def test_a_gateway_that_comes_up_later_and_a_stop_before_it_does(self):
        with Chargers(start_gateway=False) as stack:
            publisher = Publisher(stack.dir, stack.bus, stack.endpoint, None, ["--poll-ms", str(POLL_MS)])
            stack.publisher = publisher
            time.sleep(6.5)  # longer than the 5 s the publisher waits before it asks again
            self.assertIsNone(publisher.proc.poll())
            self.assertFalse([n for n in stack.bus.names() if n.startswith(PREFIX)])
            self.assertEqual(stack.log().count("does not answer"), 1)  # logged once
            stack.start_gateway()
            for service in SERVICES.values():
                self.assertTrue(wait_until(lambda: service in stack.bus.names(), 15), service)
            self.assertIn("the gateway at %s answers" % stack.endpoint, stack.log())

        # Without a gateway at all, SIGTERM ends it at once, exit code 0.
        with tempfile.TemporaryDirectory(prefix="tristar-chargers-") as directory:
            bus = Bus(directory)
            try:
                publisher = Publisher(directory, bus, "ipc://" + os.path.join(directory, "none.sock"), None)
                time.sleep(1)
                started = time.monotonic()
                self.assertEqual(publisher.stop(), 0)
                self.assertLess(time.monotonic() - started, 2.0)
            finally:
                bus.stop()

    def test_devices_chooses_which_to_publish(self):
        with Chargers(publisher_args=["--device", "west"], wait_for=[SERVICES["west"]]) as stack:
            self.assertTrue(wait_until(lambda: stack.value("west", "/Connected") == 1, 10))
            self.assertEqual(stack.value("west", "/Serial"), "WEST0002")
            time.sleep(1)
            self.assertNotIn(SERVICES["east"], stack.bus.names())
            self.assertEqual(stack.publisher.stop(), 0)
            self.assertTrue(os.path.exists(stack.path("data/history-west")))
            self.assertNotIn("[west]", stack.log())  # one device: its lines need no name

    def test_a_named_device_the_gateway_does_not_serve_is_one_error_line(self):
        with Chargers(publisher_args=["--device", "west", "--device", "north"],
                      wait_for=[SERVICES["west"]]) as stack:
            self.assertTrue(wait_until(lambda: stack.value("west", "/Connected") == 1, 10))
            time.sleep(1.5)
            names = [n for n in stack.bus.names() if n.startswith(PREFIX)]
            self.assertEqual(names, [SERVICES["west"]])
            self.assertEqual(stack.publisher.stop(), 0)
            log = stack.log()
            lines = [line for line in log.splitlines() if "north" in line]
            self.assertEqual(len(lines), 2, log)  # the list of devices, then the one error
            self.assertIn("publishing 2 devices: west, north", lines[0])
            self.assertIn('device "north" of [publisher] devices is not served by the gateway, which serves '
                          "east, west", lines[1])
            self.assertNotIn("[reads]", log)

    def test_dvcc_limits_reach_each_services_own_tristar(self):
        """[dvcc] on: the limits the systemcalc stand-in writes to each service put that service's
        own TriStar into slave mode with them (0x58 at 2 A on both simulators)."""
        amps_raw = round(2 * 32768 / 80)
        with Chargers(publisher_config="[dvcc]\nenabled = true\n") as stack:
            standin = systemcalc_standin(stack.dir, stack.bus, "--voltage", "27.6", "--current", "2")
            try:
                for name in DEVICES:
                    arrived = wait_until(lambda: stack.slave(name)["active"] and
                                         stack.slave(name)["ib_ref_raw"] == amps_raw, 15)
                    self.assertTrue(arrived, "%s: %s\n%s" % (name, stack.slave(name), stack.log()[-3000:]))
                    self.assertEqual(stack.value(name, "/Link/ChargeCurrent"), 2)
            finally:
                standin.stop()
            self.assertEqual(stack.publisher.stop(), 0)
            for name in DEVICES:  # each leaves slave mode at stop (the stats are rewritten every second)
                self.assertTrue(wait_until(lambda: not stack.slave(name)["active"], 3), name)

    def test_one_device_entry_is_published_as_before(self):
        solo = {"solo": ("01234567", "12")}
        with Chargers(devices=solo, wait_for=[PREFIX + "01234567"]) as stack:
            self.assertTrue(wait_until(lambda: value_of(stack.bus.get_items(PREFIX + "01234567")["/Connected"]) == 1,
                                       10))
            self.assertEqual(stack.publisher.stop(), 0)
            self.assertTrue(os.path.exists(stack.path("data/history")))
            self.assertFalse([f for f in os.listdir(stack.path("data")) if "solo" in f])
            self.assertNotIn("[solo]", stack.log())
            self.assertNotIn("publishing", stack.log())


if __name__ == "__main__":
    unittest.main(verbosity=2)
