"""DVCC end to end (docs/venus.md "DVCC"): a simulator of a 24 V bank in daylight, the gateway
with its default config, the publisher with [dvcc] on, a private dbus-daemon and a stand-in for
Victron's systemcalc writing a BMS's 27.6 V / 2 A. Judged on the simulator's own figures (its
--stats: 0x58/0x59, slave mode, the gaps between writes, the charge current, coil 2) and on
GetItems. Three stacks run side by side: the 3-minute refresh check dominates the time.
Run with /usr/bin/python3."""
import json
import os
import sys
import tempfile
import time
import unittest
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../support"))
from scaling import v_pu  # noqa: E402
from tristar_stack import TEST_CONFIG, Daemon, command, direct_read, tail, wait_until  # noqa: E402
from venus_stack import Bus, Publisher, finish_stack, systemcalc_standin, value_of  # noqa: E402

SERVICE = "com.victronenergy.solarcharger.tristar_01234567"
BMS_VOLTS = 27.6
BMS_AMPS = 2
EXIT = 0xFFF0
SOAK_S = 180  # the refresh check: 3 minutes of DVCC writes
FIGURES = {}  # measured, printed at the end


def amps_raw(amps):
    return round(amps * 32768 / 80)


class DvccStack:
    """Simulator (24 V, 11:00, real-time day), gateway, private bus, publisher; the stand-in
    on demand. `before_publisher(stack)` runs once the simulator and gateway are up."""

    def __init__(self, dvcc=True, before_publisher=None):
        self.tmp = tempfile.TemporaryDirectory(prefix="tristar-dvcc-")
        self.dir = self.tmp.name
        self.stats_path = self.path("sim-stats.json")
        self.standin = None
        self.sim = Daemon([*command("tristar-sim"), "--tcp", "127.0.0.1:0", "--battery-volts", "24",
                           "--start-hour", "11", "--day-seconds", "86400", "--stats", self.stats_path],
                          self.path("sim.log"))
        with open(self.path("gatewayd.toml"), "w") as f:
            f.write(TEST_CONFIG)
        self.gateway = Daemon([*command("tristar-gatewayd"), "--config", self.path("gatewayd.toml"), "--device",
                               self.sim.address, "--endpoint", "tcp://127.0.0.1:0"], self.path("gatewayd.log"))
        self.bus = Bus(self.dir)
        if before_publisher:
            before_publisher(self)
        config = "[dvcc]\nenabled = true\n" if dvcc else None
        self.publisher = Publisher(self.dir, self.bus, self.gateway.address, SERVICE, [], config)

    def path(self, name):
        return os.path.join(self.dir, name)

    def start_standin(self, bms=False, limits=True):
        args = ["--voltage", str(BMS_VOLTS), "--current", str(BMS_AMPS), "--battery-current", "1.5"] + \
            (["--bms"] if bms else []) + ([] if limits else ["--no-limits"])
        self.standin = systemcalc_standin(self.dir, self.bus, *args)
        return time.monotonic()

    def kill_standin(self):
        """SIGKILL by pid: systemcalc gone without a word."""
        self.standin.proc.kill()
        self.standin.proc.wait(5)
        self.standin.stop()
        self.standin = None
        return time.monotonic()

    def stats(self):
        with open(self.stats_path) as f:
            return json.load(f)

    def slave(self):
        return self.stats()["slave"]

    def items(self):
        return self.bus.get_items(SERVICE)

    def value(self, path):
        return value_of(self.items()[path])

    def standin_cycles(self):
        with open(self.path("standin.log")) as f:
            return sum(1 for line in f if line.startswith(SERVICE))

    def close(self):
        codes = {"tristar-publisher": self.publisher.stop()}
        if self.standin:
            self.standin.stop()
        codes["tristar-gatewayd"] = self.gateway.stop()
        finish_stack(self, codes)

    def failure_context(self):
        return "\npublisher log:\n%s\nstand-in log:\n%s" % (
            tail(self.publisher.log_path, 3000),
            tail(self.path("standin.log"), 800) if os.path.exists(self.path("standin.log")) else "none")


def expected_voltage_raw(stack):
    """27.6 V in 0x59's scale, or the TriStar's own lower target (read before slave mode)."""
    live = direct_read(stack.sim.address, 0, 0x34)
    scale = v_pu(live)
    own = live[0x33]
    return min(round(BMS_VOLTS * 32768 / scale), own), own * scale / 32768


def limits_arrive(check, stack):
    """The stand-in's limits reach 0x58/0x59 within 10 s of its start; the service shows them."""
    want_v, own_v = expected_voltage_raw(stack)
    check.assertGreater(own_v, 20.0, "the TriStar's own target of a charging 24 V bank")
    start = stack.start_standin(bms=False) if stack.standin is None else time.monotonic()
    arrived = wait_until(lambda: stack.slave()["active"] and stack.slave()["ib_ref_raw"] == amps_raw(BMS_AMPS)
                         and stack.slave()["vb_ref_raw"] == want_v, 10)
    check.assertTrue(arrived, "0x58/0x59 not at the limits: %s%s" % (stack.slave(), stack.failure_context()))
    return time.monotonic() - start


def scenario_limits_refresh_and_loss(check):
    stack = DvccStack()
    try:
        check.assertTrue(wait_until(lambda: stack.value("/Connected") == 1, 15))
        items = stack.items()
        check.assertEqual(value_of(items["/Settings/ChargeCurrentLimit"]), 60.0)
        check.assertEqual(value_of(items["/Link/NetworkStatus"]), 4)  # standalone until DVCC writes
        check.assertNotIn("/N2kDeviceInstance", items)
        FIGURES["limits arrived after (s)"] = round(limits_arrive(check, stack), 2)
        check.assertTrue(wait_until(lambda: stack.value("/State") == 252 and stack.value("/Link/NetworkStatus") == 0, 5))
        check.assertEqual(stack.value("/Link/ChargeCurrent"), 2.0)
        check.assertAlmostEqual(stack.value("/Link/ChargeVoltage"), BMS_VOLTS)
        # 3 minutes of DVCC writes: slave mode kept, refreshed well within 60 s, the current limited.
        refreshes = stack.slave()["refreshes"]
        highest = 0.0
        until = time.monotonic() + SOAK_S
        while time.monotonic() < until:
            slave = stack.slave()
            check.assertTrue(slave["active"], "left slave mode: %s" % slave)
            highest = max(highest, slave["charge_current_a"])
            time.sleep(1)
        slave = stack.slave()
        FIGURES["longest gap between slave writes (s)"] = slave["longest_gap_s"]
        FIGURES["highest charge current in slave mode (A)"] = round(highest, 3)
        check.assertLess(slave["longest_gap_s"], 30.0)
        check.assertGreaterEqual(slave["refreshes"] - refreshes, 2 * (SOAK_S // 15) - 2)
        check.assertLessEqual(highest, BMS_AMPS + 0.05)
        check.assertGreater(highest, 1.0, "charging at all")
        check.assertEqual(slave["exits"], 0)
        # systemcalc gone: slave mode left within 70 s, the TriStar on its own settings.
        killed = stack.kill_standin()
        check.assertTrue(wait_until(lambda: not stack.slave()["active"], 70),
                         "still in slave mode: %s%s" % (stack.slave(), stack.failure_context()))
        FIGURES["slave mode left after the stand-in died (s)"] = round(time.monotonic() - killed, 1)
        # One negative word leaves slave mode; the second follows within a transaction or two.
        check.assertTrue(wait_until(lambda: (stack.slave()["ib_ref_raw"], stack.slave()["vb_ref_raw"]) == (EXIT, EXIT), 3),
                         "not both registers at 0xFFF0: %s" % stack.slave())
        check.assertFalse(stack.slave()["charge_disconnect"])
        check.assertTrue(wait_until(lambda: stack.value("/Link/NetworkStatus") == 4, 5))
        check.assertNotEqual(stack.value("/ErrorCode"), 67)
        check.assertTrue(wait_until(lambda: stack.slave()["charge_current_a"] > BMS_AMPS + 1, 10),
                         "not charging on its own settings: %s" % stack.slave())
    finally:
        stack.close()


def scenario_bms_loss_stops_and_resumes(check):
    stack = DvccStack()
    try:
        check.assertTrue(wait_until(lambda: stack.value("/Connected") == 1, 15))
        stack.start_standin(bms=True)
        limits_arrive(check, stack)
        check.assertTrue(wait_until(lambda: stack.value("/Settings/BmsPresent") == 1, 5))
        # The BMS goes; systemcalc stays and keeps sharing a battery monitor's current, as it does.
        stack.kill_standin()
        killed = stack.start_standin(bms=True, limits=False)
        stopped = wait_until(lambda: stack.slave()["charge_disconnect"] and stack.value("/ErrorCode") == 67, 70)
        check.assertTrue(stopped, "no stop with error 67: %s%s" % (stack.slave(), stack.failure_context()))
        FIGURES["BMS loss: stopped with #67 after (s)"] = round(time.monotonic() - killed, 1)
        # Stopped first, then slave mode left: the two exit writes follow the coil's.
        check.assertTrue(wait_until(lambda: not stack.slave()["active"], 3), "still in slave mode: %s" % stack.slave())
        check.assertTrue(wait_until(lambda: stack.slave()["charge_current_a"] == 0.0, 5))
        check.assertTrue(wait_until(lambda: stack.value("/State") == 2, 5))  # fault, not Off
        check.assertEqual(stack.value("/Mode"), 1)  # the user did not switch it off
        # The BMS is back: limited again and released; the device's own error.
        stack.kill_standin()
        back = stack.start_standin(bms=True)
        resumed = wait_until(lambda: not stack.slave()["charge_disconnect"] and stack.slave()["active"]
                             and stack.slave()["ib_ref_raw"] == amps_raw(BMS_AMPS), 15)
        check.assertTrue(resumed, "not resumed: %s%s" % (stack.slave(), stack.failure_context()))
        FIGURES["BMS back: charging, limited, after (s)"] = round(time.monotonic() - back, 1)
        check.assertTrue(wait_until(lambda: stack.value("/ErrorCode") == 0, 5))
        # A clean stop of the publisher leaves slave mode before it exits.
        stack.publisher.stop()
        check.assertTrue(wait_until(lambda: not stack.slave()["active"], 3),
                         "SIGTERM left slave mode on: %s" % stack.slave())
    finally:
        stack.close()


def scenario_disabled(check):
    """DVCC off: a unit found in SLAVE is taken out once; then no /Link/* path and no slave write."""
    def into_slave(stack):
        from pymodbus.client import ModbusTcpClient
        host, port = stack.sim.address[len("tcp://"):].rsplit(":", 1)
        client = ModbusTcpClient(host, port=int(port), timeout=3)
        try:
            client.connect()
            check.assertFalse(client.write_register(0x58, amps_raw(10), slave=1).isError())
        finally:
            client.close()
        check.assertTrue(wait_until(lambda: stack.slave()["active"], 3))

    stack = DvccStack(dvcc=False, before_publisher=into_slave)
    try:
        check.assertTrue(wait_until(lambda: not stack.slave()["active"], 10), "not taken out of SLAVE")
        check.assertTrue(wait_until(lambda: stack.slave()["writes"] == 3, 3))  # ours (1) and one exit (2)
        check.assertIn("leaving slave mode", stack.publisher.log_text())
        stack.start_standin(bms=False)
        check.assertTrue(wait_until(lambda: stack.standin_cycles() >= 4, 20), stack.failure_context())
        items = stack.items()
        check.assertEqual([p for p in items if p.startswith("/Link/")], [])
        check.assertNotIn("/Settings/ChargeCurrentLimit", items)
        check.assertNotIn("/Settings/BmsPresent", items)
        stats = stack.stats()
        check.assertEqual(stats["slave"]["writes"], 3)
        check.assertFalse(stats["slave"]["active"])
        slave_writes = [w for w in stats["write_log"] if w[0] == 6 and 0x58 <= w[1] <= 0x5B]
        check.assertEqual(len(slave_writes), 3)  # the test's own (direct) and the exit to both
    finally:
        stack.close()


class DvccTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pool = ThreadPoolExecutor(max_workers=3)
        check = unittest.TestCase()
        cls.runs = {name: cls.pool.submit(scenario, check) for name, scenario in (
            ("refresh", scenario_limits_refresh_and_loss), ("bms", scenario_bms_loss_stops_and_resumes),
            ("disabled", scenario_disabled))}

    @classmethod
    def tearDownClass(cls):
        cls.pool.shutdown(wait=True)
        print("\nmeasured: %s" % json.dumps(FIGURES, indent=1), file=sys.stderr)

    def test_disabled_no_link_paths_no_slave_writes_and_slave_left_once_at_start(self):
        self.runs["disabled"].result()

    def test_bms_loss_stops_with_error_67_and_resumes_when_dvcc_returns(self):
        self.runs["bms"].result()

    def test_limits_in_the_slave_registers_refreshed_for_3_minutes_and_left_on_loss(self):
        self.runs["refresh"].result()


if __name__ == "__main__":
    unittest.main()
