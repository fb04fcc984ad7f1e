"""Authenticated clients ([auth], docs/operations.md "Who may do what"): a CURVE-only endpoint
that refuses unknown keys and judges writes by the configured name of a key, never by the
client_name a request claims; the ipc peer check by uid; the publisher and the bridge connecting
with keys. Real executables, ephemeral ports, temp dirs. Run with /usr/bin/python3."""
import contextlib
import json
import os
import sys
import tempfile
import threading
import time
import unittest

import zmq

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../support"))
from gateway_wire import field, registers_of  # noqa: E402
from tristar_stack import Daemon, direct_read, executable, run, tail, wait_until  # noqa: E402

SERVICE = "com.victronenergy.solarcharger.tristar_01234567"
CHARGE_DISCONNECT = "2"  # coil 2: the tristar profile lets tristar-ctl write ON and OFF


def read_text(path):
    with open(path) as f:
        return f.read()


def gen_key(base):
    out = run([executable("tristar-gatewayd"), "--gen-key", base])
    if out.returncode != 0:
        raise RuntimeError("--gen-key failed: " + out.stderr)
    return out.stdout.strip()


def read_line(daemon):
    """The next line of a daemon's stdout: the gateway prints every endpoint it bound at once,
    so the lines after the first are already in the pipe's buffer."""
    return daemon.proc.stdout.readline().decode().strip()


# --- the wire protocol by hand (pyzmq only; no protobuf module): tests/support/gateway_wire.py ---

def read_request(req_id, address, count, name=b"plain-reader"):
    body = field(1, 0, 4) + field(2, 0, address) + field(3, 0, count)
    return field(1, 0, req_id) + field(2, 2, name) + field(10, 2, body)


class PlainReader(threading.Thread):
    """A well-behaved unauthenticated client reading 0x18..0x1B on the plain endpoint all along."""

    def __init__(self, endpoint, expected):
        super().__init__(daemon=True)
        self.endpoint, self.expected = endpoint, expected
        self.stop_flag = threading.Event()
        self.good = self.bad = 0
        self.problems = []

    def run(self):
        ctx = zmq.Context()
        sock = ctx.socket(zmq.DEALER)
        sock.linger = 0
        sock.connect(self.endpoint)
        req_id = 1
        while not self.stop_flag.is_set():
            sock.send(read_request(req_id, 0x18, 4))
            if sock.poll(5000):
                values = registers_of(sock.recv())
                if values == self.expected:
                    self.good += 1
                else:
                    self.bad += 1
                    self.problems.append(values)
            else:
                self.bad += 1
                self.problems.append("no reply")
            req_id += 1
            time.sleep(0.05)
        sock.close()
        ctx.term()


class AuthStack:
    """Simulator, keys, and a gateway with a plain tcp endpoint, an ipc endpoint and a CURVE
    endpoint (in that order on its stdout)."""

    def __init__(self, ipc_uid=None, extra=""):
        self.tmp = tempfile.TemporaryDirectory(prefix="tristar-auth-")
        self.dir = self.tmp.name
        self.sim = Daemon([executable("tristar-sim"), "--tcp", "127.0.0.1:0", "--frozen"], self.path("sim.log"))
        self.server_pub = gen_key(self.path("gateway"))
        self.keys = {name: gen_key(self.path(name)) for name in ("ctl", "viewer", "stranger", "publisher", "bridge")}
        config = ('[log]\nlevel = "info"\n\n[auth]\ncurve_endpoints = ["tcp://127.0.0.1:0"]\n'
                  'curve_secret_key_file = "%s"\n' % self.path("gateway.key"))
        for name, key in (("tristar-ctl", "ctl"), ("viewer", "viewer"), ("tristar-publisher", "publisher"),
                          ("tristar-bridge", "bridge")):
            config += '\n[[auth.clients]]\nname = "%s"\npublic_key = "%s"\n' % (name, self.keys[key])
        if ipc_uid is not None:
            config += '\n[[auth.ipc_peers]]\nname = "tristar-ctl"\nuid = %d\n' % ipc_uid
        config += extra
        with open(self.path("gatewayd.toml"), "w") as f:
            f.write(config)
        self.ipc = "ipc://" + self.path("gateway.sock")
        self.gateway = Daemon([executable("tristar-gatewayd"), "--config", self.path("gatewayd.toml"),
                               "--device", self.sim.address, "--endpoint", "tcp://127.0.0.1:0",
                               "--endpoint", self.ipc], self.path("gatewayd.log"))
        self.plain = self.gateway.address
        self.assert_line(read_line(self.gateway), self.ipc)
        self.curve = read_line(self.gateway)

    @staticmethod
    def assert_line(got, expected):
        if got != expected:
            raise RuntimeError("expected %s, got %s" % (expected, got))

    def path(self, name):
        return os.path.join(self.dir, name)

    def ctl(self, endpoint, *args, key=None, timeout=3000):
        argv = [executable("tristar-ctl"), "--endpoint", endpoint, "--timeout", str(timeout)]
        if key is not None:
            argv += ["--server-key", self.path("gateway.pub"), "--key", self.path(key + ".key")]
        return run([*argv, *args])

    def gateway_log(self):
        with open(self.path("gatewayd.log"), errors="replace") as f:
            return f.read()

    def status(self):
        out = self.ctl(self.plain, "status", "--json")
        if out.returncode != 0:
            raise RuntimeError(out.stderr)
        return json.loads(out.stdout)

    def close(self):
        codes = {"tristar-gatewayd": self.gateway.stop(), "tristar-sim": self.sim.stop()}
        log = tail(self.path("gatewayd.log"))
        self.tmp.cleanup()
        for name, code in codes.items():
            if code != 0:
                raise RuntimeError("%s exited with %s; gateway log:\n%s" % (name, code, log))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def refused_handshakes(status):
    return int(status["counters"].get("refused_handshakes", status["counters"].get("refusedHandshakes", 0)))


class CurveEndpoint(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = AuthStack()
        cls.expected = direct_read(cls.stack.sim.address, 0x18, 4)

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()

    def test_reads_work_with_an_allowed_key(self):
        for key in ("ctl", "viewer"):
            out = self.stack.ctl(self.stack.curve, "read", "0x18", "--count", "4", "--json", key=key)
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertEqual(json.loads(out.stdout)["values"], self.expected)

    def test_writes_are_judged_by_the_keys_name_not_the_claimed_one(self):
        stack = self.stack
        # configured as tristar-ctl, claims "evil": allowed (the profile allows tristar-ctl)
        for value in ("on", "off"):
            out = stack.ctl(stack.curve, "--client-name", "evil", "write", "coil", CHARGE_DISCONNECT, value,
                            key="ctl")
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        # configured as viewer, claims tristar-ctl: refused, and the refusal names viewer
        out = stack.ctl(stack.curve, "--client-name", "tristar-ctl", "write", "coil", CHARGE_DISCONNECT, "on",
                        key="viewer")
        self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
        self.assertIn("WRITE_DENIED", out.stderr)
        self.assertIn("'viewer'", out.stderr)
        log = stack.gateway_log()
        self.assertIn("[write] client 'tristar-ctl' fc 5 address 2 value 1 -> ok", log)
        self.assertNotIn("client 'evil'", log)

    def test_unauthenticated_writes_are_refused_once_auth_is_configured(self):
        out = self.stack.ctl(self.stack.plain, "write", "coil", CHARGE_DISCONNECT, "off")  # claims tristar-ctl
        self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
        self.assertIn("WRITE_DENIED", out.stderr)
        self.assertIn("not authenticated", out.stderr)
        # reads on the plain endpoint stay open
        out = self.stack.ctl(self.stack.plain, "read", "0x18", "--count", "4", "--json")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(json.loads(out.stdout)["values"], self.expected)

    def test_unknown_keys_get_nothing_while_a_plain_client_reads_on(self):
        stack = self.stack
        before = refused_handshakes(stack.status())
        reader = PlainReader(stack.plain, self.expected)
        reader.start()
        try:
            # a key the gateway does not know: no connection, so no reply within the timeout
            started = time.monotonic()
            out = stack.ctl(stack.curve, "read", "0x18", key="stranger", timeout=1500)
            self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
            self.assertIn("no reply", out.stderr)
            self.assertGreaterEqual(time.monotonic() - started, 1.4)
            # a raw client retrying the handshake for a while, and one with no key at all
            ctx = zmq.Context()
            bad = ctx.socket(zmq.DEALER)
            bad.linger = 0
            public, secret = zmq.curve_keypair()
            bad.curve_serverkey = stack.server_pub.encode()
            bad.curve_publickey, bad.curve_secretkey = public, secret
            bad.connect(stack.curve)
            bad.send(read_request(1, 0x18, 4, b"tristar-ctl"))
            nokey = ctx.socket(zmq.DEALER)
            nokey.linger = 0
            nokey.connect(stack.curve)
            nokey.send(read_request(1, 0x18, 4, b"tristar-ctl"))
            self.assertEqual(bad.poll(2000), 0, "an unknown key got a reply")
            self.assertEqual(nokey.poll(100), 0, "a client without CURVE got a reply")
            bad.close()
            nokey.close()
            ctx.term()
        finally:
            reader.stop_flag.set()
            reader.join(10)
        self.assertGreater(reader.good, 10)
        self.assertEqual(reader.bad, 0, reader.problems[:5])
        # every refusal counted, the first logged in full, the rest not line by line
        after = refused_handshakes(stack.status())
        self.assertGreaterEqual(after - before, 2)
        log = stack.gateway_log()
        self.assertEqual(log.count("refused a handshake"), 1, log[-3000:])
        self.assertIn("is not in [[auth.clients]]", log)
        self.assertIn(stack.keys["stranger"], log)  # the refused key, for whoever wants to allow it
        text = stack.ctl(stack.plain, "status").stdout
        self.assertRegex(text, r"refused_auth\s+[1-9]")

    def test_status_lists_the_authenticated_name(self):
        out = self.stack.ctl(self.stack.curve, "--client-name", "whoever", "read", "0x18", key="viewer")
        self.assertEqual(out.returncode, 0, out.stderr)
        names = [c["client_name"] if "client_name" in c else c.get("clientName")
                 for c in self.stack.status()["clients"]]
        self.assertIn("viewer", names)
        self.assertNotIn("whoever", names)


class IpcPeerCheck(unittest.TestCase):
    def test_own_uid_is_accepted_and_judged_by_its_name(self):
        with AuthStack(ipc_uid=os.getuid()) as stack:
            out = stack.ctl(stack.ipc, "--client-name", "evil", "write", "coil", CHARGE_DISCONNECT, "off")
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
            self.assertIn("[write] client 'tristar-ctl' fc 5 address 2 value 0 -> ok", stack.gateway_log())
            out = stack.ctl(stack.ipc, "read", "0x18", "--count", "4", "--json")
            self.assertEqual(out.returncode, 0, out.stderr)

    def test_another_uid_is_refused(self):
        other = 4242 if os.getuid() != 4242 else 4343
        with AuthStack(ipc_uid=other) as stack:
            out = stack.ctl(stack.ipc, "read", "0x18", timeout=1500)
            self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
            self.assertIn("no reply", out.stderr)
            self.assertTrue(wait_until(lambda: refused_handshakes(stack.status()) >= 1, 5))
            self.assertIn("ipc peer uid %d" % os.getuid(), stack.gateway_log())
            self.assertIn("is not in [[auth.ipc_peers]]", stack.gateway_log())


class ClientsWithKeys(unittest.TestCase):
    def read_through(self, bridge):
        """The 4 registers at 0x18 of unit 1, read through `bridge` by a Modbus-TCP client."""
        from pymodbus.client import ModbusTcpClient
        host, port = bridge.address[len("tcp://"):].rsplit(":", 1)
        client = ModbusTcpClient(host, port=int(port), timeout=5)
        self.assertTrue(client.connect())
        reply = client.read_input_registers(0x18, 4, slave=1)
        client.close()
        return reply

    def test_bridge_reads_through_the_curve_endpoint(self):
        with AuthStack() as stack:
            config = stack.path("bridge.toml")
            with open(config, "w") as f:
                f.write('[bridge]\nserver_public_key_file = "%s"\nclient_secret_key_file = "%s"\n'
                        'client_public_key_file = "%s"\n'
                        % (stack.path("gateway.pub"), stack.path("bridge.key"), stack.path("bridge.pub")))
            bridge = Daemon([executable("tristar-bridge"), "--config", config, "--listen", "127.0.0.1:0",
                             "--gateway", stack.curve], stack.path("bridge.log"))
            try:
                reply = self.read_through(bridge)
                self.assertFalse(reply.isError(), str(reply))
                self.assertEqual(list(reply.registers), direct_read(stack.sim.address, 0x18, 4))
                names = [c.get("client_name", c.get("clientName")) for c in stack.status()["clients"]]
                self.assertIn("tristar-bridge", names)
            finally:
                self.assertEqual(bridge.stop(), 0, tail(stack.path("bridge.log")))

    def test_bridge_with_a_key_the_gateway_does_not_know_gets_no_answer(self):
        with AuthStack() as stack:
            config = stack.path("bridge.toml")
            with open(config, "w") as f:
                f.write('[bridge]\ngateway_timeout_ms = 1000\n')
            # the keys on the command line this time; one without the other is a usage error
            out = run([executable("tristar-bridge"), "--config", config, "--key", stack.path("stranger.key"),
                       "--check-config"])
            self.assertEqual(out.returncode, 2, out.stdout + out.stderr)
            self.assertIn("--server-key", out.stderr)
            bridge = Daemon([executable("tristar-bridge"), "--config", config, "--listen", "127.0.0.1:0",
                             "--gateway", stack.curve, "--server-key", stack.path("gateway.pub"),
                             "--key", stack.path("stranger.key")], stack.path("bridge.log"))
            try:
                # The bridge asks for the gateway's devices at once; once that handshake is refused,
                # the connection is gone for good and a request can no longer be queued on it.
                self.assertTrue(wait_until(lambda: refused_handshakes(stack.status()) >= 1, 10))
                for _ in range(2):  # the second on the connection the bridge opened after the first
                    reply = self.read_through(bridge)
                    self.assertTrue(reply.isError(), str(reply))
                    self.assertEqual(reply.exception_code, 0x0B)  # gateway target failed to respond
                self.assert_warned_once_about_the_key(read_text(stack.path("bridge.log")),
                                                      "no reply from the gateway")
            finally:
                self.assertEqual(bridge.stop(), 0, tail(stack.path("bridge.log")))

    @contextlib.contextmanager
    def publisher_with_key(self, stack, key, service):
        """tristar-publisher on a private bus, at the CURVE endpoint with KEY.key; `service`: the
        name waited for on the bus (None: not waited for). It must stop with 0."""
        from venus_stack import Bus, Publisher
        bus = Bus(stack.dir)
        publisher = None
        try:
            config = ('[publisher]\nserver_public_key_file = "%s"\nclient_secret_key_file = "%s"\n'
                      % (stack.path("gateway.pub"), stack.path(key + ".key")))
            publisher = Publisher(stack.dir, bus, stack.curve, service, ["--poll-ms", "500"], config)
            yield bus, publisher
        finally:
            code = publisher.stop() if publisher else 0
            bus.stop()
            self.assertEqual(code, 0)

    def assert_warned_once_about_the_key(self, log, what):
        """One warning line holding `what` in `log`, naming [[auth.clients]] as the thing to check."""
        warnings = [line for line in log.splitlines() if what in line]
        self.assertEqual(len(warnings), 1, warnings)
        self.assertIn("warning", warnings[0])
        self.assertIn("[[auth.clients]]", warnings[0])

    def test_publisher_registers_through_the_curve_endpoint(self):
        from venus_stack import value_of
        with AuthStack() as stack, self.publisher_with_key(stack, "publisher", SERVICE) as (bus, _):
            # registering on D-Bus needs the serial, read through the gateway
            items = bus.get_items(SERVICE)
            self.assertEqual(value_of(items["/Serial"]), "01234567")
            self.assertTrue(wait_until(lambda: value_of(bus.get_items(SERVICE)["/Dc/0/Voltage"]) is not None, 10))
            names = [c.get("client_name", c.get("clientName")) for c in stack.status()["clients"]]
            self.assertIn("tristar-publisher", names)

    def test_publisher_with_a_key_the_gateway_does_not_know_says_so_once_and_stops_cleanly(self):
        with AuthStack() as stack, self.publisher_with_key(stack, "stranger", None) as (bus, publisher):
            self.assertTrue(wait_until(lambda: refused_handshakes(stack.status()) >= 1, 10))
            # its discovery gives up after 5 s, then asks again on a new connection
            self.assertTrue(wait_until(lambda: refused_handshakes(stack.status()) >= 2, 20),
                            publisher.log_text()[-2000:])
            self.assert_warned_once_about_the_key(publisher.log_text(), "does not answer")
            self.assertNotIn(SERVICE, bus.names())

class Keys(unittest.TestCase):
    def test_gen_key_writes_a_pair_and_refuses_to_overwrite(self):
        with tempfile.TemporaryDirectory() as tmp:
            base = os.path.join(tmp, "k")
            public = gen_key(base)
            self.assertEqual(len(public), 40)
            self.assertEqual(read_text(base + ".pub").strip(), public)
            self.assertEqual(os.stat(base + ".key").st_mode & 0o777, 0o600)
            self.assertEqual(len(read_text(base + ".key").strip()), 40)
            out = run([executable("tristar-gatewayd"), "--gen-key", base])
            self.assertNotEqual(out.returncode, 0)
            self.assertIn("exists", out.stderr)
            self.assertEqual(read_text(base + ".pub").strip(), public)

    def test_config_errors(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "g.toml")
            cases = {
                '[auth]\ncurve_endpoints = ["tcp://127.0.0.1:0"]\n': "curve_secret_key_file",
                '[[auth.clients]]\nname = "x"\npublic_key = "short"\n': "auth.clients[0].public_key",
                '[[auth.ipc_peers]]\nname = "x"\n': "needs uid, user, gid or group",
                '[[auth.ipc_peers]]\nname = "x"\nuser = "no-such-user-here"\n': "no such user",
                '[auth]\nbogus = 1\n': "auth.bogus",
            }
            for text, expected in cases.items():
                with open(path, "w") as f:
                    f.write('[device]\nuri = "tcp://127.0.0.1:502"\n' + text)
                out = run([executable("tristar-gatewayd"), "--config", path, "--check-config"])
                self.assertEqual(out.returncode, 2, text)
                self.assertIn(expected, out.stderr, text)


if __name__ == "__main__":
    unittest.main()
