"""tristar-bridge against hostile or broken Modbus-TCP clients: silent connections and half-sent
frames from several hosts (127.0.0.2... are loopback addresses too on Linux) must not lock out a
polling master like Home Assistant, idle and unfinished connections are closed, and a flood of
malformed connections leaves a few log lines, not one per connection. The good client is judged
with pymodbus (Home Assistant's library) against direct reads of the simulator.
Run with /usr/bin/python3 (Debian's pymodbus)."""
import asyncio
import os
import re
import select
import socket
import struct
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../support"))
from tristar_stack import TEST_CONFIG, Daemon, Stack, direct_read, executable, wait_until  # noqa: E402

from pymodbus.client import AsyncModbusTcpClient, ModbusTcpClient  # noqa: E402

# What Home Assistant entities read: (function, address, count).
ENTITIES = [(4, 0x18, 1), (4, 0x1B, 1), (3, 0x1C, 1), (4, 0x3A, 1), (3, 0x32, 1), (4, 0x00, 2)]
# Hosts the attack comes from; the good client is 127.0.0.1.
ATTACKERS = ["127.0.0.%d" % i for i in range(2, 7)]
# The defaults (deploy/config/tristar-bridge.toml).
MAX_CONNECTIONS = 64
MAX_PER_ADDRESS = 16
# A read request's first 4 bytes: a frame begun and never finished.
HALF_FRAME = struct.pack(">HHHBBHH", 1, 0, 6, 1, 4, 0x18, 1)[:4]
# Protocol id 0x1234: not Modbus; the bridge closes the stream.
MALFORMED = struct.pack(">HHHBBHH", 1, 0x1234, 6, 1, 4, 0x18, 1)


def read(client, function, address, count):
    method = client.read_input_registers if function == 4 else client.read_holding_registers
    return method(address, count, slave=1)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class HostileStack:
    """Simulator (frozen), gateway and a bridge with the given [bridge] keys (none: defaults)."""

    def __init__(self, bridge_keys=""):
        self.stack = Stack(gateway_config=TEST_CONFIG)
        config = self.stack.path("bridge.toml")
        with open(config, "w") as f:
            f.write("[bridge]\n" + bridge_keys)
        self.log_path = self.stack.path("bridge.log")
        self.bridge = Daemon([executable("tristar-bridge"), "--config", config, "--listen", "127.0.0.1:0",
                              "--gateway", self.stack.endpoint], self.log_path)
        host, port = self.bridge.address[len("tcp://"):].rsplit(":", 1)
        self.host, self.port = host, int(port)
        self.expected = {(a, c): direct_read(self.stack.sim.address, a, c) for _, a, c in ENTITIES}

    def fds(self):
        return len(os.listdir("/proc/%d/fd" % self.bridge.proc.pid))

    def client_sockets(self):
        """The bridge's open client connections: its sockets on its port, not listening."""
        fd_dir = "/proc/%d/fd" % self.bridge.proc.pid
        inodes = set()
        for fd in os.listdir(fd_dir):
            try:
                target = os.readlink(os.path.join(fd_dir, fd))
            except OSError:
                continue  # closed meanwhile
            if target.startswith("socket:["):
                inodes.add(target[len("socket:["):-1])
        count = 0
        with open("/proc/net/tcp") as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                local_port = int(fields[1].rsplit(":", 1)[1], 16)
                if local_port == self.port and fields[3] != "0A" and fields[9] in inodes:
                    count += 1
        return count

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def connect(self, source="127.0.0.1", send=b""):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind((source, 0))
        s.settimeout(5)
        s.connect((self.host, self.port))
        if send:
            s.sendall(send)
        return s

    def good_client(self):
        client = ModbusTcpClient(self.host, port=self.port, timeout=5)
        if not client.connect():
            raise RuntimeError("cannot connect to the bridge at " + self.bridge.address)
        return client

    def close(self):
        code = self.bridge.stop()
        self.final_log = self.log()
        self.stack.close()
        if code != 0:
            raise RuntimeError("tristar-bridge exited with %s; its log ends with:\n%s"
                               % (code, self.final_log[-3000:]))


def closed_by_bridge(s):
    """Whether the bridge closed this socket (end of stream or reset), without waiting."""
    ready, _, _ = select.select([s], [], [], 0)
    if not ready:
        return False
    try:
        return s.recv(64, socket.MSG_DONTWAIT) == b""
    except (ConnectionResetError, BlockingIOError):
        return True


def wait_closed(s, timeout):
    """Seconds until the bridge closed the socket, or None."""
    start = time.monotonic()
    if wait_until(lambda: closed_by_bridge(s), timeout):
        return time.monotonic() - start
    return None


class Attacker(threading.Thread):
    """Opens silent connections and half-frames from ATTACKERS in turn, up to `total`, and
    keeps them open (until the bridge closes them)."""

    def __init__(self, stack, total):
        super().__init__(daemon=True)
        self.stack, self.total = stack, total
        self.sockets, self.errors = [], []
        self.stop = threading.Event()

    def run(self):
        for i in range(self.total):
            if self.stop.is_set():
                return
            try:
                send = HALF_FRAME if i % 2 else b""
                self.sockets.append(self.stack.connect(ATTACKERS[i % len(ATTACKERS)], send))
            except OSError as e:
                self.errors.append(str(e))

    def close(self):
        self.stop.set()
        if self.is_alive():
            self.join(30)
        for s in self.sockets:
            s.close()


class DefaultsUnderAttack(unittest.TestCase):
    """The bridge as shipped (no key set) against every slot taken by silent and half-sent
    connections from five hosts, and more arriving while Home Assistant polls."""

    def setUp(self):
        self.b = HostileStack()

    def tearDown(self):
        self.b.close()

    def assert_reads_correct(self, client):
        for function, address, count in ENTITIES:
            reply = read(client, function, address, count)
            self.assertFalse(reply.isError(), "fc %d 0x%02X: %s" % (function, address, reply))
            self.assertEqual(reply.registers, self.b.expected[(address, count)])

    def test_full_bridge_still_serves_a_polling_master(self):
        base_fds = self.b.fds()
        # Every slot: the per-address cap times enough hosts to exceed max_connections.
        first = Attacker(self.b, MAX_PER_ADDRESS * len(ATTACKERS))
        first.run()
        self.assertEqual(first.errors, [])
        self.assertTrue(wait_until(lambda: self.b.client_sockets() == MAX_CONNECTIONS, 10),
                        "the bridge holds %d connections" % self.b.client_sockets())
        start = time.monotonic()
        client = self.b.good_client()
        more = Attacker(self.b, 600)
        try:
            self.assert_reads_correct(client)
            served = time.monotonic() - start
            # Polling while the attack goes on: every reply correct, none slow.
            more.start()
            times = []
            for _ in range(40):
                for function, address, count in ENTITIES:
                    t = time.monotonic()
                    reply = read(client, function, address, count)
                    times.append(time.monotonic() - t)
                    self.assertFalse(reply.isError(), "fc %d 0x%02X: %s" % (function, address, reply))
                    self.assertEqual(reply.registers, self.b.expected[(address, count)])
            more.join(60)
            self.assertEqual(more.errors, [])
            attack = first.sockets + more.sockets
            # An accepted connection exists a moment before the one it evicts is closed.
            self.assertTrue(wait_until(lambda: self.b.client_sockets() <= MAX_CONNECTIONS, 5))
            fds, held = self.b.fds(), self.b.client_sockets()
            # What is still open: at most the table, the good client's place included.
            self.assertTrue(wait_until(
                lambda: sum(not closed_by_bridge(s) for s in attack) <= MAX_CONNECTIONS - 1, 10))
            still_open = sum(not closed_by_bridge(s) for s in attack)
            print("\n  defaults, %d attack connections from %d hosts: good client served after %.1f ms, "
                  "%d reads p50 %.2f ms p99 %.2f ms max %.2f ms; bridge fds %d -> %d (%d client "
                  "connections); attack connections still open %d, closed by the bridge %d"
                  % (len(attack), len(ATTACKERS), served * 1000, len(times),
                     percentile(times, 0.5) * 1000, percentile(times, 0.99) * 1000, max(times) * 1000,
                     base_fds, fds, held, still_open, len(attack) - still_open))
            self.assertLessEqual(held, MAX_CONNECTIONS)
            self.assertLessEqual(fds, base_fds + MAX_CONNECTIONS + 2)
            self.assertLess(percentile(times, 0.99), 0.5)
            self.assertLess(served, 2.0)
            # The good client was never the one evicted: it reads on, on the same socket.
            self.assert_reads_correct(client)
        finally:
            client.close()
            first.close()
            more.close()
        # Closed by their peer: no longer counted (the fds go at once).
        self.assertTrue(wait_until(lambda: self.b.client_sockets() == 0, 5),
                        "%d client connections left" % self.b.client_sockets())

    def test_one_host_gets_its_share_only(self):
        others = [self.b.connect("127.0.0.2") for _ in range(8)]
        try:
            flood = [self.b.connect("127.0.0.3") for _ in range(3 * MAX_PER_ADDRESS)]
            # The oldest of the flooding host's connections went, not the other host's.
            self.assertTrue(wait_until(lambda: sum(closed_by_bridge(s) for s in flood) == 2 * MAX_PER_ADDRESS, 5))
            self.assertTrue(all(closed_by_bridge(s) for s in flood[:2 * MAX_PER_ADDRESS]))
            self.assertFalse(any(closed_by_bridge(s) for s in others))
            client = self.b.good_client()
            try:
                self.assert_reads_correct(client)
            finally:
                client.close()
            for s in flood:
                s.close()
        finally:
            for s in others:
                s.close()


class Timeouts(unittest.TestCase):
    """Short timeouts to keep the test fast: idle 1 s, unfinished frame 0.3 s."""

    IDLE_S, FRAME_S = 1.0, 0.3

    @classmethod
    def setUpClass(cls):
        cls.b = HostileStack("idle_timeout_ms = %d\nframe_timeout_ms = %d\n"
                             % (cls.IDLE_S * 1000, cls.FRAME_S * 1000))

    @classmethod
    def tearDownClass(cls):
        cls.b.close()

    def test_silent_connection_closed_after_idle_timeout(self):
        s = self.b.connect("127.0.0.2")
        try:
            after = wait_closed(s, 10 * self.IDLE_S)
            print("\n  silent connection closed after %s s (idle_timeout_ms %d)" % (after, self.IDLE_S * 1000))
            self.assertIsNotNone(after)
            self.assertGreater(after, 0.8 * self.IDLE_S)
        finally:
            s.close()

    def test_half_frame_closed_after_frame_timeout(self):
        s = self.b.connect("127.0.0.3", HALF_FRAME)
        try:
            after = wait_closed(s, 10 * self.FRAME_S)
            print("\n  half frame closed after %s s (frame_timeout_ms %d)" % (after, self.FRAME_S * 1000))
            self.assertIsNotNone(after)
            self.assertGreater(after, 0.8 * self.FRAME_S)
            self.assertLess(after, 0.9 * self.IDLE_S)
        finally:
            s.close()

    def test_a_frame_trickled_in_still_has_to_finish_in_time(self):
        frame = struct.pack(">HHHBBHH", 1, 0, 6, 1, 4, 0x18, 1)
        s = self.b.connect("127.0.0.4")
        try:
            start = time.monotonic()
            for byte in frame[:-1]:
                try:
                    s.sendall(bytes([byte]))
                except OSError:  # closed by the bridge already
                    break
                if wait_until(lambda: closed_by_bridge(s), self.FRAME_S / 4):
                    break
            after = time.monotonic() - start if closed_by_bridge(s) else wait_closed(s, 10 * self.FRAME_S)
            self.assertIsNotNone(after)
            self.assertLess(after, 0.9 * self.IDLE_S)
        finally:
            s.close()

    def test_a_polling_master_is_not_closed(self):
        client = self.b.good_client()
        try:
            # Polling at half the idle timeout for three idle timeouts.
            for _ in range(6):
                reply = read(client, 4, 0x18, 1)
                self.assertFalse(reply.isError(), reply)
                self.assertEqual(reply.registers, self.b.expected[(0x18, 1)])
                self.assertFalse(closed_by_bridge(client.socket))
                time.sleep(self.IDLE_S / 2)  # the poll interval itself: nothing to wait for
        finally:
            client.close()

    def test_home_assistants_client_recovers_from_an_idle_close(self):
        """Home Assistant's modbus integration uses pymodbus' asyncio client, which reconnects
        when the server closes the connection."""
        expected = self.b.expected[(0x18, 1)]

        async def scenario():
            # pymodbus 3.0 counts reconnect_delay in ms and defaults to 5 min; the pymodbus
            # Home Assistant ships (3.5 and later) reconnects after 0.1 s by default.
            client = AsyncModbusTcpClient(self.b.host, port=self.b.port, timeout=3, reconnect_delay=100)
            await client.connect()
            try:
                first = await client.read_input_registers(0x18, 1, slave=1)
                closed_at = time.monotonic()
                # The bridge closes it after IDLE_S; pymodbus notices and reconnects.
                deadline = time.monotonic() + 10 * self.IDLE_S
                while client.protocol is not None and time.monotonic() < deadline:
                    await asyncio.sleep(0.01)
                lost = time.monotonic() - closed_at
                while client.protocol is None and time.monotonic() < deadline:
                    await asyncio.sleep(0.01)
                second = await client.read_input_registers(0x18, 1, slave=1)
                return first, second, lost
            finally:
                await client.close()

        first, second, lost = asyncio.run(scenario())
        print("\n  asyncio client: connection closed for idleness after %.2f s, read again after reconnecting"
              % lost)
        self.assertEqual(first.registers, expected)
        self.assertGreater(lost, 0.8 * self.IDLE_S)
        self.assertFalse(second.isError(), second)
        self.assertEqual(second.registers, expected)

    def test_synchronous_client_reconnects_on_its_next_call(self):
        """pymodbus' synchronous client does not notice the close until it reads: that one
        request fails, and the next one reconnects."""
        client = self.b.good_client()
        try:
            self.assertFalse(read(client, 4, 0x18, 1).isError())
            self.assertIsNotNone(wait_closed(client.socket, 10 * self.IDLE_S))
            outcomes = []
            for _ in range(3):
                try:
                    reply = read(client, 4, 0x18, 1)
                    outcomes.append("ok" if not reply.isError() else "error")
                except Exception:  # pymodbus raises ConnectionException here
                    outcomes.append("raised")
                if outcomes[-1] == "ok":
                    break
            print("\n  synchronous client after an idle close: %s" % outcomes)
            self.assertEqual(outcomes[-1], "ok")
            self.assertLessEqual(len(outcomes), 2)
        finally:
            client.close()

    def test_connections_closed_by_their_peer_do_not_count(self):
        # What earlier tests left has gone (closed by its peer, or idle).
        self.assertTrue(wait_until(lambda: self.b.client_sockets() == 0, 5 * self.IDLE_S))
        count = MAX_PER_ADDRESS - 4
        sockets = [self.b.connect("127.0.0.5") for _ in range(count)]
        self.assertTrue(wait_until(lambda: self.b.client_sockets() == count, 5))
        for i, s in enumerate(sockets):
            if i % 2:  # a reset rather than an orderly close
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()
        start = time.monotonic()
        self.assertTrue(wait_until(lambda: self.b.client_sockets() == 0, 0.9 * self.IDLE_S),
                        "%d client connections left" % self.b.client_sockets())
        print("\n  %d connections closed or reset by their peer: released after %.1f ms"
              % (count, (time.monotonic() - start) * 1000))


class LogRateLimit(unittest.TestCase):
    """500 malformed connections: a first line and summaries per cause, not 500 warnings."""

    CONNECTIONS = 500
    SUMMARY_S = 2.0

    def test_malformed_connections_do_not_flood_the_log(self):
        b = HostileStack("log_summary_interval_ms = %d\n" % (self.SUMMARY_S * 1000))
        try:
            before = len(b.log().splitlines())
            start = time.monotonic()
            for i in range(self.CONNECTIONS):
                s = b.connect(ATTACKERS[i % len(ATTACKERS)], MALFORMED)
                try:
                    self.assertIsNotNone(wait_closed(s, 5), "malformed connection %d not closed" % i)
                finally:
                    s.close()
            flood_s = time.monotonic() - start
            # The last summary says how many in all.
            summary = re.compile(r"malformed MBAP header: \d+ more in the last [\d.]+ s \((\d+) since start\)")
            self.assertTrue(wait_until(
                lambda: str(self.CONNECTIONS) in summary.findall(b.log()), 3 * self.SUMMARY_S),
                b.log()[-2000:])
            lines = b.log().splitlines()[before:]
            malformed = [line for line in lines if "malformed" in line]
            windows = int(flood_s / self.SUMMARY_S) + 2
            print("\n  %d malformed connections in %.1f s: %d log lines in all, %d about malformed headers "
                  "(summary interval %.0f s)" % (self.CONNECTIONS, flood_s, len(lines), len(malformed), self.SUMMARY_S))
            self.assertEqual(sum("closing connection from" in line for line in malformed), 1, malformed)
            self.assertLessEqual(len(malformed), 1 + windows)
            # Every cause together (opened, malformed, closed): a few lines per interval.
            self.assertLessEqual(len(lines), 3 * (1 + windows))
        finally:
            b.close()
        self.assertIn("connections closed for a malformed MBAP header %d" % self.CONNECTIONS, b.final_log)


if __name__ == "__main__":
    unittest.main(verbosity=2)
