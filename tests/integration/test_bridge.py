"""tristar-bridge end to end: simulator -> gateway -> bridge, judged with pymodbus (the library Home
Assistant's modbus integration uses) and mbpoll, against direct reads of the simulator.
Run with /usr/bin/python3 (Debian's pymodbus)."""
import json
import math
import os
import socket
import struct
import sys
import threading
import time
import unittest
from contextlib import closing
from functools import partial

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../support"))
import scaling  # noqa: E402
from scaling import signed  # noqa: E402
from tristar_stack import TEST_CONFIG, Daemon, Stack, direct_read, executable, run, wait_until  # noqa: E402

from pymodbus.client import ModbusTcpClient  # noqa: E402

LIVE_WORDS = 0x5C
# What Home Assistant entities read: (function, address, count), one or two registers each.
ENTITIES = [
    (4, 0x00, 2), (4, 0x02, 2), (4, 0x18, 1), (3, 0x1C, 1), (4, 0x1B, 1), (3, 0x1D, 1),
    (4, 0x3A, 1), (3, 0x32, 1), (4, 0x2C, 1), (3, 0x2E, 2), (4, 0x44, 1), (3, 0x25, 1),
]
ROUND_PAUSE_S = 0.05
ALLOW_BRIDGE_WRITES = TEST_CONFIG + (
    '\n[write_policy]\nprofile_clients = ["tristar-ctl", "tristar-publisher", "tristar-bridge"]\n')


class BridgeStack:
    """Simulator (frozen), gateway and bridge, each on an ephemeral port in one temp dir."""

    def __init__(self, gateway_config=TEST_CONFIG, bridge_args=()):
        self.stack = Stack(gateway_config=gateway_config)
        self.bridge = Daemon([executable("tristar-bridge"), "--listen", "127.0.0.1:0", "--gateway",
                              self.stack.endpoint, *bridge_args], self.stack.path("bridge.log"))
        host, port = self.bridge.address[len("tcp://"):].rsplit(":", 1)
        self.host, self.port = host, int(port)

    def client(self, timeout=5):
        client = ModbusTcpClient(self.host, port=self.port, timeout=timeout)
        if not client.connect():
            raise RuntimeError("cannot connect to the bridge at " + self.bridge.address)
        return client

    def sim_stats(self):
        with open(self.stack.stats) as f:
            return json.load(f)

    def fresh_sim_stats(self):
        """The simulator's stats as written after this call (it writes at least once a second)."""
        since = time.time()
        self.assertion(wait_until(lambda: os.stat(self.stack.stats).st_mtime > since + 0.05, 5),
                       "the simulator did not refresh its stats")
        return self.sim_stats()

    @staticmethod
    def assertion(ok, message):
        if not ok:
            raise AssertionError(message)

    def log(self):
        with open(self.stack.path("bridge.log")) as f:
            return f.read()[-3000:]

    def close(self):
        code = self.bridge.stop()
        log = self.log()
        self.stack.close()
        if code != 0:
            raise RuntimeError("tristar-bridge exited with %s; its log ends with:\n%s" % (code, log))


def read(client, function, address, count, unit=1):
    method = client.read_input_registers if function == 4 else client.read_holding_registers
    return method(address, count, slave=unit)


def exception_code(reply):
    return getattr(reply, "exception_code", None) if reply.isError() else None


class ReadsLikeHomeAssistant(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.b = BridgeStack()
        device = cls.b.stack.sim.address
        cls.expected = {(a, c): direct_read(device, a, c) for _, a, c in ENTITIES}
        cls.live = direct_read(device, 0, LIVE_WORDS)

    @classmethod
    def tearDownClass(cls):
        cls.b.close()

    def test_persistent_client_reads_what_the_device_has(self):
        with closing(self.b.client()) as client:
            for _ in range(3):  # the same socket, over and over, as Home Assistant keeps it
                for function, address, count in ENTITIES:
                    reply = read(client, function, address, count)
                    self.assertFalse(reply.isError(), "fc %d 0x%02X: %s" % (function, address, reply))
                    self.assertEqual(reply.registers, self.expected[(address, count)])
            block = read(client, 4, 0, LIVE_WORDS)
            self.assertEqual(block.registers, self.live)

    def test_five_clients_and_a_block_poller_share_few_device_transactions(self):
        before = self.b.fresh_sim_stats()
        counts, errors, stop = [0] * 6, [], threading.Event()

        def entity_client(index):
            with closing(self.b.client()) as client:
                # One refresh of every entity, then a short pause: a busy Home Assistant, not a
                # benchmark (this machine is shared).
                while not stop.wait(ROUND_PAUSE_S):
                    for function, address, count in ENTITIES:
                        reply = read(client, function, address, count)
                        counts[index] += 1
                        if reply.isError() or reply.registers != self.expected[(address, count)]:
                            errors.append("client %d fc %d 0x%02X: %s" % (index, function, address, reply))

        def block_poller():
            with closing(self.b.client()) as client:
                next_poll = time.monotonic()
                while not stop.wait(max(0.0, next_poll - time.monotonic())):
                    reply = read(client, 4, 0, LIVE_WORDS)
                    counts[5] += 1
                    if reply.isError() or reply.registers != self.live:
                        errors.append("block poller: %s" % reply)
                    next_poll += 1.0

        threads = [threading.Thread(target=entity_client, args=(i,)) for i in range(5)]
        threads.append(threading.Thread(target=block_poller))
        for t in threads:
            t.start()
        stop.wait(10.0)
        stop.set()
        for t in threads:
            t.join(30)
        after = self.b.fresh_sim_stats()

        requests = sum(counts)
        transactions = after["transactions"] - before["transactions"]
        print("\nfive clients + block poller, 10 s: %d client requests, %d device transactions, "
              "ratio %.4f (%s per client)" % (requests, transactions, transactions / requests, counts),
              file=sys.stderr)
        self.assertEqual(errors[:5], [])
        self.assertTrue(all(c > 0 for c in counts), counts)
        self.assertEqual(after["overlaps"], before["overlaps"], "the device saw two masters at once")
        self.assertGreater(transactions, 0)
        self.assertLess(transactions * 20, requests, "the cache and read-ahead should serve most reads")

    def test_the_shipped_home_assistant_yamls_read_through_the_bridge(self):
        try:
            import yaml
        except ImportError:
            self.skipTest("python3-yaml is not installed")
        here = os.path.join(os.path.dirname(__file__), "../../deploy/homeassistant")
        with closing(self.b.client()) as client:
            for name in ("tristar-raw.yaml", "tristar-scaled.yaml"):
                hub = yaml.safe_load(open(os.path.join(here, name)))["modbus"][0]
                for sensor in hub["sensors"]:
                    count = 2 if sensor["data_type"] in ("uint32", "int32", "float32") else 1
                    function = 4 if sensor.get("input_type") == "input" else 3
                    reply = read(client, function, sensor["address"], count, unit=sensor["slave"])
                    self.assertFalse(reply.isError(), "%s %s: %s" % (name, sensor["name"], reply))
                    if sensor["slave"] == 1:
                        self.assertEqual(reply.registers, self.live[sensor["address"]:sensor["address"] + count])
                for coil in hub.get("binary_sensors", []):
                    self.assertFalse(client.read_coils(coil["address"], 1, slave=coil["slave"]).isError())

    def test_mbpoll_reads_the_same_values(self):
        # mbpoll numbers references from 1 (PDU address + 1) unless -0 is given; -t 3 input registers.
        for table, function in (("3", 4), ("4", 3)):
            out = run(["mbpoll", "-m", "tcp", "-a", "1", "-r", str(0x18 + 1), "-c", "6", "-t", table, "-1",
                       "-o", "5", "-p", str(self.b.port), "127.0.0.1"])
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
            got = {}
            for line in out.stdout.splitlines():
                if line.startswith("["):
                    ref, value = line.split(":", 1)
                    got[int(ref.strip("[]"))] = int(value.split()[0]) & 0xFFFF
            want = direct_read(self.b.stack.sim.address, 0x18, 6, function)
            self.assertEqual([got.get(0x18 + 1 + i) for i in range(6)], want, out.stdout)

    def test_scaled_view_is_float32_engineering_values(self):
        raw = self.live
        volts = partial(scaling.volts, raw)
        amps = partial(scaling.amps, raw)
        watts = partial(scaling.watts, raw)
        expected = [volts(0x18), amps(0x1C), volts(0x1B), amps(0x1D), watts(0x3A), signed(raw[0x23]),
                    signed(raw[0x25]) if -127 <= signed(raw[0x25]) <= 127 else math.nan,
                    raw[0x44] / 1000, raw[0x39], volts(0x33), volts(0x3D), volts(0x3E), watts(0x3C)]
        with closing(self.b.client()) as client:
            for function in (3, 4):
                reply = read(client, function, 0, 30, unit=2)
                self.assertFalse(reply.isError(), reply)
                words = reply.registers
                floats = [struct.unpack(">f", struct.pack(">HH", words[i], words[i + 1]))[0] for i in range(0, 26, 2)]
                for index, (got, want) in enumerate(zip(floats, expected)):
                    if math.isnan(want):
                        self.assertTrue(math.isnan(got), "register %d" % (2 * index))
                    else:
                        self.assertAlmostEqual(got, want, delta=0.01, msg="register %d" % (2 * index))
                self.assertEqual(words[26], raw[0x32])
                self.assertEqual(words[27], raw[0x2C])
                self.assertEqual(words[28:30], raw[0x2E:0x30])
            self.assertTrue(6 < expected[0] < 20, "a 12 V battery: %s" % expected[0])
            one = read(client, 4, 26, 1, unit=2)
            self.assertEqual(one.registers, [raw[0x32]])

    def test_scaled_view_refuses_reads_past_its_table_and_writes(self):
        with closing(self.b.client()) as client:
            self.assertEqual(exception_code(read(client, 4, 29, 2, unit=2)), 2)
            self.assertEqual(exception_code(read(client, 3, 30, 1, unit=2)), 2)
            self.assertEqual(exception_code(client.write_register(0, 1, slave=2)), 1)

    def test_device_exception_is_passed_through(self):
        with closing(self.b.client()) as client:
            self.assertEqual(exception_code(read(client, 4, 0x9000, 1)), 2)
            self.assertEqual(exception_code(read(client, 3, 0x2000, 2)), 2)
            # and the connection lives on
            self.assertEqual(read(client, 4, 0x18, 1).registers, self.expected[(0x18, 1)])

    def test_unknown_unit_is_0x0b(self):
        with closing(self.b.client()) as client:
            self.assertEqual(exception_code(read(client, 4, 0x18, 1, unit=9)), 0x0B)

    def test_write_refused_by_default_policy_never_reaches_the_device(self):
        writes = self.b.fresh_sim_stats()["writes"]
        with closing(self.b.client()) as client:
            self.assertEqual(exception_code(client.write_coil(0, True, slave=1)), 1)
            self.assertEqual(exception_code(client.write_register(0x58, 100, slave=1)), 1)
            self.assertEqual(read(client, 4, 0x18, 1).registers, self.expected[(0x18, 1)])
        self.assertEqual(self.b.fresh_sim_stats()["writes"], writes)

    def test_pipelined_requests_keep_order_and_transaction_ids(self):
        def adu(tid, unit, pdu):
            return struct.pack(">HHHB", tid, 0, len(pdu) + 1, unit) + pdu

        requests = [
            (0x1234, 1, struct.pack(">BHH", 4, 0x18, 2)),
            (0x0001, 2, struct.pack(">BHH", 3, 26, 1)),
            (0xFFFF, 1, struct.pack(">BHH", 4, 0x9000, 1)),
            (0x0777, 1, bytes([0x2B, 0x0E, 0x01, 0x00])),
            (0x0002, 1, struct.pack(">BHH", 3, 0x32, 1)),
            (0x0003, 7, struct.pack(">BHH", 4, 0x18, 1)),
        ]
        with socket.create_connection((self.b.host, self.b.port), timeout=5) as s:
            s.sendall(b"".join(adu(*r) for r in requests))
            answers = [read_adu(s) for _ in requests]
        self.assertEqual([(a[0], a[1]) for a in answers], [(r[0], r[1]) for r in requests])
        first = self.expected[(0x18, 1)][0]
        self.assertEqual(answers[0][2][:2], bytes([4, 4]))
        self.assertEqual(struct.unpack(">H", answers[0][2][2:4])[0], first)
        self.assertEqual(answers[1][2], bytes([3, 2]) + struct.pack(">H", self.live[0x32]))
        self.assertEqual(answers[2][2], bytes([0x84, 0x02]))
        self.assertEqual(answers[3][2], bytes([0xAB, 0x01]))
        self.assertEqual(answers[4][2], bytes([3, 2]) + struct.pack(">H", self.live[0x32]))
        self.assertEqual(answers[5][2], bytes([0x84, 0x0B]))

    def test_malformed_frames_harm_only_their_own_connection(self):
        stop, errors, reads = threading.Event(), [], [0]

        def good_client():
            with closing(self.b.client()) as client:
                while not stop.is_set():
                    reply = read(client, 4, 0x18, 2)
                    reads[0] += 1
                    if reply.isError() or reply.registers != direct_values(self.live, 0x18, 2):
                        errors.append(str(reply))

        thread = threading.Thread(target=good_client)
        thread.start()
        try:
            bad = {
                "protocol id 1": struct.pack(">HHHB", 1, 1, 6, 1) + struct.pack(">BHH", 4, 0x18, 1),
                "length 0": struct.pack(">HHHB", 2, 0, 0, 1),
                "length 300": struct.pack(">HHHB", 3, 0, 300, 1) + bytes(40),
            }
            for name, frame in bad.items():
                with self.subTest(frame=name), socket.create_connection((self.b.host, self.b.port), timeout=5) as s:
                    s.sendall(frame)
                    self.assertEqual(s.recv(100), b"", "the bridge should close the connection")
            with socket.create_connection((self.b.host, self.b.port), timeout=5) as s:
                s.sendall(struct.pack(">HHH", 4, 0, 6))  # a truncated header, then gone
            with socket.create_connection((self.b.host, self.b.port), timeout=5) as s:
                s.sendall(struct.pack(">HHHB", 5, 0, 5, 1) + bytes([0x2B, 0x0E, 0x01, 0x00]))
                self.assertEqual(read_adu(s), (5, 1, bytes([0xAB, 0x01])))
                # the connection stays usable after an unknown function
                s.sendall(struct.pack(">HHHB", 6, 0, 6, 1) + struct.pack(">BHH", 4, 0x18, 1))
                self.assertEqual(read_adu(s)[:2], (6, 1))
            start = reads[0]
            self.assertTrue(wait_until(lambda: reads[0] >= start + 20, 10), "the good client stalled")
        finally:
            stop.set()
            thread.join(30)
        self.assertEqual(errors, [])
        self.assertIsNone(self.b.bridge.proc.poll(), "the bridge died")


def direct_values(live, address, count):
    return live[address:address + count]


def read_exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise AssertionError("connection closed after %d of %d bytes" % (len(data), n))
        data += chunk
    return data


def read_adu(sock):
    """(transaction id, unit, pdu) of the next response ADU."""
    tid, protocol, length, unit = struct.unpack(">HHHB", read_exactly(sock, 7))
    assert protocol == 0, protocol
    return tid, unit, read_exactly(sock, length - 1)


class WritesWhenThePolicyAllowsThem(unittest.TestCase):
    def test_equalize_coil_through_the_bridge(self):
        with closing(BridgeStack(gateway_config=ALLOW_BRIDGE_WRITES)) as b:
            writes = b.fresh_sim_stats()["writes"]
            with closing(b.client()) as client:
                reply = client.write_coil(0, True, slave=1)
                self.assertFalse(reply.isError(), reply)
                self.assertTrue(reply.value)
            stats = b.fresh_sim_stats()
            self.assertEqual(stats["writes"], writes + 1)
            self.assertEqual(stats["write_log"][-1][:2], [5, 0])


class Outages(unittest.TestCase):
    def test_gateway_stopped_is_0x0b_and_the_connection_stays(self):
        with closing(BridgeStack(bridge_args=("--gateway-timeout-ms", "1000"))) as b:
            with closing(b.client()) as client:
                self.assertFalse(read(client, 4, 0x18, 1).isError())
                b.stack.gateway.stop()
                started = time.monotonic()
                self.assertEqual(exception_code(read(client, 4, 0x20, 1)), 0x0B)
                self.assertLess(time.monotonic() - started, 4.0)
                self.assertEqual(exception_code(client.read_coils(0, 1, slave=1)), 0x0B)
            self.assertIsNone(b.bridge.proc.poll())

    def test_simulator_stopped_is_0x0b(self):
        with closing(BridgeStack(bridge_args=("--max-age-ms", "0"))) as b:
            with closing(b.client()) as client:
                self.assertFalse(read(client, 4, 0x18, 1).isError())
                b.stack.sim.stop()
                self.assertEqual(exception_code(read(client, 4, 0x18, 1)), 0x0B)
                self.assertEqual(exception_code(read(client, 3, 0, 30, unit=2)), 0x0B)


class Config(unittest.TestCase):
    def test_check_config_and_errors_name_file_line_and_key(self):
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "bridge.toml")
            with open(path, "w") as f:
                f.write('[bridge]\nlisten = "127.0.0.1:1502"\n\nmax_age_ms = -5\n')
            out = run([executable("tristar-bridge"), "--config", path, "--check-config"])
            self.assertEqual(out.returncode, 2, out.stdout + out.stderr)
            self.assertIn("bridge.toml:4", out.stderr)
            self.assertIn("bridge.max_age_ms", out.stderr)
        example = os.path.join(os.path.dirname(__file__), "../../deploy/config/tristar-bridge.toml")
        out = run([executable("tristar-bridge"), "--config", example, "--check-config"])
        self.assertEqual(out.returncode, 0, out.stderr)
        out = run([executable("tristar-bridge"), "--listen", "5020", "--check-config"])
        self.assertEqual(out.returncode, 2)
        self.assertIn("--listen", out.stderr)
        out = run([executable("tristar-bridge"), "--scaled-unit", "1", "--check-config"])
        self.assertEqual(out.returncode, 2)

    def test_sigterm_exits_0(self):
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            bridge = Daemon([executable("tristar-bridge"), "--listen", "127.0.0.1:0", "--gateway",
                             "tcp://127.0.0.1:9"], os.path.join(tmp, "bridge.log"))
            self.assertTrue(bridge.address.startswith("tcp://127.0.0.1:"), bridge.address)
            self.assertNotEqual(bridge.address, "tcp://127.0.0.1:0")
            self.assertEqual(bridge.stop(), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
