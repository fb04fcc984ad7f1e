"""Fixtures for the publisher's tests: a private dbus-daemon, the localsettings stand-in, the
publisher, and busctl/dbus-send as the judges. Everything in a temp dir, stopped by pid."""
import json
import os
import subprocess

from tristar_stack import Daemon, command, run, stop_process, wait_until

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=%s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""

BUS_ITEM = "com.victronenergy.BusItem"


class Bus:
    """A private dbus-daemon; its first stdout line is its address."""

    def __init__(self, directory):
        config = os.path.join(directory, "bus.conf")
        with open(config, "w") as f:
            f.write(BUS_CONFIG % os.path.join(directory, "bus"))
        self.daemon = Daemon(["/usr/bin/dbus-daemon", "--config-file=" + config, "--nofork", "--nopidfile",
                              "--print-address=1"], os.path.join(directory, "dbus-daemon.log"))
        self.address = self.daemon.address

    def busctl(self, *args, check=True):
        result = run(["/usr/bin/busctl", "--address=" + self.address, *args])
        if check and result.returncode != 0:
            raise RuntimeError("busctl %s failed: %s" % (" ".join(args), result.stderr))
        return result

    def names(self):
        out = self.busctl("list", "--json=short").stdout
        return {entry["name"] for entry in json.loads(out)}

    def call(self, service, path, member, *args, interface=BUS_ITEM, check=True):
        """The reply of a method call as busctl's JSON ({"type": ..., "data": [...]})."""
        result = self.busctl("call", "--json=short", service, path, interface, member, *args, check=check)
        if result.returncode != 0:
            return None
        return json.loads(result.stdout)

    def get_items(self, service):
        return self.call(service, "/", "GetItems")["data"][0]

    def get_value(self, service, path):
        """(signature, value) of a leaf's GetValue."""
        reply = self.call(service, path, "GetValue")["data"][0]
        return reply["type"], reply["data"]

    def set_value(self, service, path, signature, value):
        return self.call(service, path, "SetValue", "v", signature, str(value))["data"][0]

    def dbus_send(self, service, path, member, *args):
        # --bus registers with the daemon (Hello); --address would not.
        return run(["/usr/bin/dbus-send", "--bus=" + self.address, "--print-reply", "--dest=" + service,
                    path, "%s.%s" % (BUS_ITEM, member), *args])

    def stop(self):
        return self.daemon.stop()


class SettingsStandin:
    """venus-settings-standin: AddSettings, setting objects and next-free instances on the bus."""

    def __init__(self, directory, bus, presets=()):
        argv = [*command("venus-settings-standin"), "--address", bus.address]
        for path, value in presets:
            argv += ["--preset", "%s=%s" % (path, value)]
        self.daemon = Daemon(argv, os.path.join(directory, "settings.log"))
        if self.daemon.address != "ready":
            raise RuntimeError("settings stand-in not ready: %r" % self.daemon.address)

    def stop(self):
        return self.daemon.stop()


def systemcalc_standin(directory, bus, *args):
    """systemcalc_standin.py on `bus` with `args` (its options: limits, BMS), logging to
    DIRECTORY/standin.log; returned once it is ready."""
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "systemcalc_standin.py")
    daemon = Daemon(["/usr/bin/python3", script, "--address", bus.address, *args],
                    os.path.join(directory, "standin.log"))
    if daemon.address != "ready":
        daemon.stop()
        raise RuntimeError("systemcalc stand-in not ready: %r" % daemon.address)
    return daemon


class Publisher:
    """tristar-publisher on a private bus; ready when its name is on the bus (name None: started,
    not waited for)."""

    def __init__(self, directory, bus, gateway, name, extra=(), config=None, timeout=15.0):
        self.log_path = os.path.join(directory, "publisher.log")
        self.log = open(self.log_path, "ab")
        argv = [*command("tristar-publisher"), "--gateway", gateway, "--dbus-address", bus.address,
                "--data-dir", os.path.join(directory, "data"), "--log-level", "debug", *extra]
        if config is not None:
            path = os.path.join(directory, "publisher.toml")
            with open(path, "w") as f:
                f.write(config)
            argv += ["--config", path]
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=self.log)
        self.bus = bus
        self.name = name
        if name is not None and not wait_until(lambda: name in bus.names() or self.proc.poll() is not None, timeout) or \
                self.proc.poll() is not None:
            self.stop()
            raise RuntimeError("publisher did not register %s; log:\n%s" % (name, self.log_text()[-3000:]))

    def log_text(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def kill(self):
        self.proc.kill()
        self.proc.wait(5)
        self.log.close()

    def stop(self):
        code = stop_process(self.proc, grace=10)
        if not self.log.closed:
            self.log.close()
        return code


def value_of(item):
    """The Value of a GetItems entry; None when invalid (an empty array)."""
    value = item["Value"]
    if value["type"].startswith("a") and value["data"] == []:
        return None
    return value["data"]


class Monitor:
    """busctl monitor --json=short on the private bus: every message to or from `service`."""

    def __init__(self, bus, directory, service):
        self.err_path = os.path.join(directory, "busctl-monitor.log")
        self.err = open(self.err_path, "wb")
        self.proc = subprocess.Popen(["/usr/bin/busctl", "--address=" + bus.address, "monitor", service,
                                      "--json=short"], stdout=subprocess.PIPE, stderr=self.err)

        def started():
            with open(self.err_path) as f:
                return "Monitoring bus message stream" in f.read()
        if not wait_until(started, 10):
            self.stop()
            raise RuntimeError("busctl monitor did not start")
        self.seen = []
        self.pending = b""

    def collect(self, predicate, timeout=10.0):
        """Reads messages until predicate(all messages so far) holds; returns whether it did."""
        import select
        import time
        until = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while not predicate(self.seen):
            left = until - time.monotonic()
            if left <= 0:
                return False
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return predicate(self.seen)
            self.pending += chunk
            *lines, self.pending = self.pending.split(b"\n")
            self.seen += [json.loads(line) for line in lines if line.strip().startswith(b"{")]
        return True

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(5)
        self.proc.stdout.close()
        self.err.close()


def leaf_value(bus, service, path):
    """A leaf's value by GetValue; None when invalid (an empty array)."""
    signature, data = bus.get_value(service, path)
    if signature.startswith("a") and data == []:
        return None
    return data


def finish_stack(stack, codes):
    """The end of a publisher stack's close(), after the publisher and what follows it stopped
    (their exit codes in `codes`): the simulator and the bus stopped, the temp dir removed, then
    every exit code checked, with the end of the publisher's log."""
    codes["tristar-sim"] = stack.sim.stop()
    stack.bus.stop()
    log = stack.publisher.log_text()
    stack.tmp.cleanup()
    check_exit_codes(codes, log)


def check_exit_codes(codes, publisher_log):
    """Fails when any of {name: exit code} is not 0, with the end of the publisher's log."""
    for name, code in codes.items():
        if code != 0:
            raise AssertionError("%s exited with %s; publisher log ends with:\n%s" % (name, code, publisher_log[-3000:]))
