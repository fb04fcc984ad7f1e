"""tristar-publisher against a TriStar that fails about 1 % of its transactions (no reply, a
corrupt reply, or a busy exception), everything with its default config: /Connected never
drops and no value goes blank, because a read the gateway is still retrying, or one lost read,
is not a lost link. The run lasts TRISTAR_FAULT_SECONDS (default 600). Run with /usr/bin/python3."""
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../support"))
from tristar_stack import Stack, wait_until  # noqa: E402
from venus_stack import Bus, Monitor, Publisher, value_of  # noqa: E402

SERVICE = "com.victronenergy.solarcharger.tristar_01234567"
SECONDS = float(os.environ.get("TRISTAR_FAULT_SECONDS", "600"))
# About 1 % of the device's transactions fail, in three ways.
FAULTS = os.environ.get("TRISTAR_FAULTS", "--drop-rate 0.005 --corrupt-rate 0.003 --busy-rate 0.002").split()


def connected_changes(messages):
    """Every /Connected value signalled, in order."""
    values = []
    for m in messages:
        if m.get("member") == "ItemsChanged":
            batch = m["payload"]["data"][0]
            if "/Connected" in batch:
                values.append(batch["/Connected"]["Value"]["data"])
    return values


class FaultyDeviceTest(unittest.TestCase):
    def test_one_percent_device_faults_never_drop_connected(self):
        with Stack(sim_args=("--frozen", "--seed", "7", *FAULTS)) as stack:
            bus = Bus(stack.dir.name)
            publisher = Publisher(stack.dir.name, bus, stack.endpoint, SERVICE)
            monitor = None
            try:
                self.assertTrue(wait_until(lambda: value_of(bus.get_items(SERVICE)["/Connected"]) == 1, 15))
                monitor = Monitor(bus, stack.dir.name, SERVICE)
                started = time.monotonic()
                blank_reads = 0
                samples = 0
                # Polls the paths a GUI shows once a second; ItemsChanged catches what happens between.
                while time.monotonic() - started < SECONDS:
                    items = bus.get_items(SERVICE)
                    samples += 1
                    self.assertEqual(value_of(items["/Connected"]), 1,
                                     "after %.0f s" % (time.monotonic() - started))
                    for path in ["/Dc/0/Voltage", "/Pv/V", "/Yield/Power", "/State"]:
                        if value_of(items[path]) is None:
                            blank_reads += 1
                    monitor.collect(lambda seen: False, timeout=1.0)
                self.assertEqual(blank_reads, 0)
                self.assertEqual(connected_changes(monitor.seen), [], "/Connected was signalled")
                log = publisher.log_text()
                self.assertNotIn("[link] lost", log)
                with open(stack.stats) as f:
                    stats = json.load(f)
                failed = sum(1 for line in log.splitlines() if "[reads] live block" in line and "failed:" in line)
                busy = stats.get("exceptions", {}).get("6", 0)
                print("\n%d s, %d GetItems: sim dropped %s, corrupted %s, busy %s; live reads failed %d, "
                      "/Connected 1 throughout" % (SECONDS, samples, stats.get("dropped"), stats.get("corrupted"),
                                                   busy, failed))
                # The faults really happened: at 1 % of ~1 transaction a second there are some.
                faults = int(stats.get("dropped", 0)) + int(stats.get("corrupted", 0)) + int(busy)
                if SECONDS >= 300:
                    self.assertGreater(faults, 0, stats)
            finally:
                if monitor:
                    monitor.stop()
                code = publisher.stop()
                bus.stop()
                self.assertEqual(code, 0, publisher.log_text()[-3000:])


if __name__ == "__main__":
    unittest.main(verbosity=2)
