"""tristar-publisher's yield against the device's own counters, end to end: a running (not frozen)
simulator in daylight -> gateway -> publisher -> a private dbus-daemon. The publisher is killed
with SIGKILL at random points 20 times; after each restart today's yield is the simulator's
whc_daily (0x44) read directly, /Yield/System agrees with kwhc_t (0x39), and neither ever goes
down. Then a settings edit faults the charger (fault_daily bit 6 -> LastError 119) and a
controller reset clears whc_daily mid-day: the energy before it stays in today's yield.
Run with /usr/bin/python3 (pymodbus)."""
import os
import random
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../support"))
from tristar_stack import Stack, direct_read, wait_until  # noqa: E402
from venus_stack import Bus, Publisher, leaf_value  # noqa: E402

SERVICE = "com.victronenergy.solarcharger.tristar_01234567"
POLL_MS = 500
KILLS = 20
# 600 s per simulated day from 10:00: the test ends before the simulated dusk; a 24 V bank, so the
# counter moves some 40 Wh a second and kwhc_t steps during the test.
SIM_ARGS = ["--day-seconds", "600", "--start-hour", "10", "--battery-volts", "24", "--seed", "7"]
WHC_DAILY, KWHC_T, FAULT_DAILY = 0x44, 0x39, 0x49
STEP_WH = 10  # whc_daily's resolution (tristar-modbus.md 5)
BUDGET_S = 240


def local_noon_zone():
    """A fixed TZ in which it is around noon now, so no local midnight falls inside the test."""
    offset_h = 12 - time.gmtime().tm_hour
    return "LOC%+d" % -offset_h  # POSIX: LOC-3 is three hours east of UTC


class Device:
    """Direct Modbus access to the simulator, beside the gateway."""

    def __init__(self, address):
        self.address = address

    def word(self, register):
        return direct_read(self.address, register, 1)[0]

    def write(self, register=None, value=None, coil=None):
        from pymodbus.client import ModbusTcpClient
        host, port = self.address[len("tcp://"):].rsplit(":", 1)
        client = ModbusTcpClient(host, port=int(port), timeout=3)
        try:
            if not client.connect():
                raise RuntimeError("cannot connect to " + self.address)
            if coil is not None:
                reply = client.write_coil(coil, True, slave=1)
            else:
                reply = client.write_register(register, value, slave=1)
            if reply.isError():
                raise RuntimeError("write failed: %s" % reply)
        finally:
            client.close()


class YieldStack:
    """Simulator (running) and gateway, a private bus, the publisher with a data dir that outlives it."""

    def __init__(self):
        os.environ["TZ"] = local_noon_zone()  # inherited by the publisher
        self.stack = Stack(sim_args=SIM_ARGS)
        self.bus = Bus(self.stack.dir.name)
        self.device = Device(self.stack.sim.address)
        self.publisher = None
        self.start_publisher()

    def start_publisher(self):
        self.publisher = Publisher(self.stack.dir.name, self.bus, self.stack.endpoint, SERVICE,
                                   ["--poll-ms", str(POLL_MS)])

    def value(self, path):
        return leaf_value(self.bus, SERVICE, path)

    def close(self):
        code = self.publisher.stop()
        log = self.publisher.log_text()
        self.bus.stop()
        self.stack.close()
        if code != 0:
            raise AssertionError("tristar-publisher exited with %s; its log ends with:\n%s" % (code, log[-3000:]))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class YieldTest(unittest.TestCase):
    def setUp(self):
        self.highest = {"/Yield/System": 0.0, "/History/Daily/0/Yield": 0.0}

    def check_never_down(self, stack, when):
        """Both totals are invalid (not read yet after a start) or at least what they were."""
        for path, highest in self.highest.items():
            value = stack.value(path)
            if value is None:
                continue
            self.assertGreaterEqual(value, highest - 1e-9, "%s went down %s" % (path, when))
            self.highest[path] = value

    def check_today_is_the_counter(self, stack, round_nr):
        """Today's yield is whc_daily read directly before and after it (10 Wh steps)."""
        before = stack.device.word(WHC_DAILY)
        self.assertTrue(wait_until(lambda: (stack.value("/History/Daily/0/Yield") or 0) * 1000 >= before - STEP_WH, 5),
                        "round %d: today's yield %s kWh stays below whc_daily %d Wh" %
                        (round_nr, stack.value("/History/Daily/0/Yield"), before))
        today_wh = stack.value("/History/Daily/0/Yield") * 1000
        after = stack.device.word(WHC_DAILY)
        self.assertLessEqual(today_wh, after + STEP_WH + 1e-6, "round %d: today's yield above the counter" % round_nr)
        return today_wh

    def check_system_is_kwhc_t(self, stack, round_nr, today_wh):
        """kwhc_t - 1 <= /Yield/System <= kwhc_t + today + 1 (kWh), whatever kwhc_t's behaviour; the
        simulator's kwhc_t is a running total (truncated), so today counted twice would also
        show as System >= kwhc_t + 1."""
        low = stack.device.word(KWHC_T)
        system = stack.value("/Yield/System")
        high = stack.device.word(KWHC_T)
        self.assertGreaterEqual(system, low - 1, "round %d" % round_nr)
        self.assertLessEqual(system, high + today_wh / 1000 + 1, "round %d" % round_nr)
        self.assertLess(system, high + 1 + STEP_WH / 1000, "round %d: today counted twice" % round_nr)
        self.kwhc_t = (low, system, high)

    def test_kill_9_twenty_times_loses_nothing_the_device_keeps(self):
        started = time.monotonic()
        rng = random.Random()
        seed = rng.randrange(1 << 30)
        rng.seed(seed)
        with YieldStack() as stack:
            self.assertTrue(wait_until(lambda: stack.value("/Connected") == 1, 10))
            # The first start mid-day shows the device's counter at once.
            self.first_today_wh = self.check_today_is_the_counter(stack, 0)
            for round_nr in range(1, KILLS + 1):
                # A random point: some polls, maybe a save, watched for values going down.
                until = time.monotonic() + rng.uniform(0.05, 2.5)
                while time.monotonic() < until:
                    self.check_never_down(stack, "before kill %d (seed %d)" % (round_nr, seed))
                stack.publisher.kill()
                stack.start_publisher()
                self.check_never_down(stack, "as the service came back, round %d (seed %d)" % (round_nr, seed))
                self.assertTrue(wait_until(lambda: stack.value("/Connected") == 1, 10))
                today_wh = self.check_today_is_the_counter(stack, round_nr)
                self.check_system_is_kwhc_t(stack, round_nr, today_wh)
                self.last_round_wh = today_wh
                self.check_never_down(stack, "after restart %d (seed %d)" % (round_nr, seed))
            first_today = self.first_today_wh
            self.assertGreater(self.highest["/History/Daily/0/Yield"] * 1000, first_today)  # the counter moved
            self.check_fault_and_controller_reset(stack)
        elapsed = time.monotonic() - started
        sys.stderr.write("%d kills (seed %d): today %.0f -> %.0f Wh, /Yield/System %.2f kWh with kwhc_t %d..%d; "
                         "controller reset at %.0f Wh, today %.0f Wh after; %.0f s\n" %
                         (KILLS, seed, first_today, self.last_round_wh, self.kwhc_t[1], self.kwhc_t[0],
                          self.kwhc_t[2], self.reset_at_wh, self.after_reset_wh, elapsed))
        self.assertLess(elapsed, BUDGET_S)

    def check_fault_and_controller_reset(self, stack):
        self.assertEqual(stack.value("/History/Daily/0/LastError1"), 0)
        # A settings edit faults the unit until a controller reset (tristar-modbus.md 6.4).
        stack.device.write(register=0xE000, value=direct_read(stack.device.address, 0xE000, 1, function=3)[0])
        self.assertTrue(wait_until(lambda: stack.device.word(FAULT_DAILY) & (1 << 6), 10))
        self.assertTrue(wait_until(lambda: stack.value("/History/Daily/0/LastError1") == 119, 10))
        self.assertEqual(stack.bus.get_value(SERVICE, "/History/Daily/0/LastError1"), ("i", 119))
        self.assertEqual(stack.bus.get_value(SERVICE, "/History/Overall/LastError1"), ("i", 119))
        self.assertEqual(stack.value("/History/Daily/0/LastError2"), 0)
        # The controller reset clears whc_daily mid-day; what was counted before stays today's.
        counted_wh = stack.device.word(WHC_DAILY)
        stack.device.write(coil=0xFF)
        self.assertTrue(wait_until(lambda: self._word_or_none(stack, WHC_DAILY) is not None and
                                   self._word_or_none(stack, WHC_DAILY) < counted_wh, 15))
        self.assertTrue(wait_until(lambda: (self._word_or_none(stack, WHC_DAILY) or 0) > 0, 30))  # counting again

        def today_counts_again():
            whc = self._word_or_none(stack, WHC_DAILY)
            today = stack.value("/History/Daily/0/Yield")
            return whc is not None and today is not None and today * 1000 >= counted_wh + whc - STEP_WH
        self.assertTrue(wait_until(today_counts_again, 10))
        today_wh = stack.value("/History/Daily/0/Yield") * 1000
        self.assertLessEqual(today_wh, counted_wh + stack.device.word(WHC_DAILY) + STEP_WH)
        self.reset_at_wh, self.after_reset_wh = counted_wh, today_wh
        self.check_never_down(stack, "after the controller reset")
        self.assertEqual(stack.value("/History/Daily/0/LastError1"), 119)  # the day keeps it

    @staticmethod
    def _word_or_none(stack, register):
        """None while the simulator is unavailable after the controller reset."""
        try:
            return stack.device.word(register)
        except Exception:  # noqa: BLE001 - pymodbus raises several kinds while the unit restarts
            return None


if __name__ == "__main__":
    unittest.main(verbosity=2)
