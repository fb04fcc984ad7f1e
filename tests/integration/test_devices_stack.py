"""Four TriStars behind one gateway, the whole stack at once: two on their own TCP ports and two
units on one RTU line (a socat pty pair) in one tristar-sim, the gateway with all four, the
publisher (one Venus service each) on a private bus, the bridge read with pymodbus on each
device's unit id, and tristar-ctl --device. Under that load no wire ever carries two
transactions (the simulator's overlap counter of every line stays 0), and every value is the one
a direct read of its own device gives. Run with /usr/bin/python3."""
import json
import os
import sys
import threading
import time
import unittest
from contextlib import closing

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../support"))
from devices_stack import DEVICES, SERIALS, SPANS, FourDevices  # noqa: E402
from tristar_stack import executable, run, wait_until  # noqa: E402
from venus_stack import value_of  # noqa: E402

from pymodbus.client import ModbusTcpClient  # noqa: E402


class FourChargers(unittest.TestCase):
    def setUp(self):
        self.stack = FourDevices(poll_ms=500)

    def tearDown(self):
        self.stack.close()

    def bridge_client(self):
        host, port = self.stack.bridge.address[len("tcp://"):].rsplit(":", 1)
        client = ModbusTcpClient(host, port=int(port), timeout=5)
        self.assertTrue(client.connect())
        return client

    def test_every_value_its_own_and_no_wire_carries_two_transactions(self):
        mismatches = []
        with closing(self.bridge_client()) as client:
            self.assertTrue(wait_until(lambda: not client.read_input_registers(0x18, 1, slave=7).isError(), 15))

        # Five seconds of load, so the publisher's polls (every 0.5 s, four services) run alongside.
        until = time.monotonic() + 5

        def bridge_load():
            with closing(self.bridge_client()) as client:
                for _ in range(500):
                    if time.monotonic() > until:
                        break
                    for index, name in enumerate(DEVICES):
                        for address, count in SPANS:
                            reply = client.read_input_registers(address, count, slave=2 * index + 1)
                            got = None if reply.isError() else list(reply.registers)
                            if got != self.stack.reference[(name, address)]:
                                mismatches.append(("bridge", name, address, got))

        def ctl_load():
            while time.monotonic() < until:
                for name in DEVICES:
                    out = run([executable("tristar-ctl"), "--endpoint", self.stack.endpoint, "--device", name, "--json",
                               "read", "0x18", "--count", "4"])
                    values = json.loads(out.stdout).get("values") if out.returncode == 0 else None
                    if values != self.stack.reference[(name, 0x18)]:
                        mismatches.append(("ctl", name, out.stdout[-200:]))

        def guarded(load):
            def body():
                try:
                    load()
                except Exception as e:  # a load thread that dies must fail the test
                    mismatches.append(("exception", repr(e)))
            return body

        threads = [threading.Thread(target=guarded(load)) for load in (bridge_load, bridge_load, ctl_load)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(mismatches, [])
        for name, service in zip(DEVICES, self.stack.services):
            items = self.stack.bus.get_items(service)
            self.assertEqual(value_of(items["/Serial"]), SERIALS[name])
            self.assertEqual(value_of(items["/Connected"]), 1)
        self.assertEqual(self.stack.sim.stop(), 0)
        lines = self.stack.sim_stats()["lines"]
        self.assertEqual(len(lines), 3)
        for line, figures in lines.items():
            self.assertEqual(figures["overlaps"], 0, line)
            self.assertGreater(figures["transactions"], 0, line)


if __name__ == "__main__":
    unittest.main()
