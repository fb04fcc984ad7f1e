"""Fixtures for tests written in Python: the product's executables started on ephemeral ports
in temp dirs, readiness read from their first stdout line, stopped by pid."""
import os
import select
import subprocess
import tempfile
import time

BUILD_DIR = os.environ.get("TRISTAR_BUILD_DIR", os.path.join(os.path.dirname(__file__), "../../build"))
EXECUTABLES = {
    "tristar-sim": "gateway/sim/tristar-sim",
    "tristar-gatewayd": "gateway/daemon/tristar-gatewayd",
    "tristar-ctl": "gateway/ctl/tristar-ctl",
    "tristar-publisher": "publisher/tristar-publisher",
    "tristar-bridge": "gateway/bridge/tristar-bridge",
    "venus-settings-standin": "tests/support/venus-settings-standin",
}

# The defaults a user runs (pacing included); only the log is quieter.
TEST_CONFIG = '[log]\nlevel = "warn"\n'


# Another build's executables (an unpacked tarball's bin/) and what runs them (an emulator):
# set by tests that run a cross-built product, e.g. ["qemu-arm", "-L", "/usr/arm-linux-gnueabihf"].
BIN_DIR = None
RUNNER = []


def executable(name):
    if BIN_DIR is not None:
        return os.path.join(BIN_DIR, name)
    return os.path.join(BUILD_DIR, EXECUTABLES[name])


def command(name):
    """The argv prefix that starts one of the product's executables."""
    return [*RUNNER, executable(name)]


def stop_process(proc, grace=5):
    """SIGTERM to `proc` (by its pid), SIGKILL when it still runs after `grace` seconds; its exit
    code (negative: the signal that ended it)."""
    if proc.poll() is not None:
        return proc.returncode
    proc.terminate()
    try:
        return proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait(5)


class Daemon:
    """A child process whose first stdout line is its address."""

    def __init__(self, argv, log_path, timeout=10.0):
        self.log = open(log_path, "ab")
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self.log)
        self.address = self._first_line(timeout)

    def _first_line(self, timeout):
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            self.stop()
            raise RuntimeError("no address from %s" % self.proc.args[0])
        return self.proc.stdout.readline().decode().strip()

    def stop(self):
        code = stop_process(self.proc)
        self.proc.stdout.close()
        self.log.close()
        return code


def tail(path, size=2000):
    with open(path, errors="replace") as f:
        return f.read()[-size:]


class Stack:
    """A simulator (frozen values unless told otherwise) and a gateway in a temp dir."""

    def __init__(self, sim_args=("--frozen",), gateway_config=TEST_CONFIG):
        self.dir = tempfile.TemporaryDirectory(prefix="tristar-test-")
        self.stats = self.path("sim-stats.json")
        self.sim = Daemon([*command("tristar-sim"), "--tcp", "127.0.0.1:0", "--stats", self.stats, *sim_args],
                          self.path("sim.log"))
        config = self.path("gatewayd.toml")
        with open(config, "w") as f:
            f.write(gateway_config)
        self.gateway = Daemon([*command("tristar-gatewayd"), "--config", config, "--device", self.sim.address,
                               "--endpoint", "tcp://127.0.0.1:0"], self.path("gatewayd.log"))
        self.endpoint = self.gateway.address

    def path(self, name):
        return os.path.join(self.dir.name, name)

    def close(self):
        codes = {"tristar-gatewayd": self.gateway.stop(), "tristar-sim": self.sim.stop()}
        logs = {name: tail(self.path(log)) for name, log in
                (("tristar-gatewayd", "gatewayd.log"), ("tristar-sim", "sim.log"))}
        self.dir.cleanup()
        for name, code in codes.items():
            if code != 0:
                raise RuntimeError("%s exited with %s; its log ends with:\n%s" % (name, code, logs[name]))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def direct_read(device_uri, address, count, function=4, unit=1):
    """Reads the simulator directly with pymodbus (a fresh connection: it closes after each reply):
    tcp://HOST:PORT, or rtu://PATH at 9600 8N2. function 4 or 3 reads registers, 1 coils."""
    from pymodbus.client import ModbusSerialClient, ModbusTcpClient
    if device_uri.startswith("rtu://"):
        client = ModbusSerialClient(device_uri[len("rtu://"):], baudrate=9600, parity="N", stopbits=2, bytesize=8,
                                    timeout=3)
    else:
        host, port = device_uri[len("tcp://"):].rsplit(":", 1)
        client = ModbusTcpClient(host, port=int(port), timeout=3)
    try:
        if not client.connect():
            raise RuntimeError("cannot connect to " + device_uri)
        read = {4: client.read_input_registers, 3: client.read_holding_registers, 1: client.read_coils}[function]
        reply = read(address, count, slave=unit)
        if reply.isError():
            raise RuntimeError("direct read failed: %s" % reply)
        return list(reply.bits[:count]) if function == 1 else list(reply.registers)
    finally:
        client.close()


def wait_until(predicate, timeout=10.0):
    until = time.monotonic() + timeout
    while time.monotonic() < until:
        if predicate():
            return True
        time.sleep(0.005)
    return predicate()


def run(argv, timeout=30):
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
