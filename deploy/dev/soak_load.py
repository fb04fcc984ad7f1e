"""The soak's loads (deploy/dev/soak.py): tristar-ctl in a loop, a ZeroMQ DEALER client, pymodbus
clients of the bridge, and the watch on the publisher's /Connected. Each load counts its
requests and errors until the run's end or `stopping`."""
import json
import os
import random
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/support"))
from gateway_wire import field, fields  # noqa: E402

SERVICE = "com.victronenergy.solarcharger.tristar_01234567"
stopping = threading.Event()

def request(req_id, body_field, body, max_age_ms=0, priority=1):
    msg = field(1, 0, req_id) + field(2, 2, b"soak-dealer")
    if max_age_ms:
        msg += field(5, 0, max_age_ms)
    msg += field(6, 0, priority)
    return msg + field(body_field, 2, body)


class Counter:
    def __init__(self, name):
        self.name = name
        self.requests = 0
        self.errors = 0
        self.last_error = ""

    def error(self, text):
        self.errors += 1
        self.last_error = text


def ctl_loop(run, endpoint, until, counter):
    ctl = os.path.join(run.build, "gateway/ctl/tristar-ctl")
    commands = [["get", "battery_voltage", "array_voltage", "charge_state"], ["status"],
                ["read", "0x18", "--count", "4"]]
    i = 0
    with open(run.path("ctl.log"), "ab") as err:
        while not stopping.is_set() and time.monotonic() < until:
            argv = [ctl, "--endpoint", endpoint, *commands[i % len(commands)]]
            i += 1
            counter.requests += 1
            proc = run.spawn(argv, stdout=subprocess.DEVNULL, stderr=err)
            try:
                code = proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                code = proc.wait()
            with run.lock:
                run.helpers.remove(proc)
            if code != 0:
                counter.error("%s exited %s" % (" ".join(argv[3:]), code))
            stopping.wait(0.5)


def dealer_loop(endpoint, until, counter):
    import zmq
    ctx = zmq.Context()
    sock = ctx.socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    sock.connect(endpoint)
    req_id = 0
    try:
        while not stopping.is_set() and time.monotonic() < until:
            req_id += 1
            kind = req_id % 4
            if kind == 3:
                msg = request(req_id, 15, b"")  # status
            else:
                body = field(1, 0, 4) + field(2, 0, 0x18 if kind else 0) + field(3, 0, 56 if kind else 0x5C)
                msg = request(req_id, 10, body, max_age_ms=0 if kind == 1 else 1000)
            counter.requests += 1
            sock.send(msg)
            deadline = time.monotonic() + 10
            answered = False
            while time.monotonic() < deadline:
                if not sock.poll(int((deadline - time.monotonic()) * 1000) + 1):
                    continue
                reply = fields(sock.recv())
                if reply.get(1, 0) != req_id:
                    continue  # a late reply to an earlier request
                answered = True
                if 14 in reply:
                    error = fields(reply[14])
                    counter.error("error code %s: %s" % (error.get(1), error.get(3, b"").decode(errors="replace")))
                elif 10 not in reply and 13 not in reply:
                    counter.error("reply without a result")
                break
            if not answered:
                counter.error("no reply in 10 s")
            stopping.wait(0.05)
    finally:
        sock.close()
        ctx.term()


def modbus_loop(port, until, counter, seed):
    from pymodbus.client import ModbusTcpClient
    rng = random.Random(seed)
    client = ModbusTcpClient("127.0.0.1", port=port, timeout=5)
    try:
        while not stopping.is_set() and time.monotonic() < until:
            counter.requests += 1
            try:
                if not client.connect():
                    counter.error("cannot connect")
                else:
                    if rng.random() < 0.5:
                        reply = client.read_input_registers(0x18, 8, slave=1)
                    elif rng.random() < 0.5:
                        reply = client.read_holding_registers(0, 4, slave=2)
                    else:
                        reply = client.read_holding_registers(0x18, 2, slave=1)
                    if reply.isError():
                        counter.error(str(reply))
            except Exception as e:  # noqa: BLE001 - every failure is an error to count
                counter.error("%s: %s" % (type(e).__name__, e))
                client.close()
            stopping.wait(0.3 + rng.random() * 0.4)
    finally:
        client.close()


class ConnectedWatch:
    """/Connected from busctl monitor's signals, and polled at every sample: counts drops to 0."""

    def __init__(self, run, bus):
        self.run = run
        self.bus = bus
        self.state = None
        self.drops = 0
        self.events = []
        self.lock = threading.Lock()
        self.err = open(run.path("busctl-monitor.log"), "wb")
        self.proc = run.spawn(["/usr/bin/busctl", "--address=" + bus, "monitor", SERVICE, "--json=short"],
                              stdout=subprocess.PIPE, stderr=self.err)
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def see(self, value, source):
        with self.lock:
            value = 0 if value is None else value
            if value == 0 and self.state != 0:
                self.drops += 1
                self.events.append("%s: /Connected 0 (%s)" % (time.strftime("%H:%M:%S"), source))
            self.state = value

    def _read(self):
        for line in self.proc.stdout:
            try:
                m = json.loads(line)
            except ValueError:
                continue
            if m.get("type") != "signal":
                continue
            data = (m.get("payload") or {}).get("data") or []
            if m.get("member") == "ItemsChanged" and data and "/Connected" in data[0]:
                self.see(unwrap(data[0]["/Connected"].get("Value")), "ItemsChanged")
            elif m.get("member") == "PropertiesChanged" and m.get("path") == "/Connected" and data:
                if "Value" in data[0]:
                    self.see(unwrap(data[0]["Value"]), "PropertiesChanged")

    def poll(self):
        result = subprocess.run(["/usr/bin/busctl", "--address=" + self.bus, "call", "--json=short", SERVICE,
                                 "/Connected", "com.victronenergy.BusItem", "GetValue"],
                                capture_output=True, text=True, timeout=10)
        if result.returncode != 0:
            self.see(0, "GetValue failed: " + result.stderr.strip())
            return 0
        value = unwrap(json.loads(result.stdout)["data"][0])
        self.see(value, "GetValue")
        return value

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(5)
        self.err.close()


def unwrap(variant):
    """A busctl JSON variant's value; None when invalid (an empty array)."""
    if not isinstance(variant, dict):
        return variant
    if str(variant.get("type", "")).startswith("a") and variant.get("data") == []:
        return None
    return variant.get("data")
