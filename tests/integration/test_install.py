"""The installers: deploy/venus/install.sh and uninstall.sh into a temp root laid out like a GX
device's /data, with the real executables; deploy/systemd/install.sh into a temp root, its
units judged by systemd-analyze (verify and the offline security review)."""
import hashlib
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import tomllib
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../support"))
from tristar_stack import Daemon, executable  # noqa: E402

SOURCE_DIR = os.path.normpath(os.path.join(os.path.dirname(__file__), "../.."))
VENUS_DIR = os.path.join(SOURCE_DIR, "deploy/venus")
SYSTEMD_DIR = os.path.join(SOURCE_DIR, "deploy/systemd")
# what both installers source: from deploy/shared, or (the Venus one) from next to itself in the tarball
CONFIG_DEVICES = os.path.join(SOURCE_DIR, "deploy/shared/config-devices.sh")
CONFIG_DIR = os.path.join(SOURCE_DIR, "deploy/config")
PACKAGED = ("tristar-gatewayd", "tristar-publisher", "tristar-bridge", "tristar-ctl")
DEVICE = "tcp://192.168.1.253:502"
RTU_DEVICE = "rtu:///dev/ttyUSB0?baud=9600&parity=N&stop=2"
BEGIN, END = "# >>> tristar >>>", "# <<< tristar <<<"


def run(argv, **kwargs):
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, **kwargs)


def snapshot(root):
    """Every entry under root: type, mode, and content (files) or target (links)."""
    tree = {}
    for top, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(top, name)
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                what = "link " + os.readlink(path)
            elif stat.S_ISDIR(st.st_mode):
                what = "dir"
            else:
                with open(path, "rb") as f:
                    what = "file " + hashlib.sha256(f.read()).hexdigest()
            tree[os.path.relpath(path, root)] = (what, oct(stat.S_IMODE(st.st_mode)))
    return tree


def mode(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


def read(path):
    with open(path) as f:
        return f.read()


def write(path, text, perms=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, perms)


BUNDLED_LIB = "libexample.so.1"


def auth_clients(path):
    """{name: public_key} of the [[auth.clients]] tables of a gateway config."""
    return dict(re.findall(r'^\[\[auth\.clients\]\]\nname = "(.*)"\npublic_key = "(.*)"$', read(path), re.M))


def toml_string(text, key):
    found = re.findall(r'^%s = "(.*)"$' % re.escape(key), text, re.M)
    assert len(found) == 1, (key, found)
    return found[0]


def config_uri(path):
    found = re.findall(r'^uri = "(.*)"$', read(path), re.M)
    return found


def check_update_finds_a_dash_first_key(test, pub_path, config_path):
    """Makes a client's public key begin with '-' (a Z85 digit, as one key in 85 does) in its
    .pub file and in the gateway's config, updates, and checks that the key was found there:
    no second [[auth.clients]] table, every client as before."""
    old = read(pub_path).strip()
    new = "-" + old[1:]
    write(pub_path, new + "\n")
    write(config_path, read(config_path).replace(old, new))
    clients = auth_clients(config_path)
    tables = read(config_path).count("[[auth.clients]]")
    test.install()
    test.assertEqual(read(config_path).count("[[auth.clients]]"), tables)
    test.assertEqual(auth_clients(config_path), clients)
    test.assertEqual(clients[os.path.basename(pub_path)[:-len(".pub")]], new)


def check_several_devices_config_is_kept(test, install, config_path):
    """A config of several devices ([[devices]]) survives an update as it is, and --device, which
    would put a uri into [device], is refused (exit 2) without touching it."""
    text = re.sub(r'(?m)^(name|uri) = .*\n', "", read(config_path), count=2)
    text += ('\n[[devices]]\nname = "east"\nuri = "tcp://192.168.1.253:502"\n'
             '\n[[devices]]\nname = "west"\nuri = "tcp://192.168.1.254:502"\n')
    write(config_path, text)
    install()
    test.assertEqual(read(config_path), text)
    out = install("--device", DEVICE, expect=2)
    test.assertIn("[[devices]]", out.stderr)
    test.assertEqual(read(config_path), text)


def gateway_devices(path):
    """The [device] table and the [[devices]] list of a gateway config, as TOML reads them."""
    with open(path, "rb") as f:
        config = tomllib.load(f)
    return config.get("device", {}), config.get("devices", [])


def without_devices(path):
    """A gateway config as TOML reads it, without [device] and [[devices]]."""
    with open(path, "rb") as f:
        config = tomllib.load(f)
    return {key: value for key, value in config.items() if key not in ("device", "devices")}


def check_named_devices(test, install, config_path):
    """--device NAME=URI and NAME:UNIT=URI, repeated, write the [[devices]] list in their order, in
    place of [device]'s uri and name and of any list the config had: on a first install (run in a
    fresh root), on an update of a list and of a single-device config. The built gateway accepts
    each config. Usage errors exit 2 and touch nothing."""
    other = "tcp://192.168.1.254:502"
    gatewayd = executable("tristar-gatewayd")

    def check_config():
        out = run([gatewayd, "--config", config_path, "--check-config"])
        test.assertEqual(out.returncode, 0, out.stdout + out.stderr)

    test.assertIn("--device NAME:UNIT=URI", install("--help").stdout)
    # (a) a first install of two TriStars, each on its own address
    out = install("--device", "east=" + DEVICE, "--device", "west=" + other)
    test.assertIn("the gateway talks to 2 devices: east %s, west %s" % (DEVICE, other), out.stdout)
    device, devices = gateway_devices(config_path)
    test.assertEqual(devices, [{"name": "east", "uri": DEVICE}, {"name": "west", "uri": other}])
    default_device, _ = gateway_devices(os.path.join(CONFIG_DIR, "tristar-gatewayd.toml"))
    test.assertEqual(device, {k: v for k, v in default_device.items() if k not in ("uri", "name")})
    text = read(config_path)
    test.assertIn('\n[[devices]]\nname = "east"\nuri = "%s"\n\n[[devices]]\nname = "west"\nuri = "%s"\n'
                  % (DEVICE, other), text)
    # the default config's lines, but for [device]'s uri and name, come first and unchanged
    original = [line for line in read(os.path.join(CONFIG_DIR, "tristar-gatewayd.toml")).splitlines()
                if not line.startswith(("uri =", "name ="))]
    test.assertEqual(text.splitlines()[:len(original)], original)
    check_config()

    # (e) usage errors: exit 2, naming the argument, nothing touched
    before = snapshot(os.path.dirname(config_path))
    for args, culprit in [
            (["--device", "east=" + DEVICE, "--device", "east=" + other], "east=" + other),   # a name twice
            (["--device", "east:0=" + DEVICE], "east:0=" + DEVICE),
            (["--device", "east:248=" + DEVICE], "east:248=" + DEVICE),
            (["--device", "east:one=" + DEVICE], "east:one=" + DEVICE),
            (["--device", DEVICE, "--device", "west=" + other], "west=" + other),             # bare and named
            (["--device", "west=" + other, "--device", DEVICE], DEVICE),
            (["--device", DEVICE, "--device", other], other),                                 # bare twice
            (["--device", "east.1=" + DEVICE], "east.1=" + DEVICE),
            (["--device", "x" * 33 + "=" + DEVICE], "x" * 33 + "=" + DEVICE),
            (["--device", "east=192.168.1.253"], "east=192.168.1.253"),
            (["--device", "east=" + DEVICE, "--device", "west=tcp://192.168.1.253"],          # one address, one unit
             "west=tcp://192.168.1.253"),
            (["--device", "a=" + RTU_DEVICE, "--device", "b=" + RTU_DEVICE], "b=" + RTU_DEVICE)]:
        out = install(*args, expect=2)
        test.assertIn("'%s'" % culprit, out.stderr, args)
        test.assertEqual(snapshot(os.path.dirname(config_path)), before, args)
    out = install("--device", DEVICE, expect=2)  # a bare URI on a list: refused as before
    test.assertIn("[[devices]]", out.stderr)
    test.assertEqual(snapshot(os.path.dirname(config_path)), before)

    # (b, d) an update replaces the list: two units on one serial line
    rest = without_devices(config_path)
    out = install("--device", "roof-1:1=" + RTU_DEVICE, "--device", "roof-2:02=" + RTU_DEVICE)
    test.assertIn("2 devices: roof-1 %s unit 1, roof-2 %s unit 2" % (RTU_DEVICE, RTU_DEVICE), out.stdout)
    test.assertEqual(gateway_devices(config_path),
                     (device, [{"name": "roof-1", "uri": RTU_DEVICE, "unit": 1},
                               {"name": "roof-2", "uri": RTU_DEVICE, "unit": 2}]))
    test.assertEqual(len(re.findall(r"^\[\[devices\]\]$", read(config_path), re.M)), 2)
    test.assertEqual(without_devices(config_path), rest)
    check_config()
    text = read(config_path)
    install()  # an update without --device keeps it
    test.assertEqual(read(config_path), text)

    # (c) an update of a single-device config: [device] loses uri and name, keeps the rest
    os.unlink(config_path)
    install("--device", DEVICE)
    write(config_path, read(config_path).replace("read_retries = 2", "read_retries = 3"))
    single, _ = gateway_devices(config_path)
    test.assertEqual((single["uri"], single["read_retries"]), (DEVICE, 3))
    rest = without_devices(config_path)
    install("--device", "east=" + DEVICE, "--device", "west:2=" + DEVICE)
    test.assertEqual(gateway_devices(config_path),
                     ({k: v for k, v in single.items() if k not in ("uri", "name")},
                      [{"name": "east", "uri": DEVICE}, {"name": "west", "uri": DEVICE, "unit": 2}]))
    test.assertEqual(config_uri(config_path), [DEVICE, DEVICE])
    test.assertEqual(without_devices(config_path), rest)
    check_config()


class VenusInstall(unittest.TestCase):
    """install.sh run from an unpacked tarball: bin/, config/, install.sh, config-devices.sh, uninstall.sh."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="tristar-install-")
        cls.package = os.path.join(cls.tmp.name, "tristar-test-x86_64")
        os.makedirs(os.path.join(cls.package, "bin"))
        for exe in PACKAGED:
            shutil.copy2(executable(exe), os.path.join(cls.package, "bin", exe))
        shutil.copytree(CONFIG_DIR, os.path.join(cls.package, "config"))
        # a bundled library, as the armhf tarball carries them
        write(os.path.join(cls.package, "lib", BUNDLED_LIB), "\x7fELF not really\n", 0o644)
        for script in ("install.sh", "uninstall.sh"):
            shutil.copy2(os.path.join(VENUS_DIR, script), os.path.join(cls.package, script))
        shutil.copy2(CONFIG_DEVICES, os.path.join(cls.package, "config-devices.sh"))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="root-", dir=self.tmp.name)
        # a GX's /data holds other things, which the installer must leave alone
        write(self.p("data/conf/serial-starter.d/other.conf"), "service other\n")
        write(self.p("data/unrelated.txt"), "mine\n", 0o600)
        self.before = snapshot(self.root)

    def tearDown(self):
        shutil.rmtree(self.root)

    def p(self, rel):
        return os.path.join(self.root, rel)

    def t(self, rel):
        return self.p("data/tristar/" + rel)

    def install(self, *args, expect=0):
        out = run(["/bin/sh", os.path.join(self.package, "install.sh"), "--root", self.root, *args])
        self.assertEqual(out.returncode, expect, out.stdout + out.stderr)
        return out

    def uninstall(self, *args, expect=0):
        out = run(["/bin/sh", self.t("uninstall.sh"), "--root", self.root, *args])
        self.assertEqual(out.returncode, expect, out.stdout + out.stderr)
        return out

    def hook_lines(self):
        text = read(self.p("data/rc.local"))
        self.assertEqual(text.count(BEGIN), 1, text)
        self.assertEqual(text.count(END), 1, text)
        block = text[text.index(BEGIN):text.index(END)]
        return [line for line in block.splitlines() if not line.startswith("#")]

    def assert_service(self, name):
        run_script = self.t("service/%s/run" % name)
        log_run = self.t("service/%s/log/run" % name)
        self.assertEqual(read(run_script),
                         "#!/bin/sh\nexec 2>&1\nexec /data/tristar/bin/%s --config /data/tristar/config/%s.toml"
                         " --log-plain\n" % (name, name))
        self.assertEqual(read(log_run), "#!/bin/sh\nexec multilog t s25000 n4 /var/log/%s\n" % name)
        self.assertEqual(mode(run_script), 0o755)
        self.assertEqual(mode(log_run), 0o755)
        self.assertEqual(mode(self.t("service/" + name)), 0o755)

    def assert_keys(self, names):
        self.assertEqual(mode(self.t("keys")), 0o700)
        self.assertEqual(sorted(os.listdir(self.t("keys"))), sorted(n + ext for n in names for ext in (".key", ".pub")))
        for name in names:
            self.assertEqual(mode(self.t("keys/%s.key" % name)), 0o600)
            self.assertEqual(len(read(self.t("keys/%s.pub" % name)).strip()), 40)

    def check_config(self, exe):
        out = run([self.t("bin/" + exe), "--config", self.t("config/%s.toml" % exe), "--check-config"])
        self.assertEqual(out.returncode, 0, out.stderr)

    def test_first_install_lays_out_bin_config_services_and_hook(self):
        self.install("--device", DEVICE)
        for exe in PACKAGED:
            self.assertEqual(mode(self.t("bin/" + exe)), 0o755, exe)
            with open(self.t("bin/" + exe), "rb") as a, open(executable(exe), "rb") as b:
                self.assertEqual(a.read(), b.read(), exe)
        for name in ("tristar-gatewayd", "tristar-publisher", "tristar-bridge"):
            self.assertEqual(mode(self.t("config/%s.toml" % name)), 0o644)
        self.assertEqual(mode(self.t("uninstall.sh")), 0o755)
        self.assertEqual(mode(self.t("lib/" + BUNDLED_LIB)), 0o644)
        self.assertEqual(read(self.t("lib/" + BUNDLED_LIB)), read(os.path.join(self.package, "lib", BUNDLED_LIB)))
        self.assert_service("tristar-gatewayd")
        self.assert_service("tristar-publisher")
        self.assertFalse(os.path.exists(self.t("service/tristar-bridge")))
        self.assertEqual(sorted(os.listdir(self.t("service"))), ["tristar-gatewayd", "tristar-publisher"])
        # the device line changed, and [auth] was added at the end; nothing else changed
        self.assertEqual(config_uri(self.t("config/tristar-gatewayd.toml")), [DEVICE])
        original = read(os.path.join(CONFIG_DIR, "tristar-gatewayd.toml")).splitlines()
        installed = read(self.t("config/tristar-gatewayd.toml")).splitlines()
        self.assertEqual([a for a in original if not a.startswith("uri =")],
                         [b for b in installed[:len(original)] if not b.startswith("uri =")])
        self.assert_keys(["tristar-gatewayd", "tristar-publisher"])
        added = "\n".join(installed[len(original):])
        self.assertIn('curve_endpoints = ["tcp://127.0.0.1:5556"]', added)
        self.assertIn('curve_secret_key_file = "/data/tristar/keys/tristar-gatewayd.key"', added)
        self.assertEqual(auth_clients(self.t("config/tristar-gatewayd.toml")),
                         {"tristar-publisher": read(self.t("keys/tristar-publisher.pub")).strip()})
        self.assertRegex(added, r'\[\[auth.ipc_peers\]\]\nname = "tristar-ctl"\nuid = 0\n')
        # the publisher connects to the CURVE endpoint with its key; nothing else changed
        publisher = read(self.t("config/tristar-publisher.toml"))
        self.assertEqual(toml_string(publisher, "gateway"), "tcp://127.0.0.1:5556")
        self.assertEqual(toml_string(publisher, "server_public_key_file"), "/data/tristar/keys/tristar-gatewayd.pub")
        self.assertEqual(toml_string(publisher, "client_secret_key_file"), "/data/tristar/keys/tristar-publisher.key")
        changed = re.compile(r"^(gateway|server_public_key_file|client_secret_key_file) = ")
        self.assertEqual([a for a in read(os.path.join(CONFIG_DIR, "tristar-publisher.toml")).splitlines()
                          if not changed.match(a)],
                         [b for b in publisher.splitlines() if not changed.match(b)])
        for exe in ("tristar-gatewayd", "tristar-publisher", "tristar-bridge"):
            self.check_config(exe)
        # the boot hook: a new rc.local, executable, that re-creates the /service links
        rc_local = read(self.p("data/rc.local"))
        self.assertTrue(rc_local.startswith("#!/bin/sh\n"), rc_local)
        self.assertEqual(mode(self.p("data/rc.local")), 0o755)
        self.assertEqual(self.hook_lines(), [
            "ln -sfn /data/tristar/service/tristar-gatewayd /service/tristar-gatewayd",
            "ln -sfn /data/tristar/service/tristar-publisher /service/tristar-publisher"])
        # --root: nothing outside <root>/data
        self.assertEqual(sorted(os.listdir(self.root)), ["data"])
        self.assertTrue(os.path.isfile(self.t(".installed")))

    def test_rtu_device_uri_is_written_verbatim(self):
        self.install("--device", RTU_DEVICE)
        self.assertEqual(config_uri(self.t("config/tristar-gatewayd.toml")), [RTU_DEVICE])
        self.check_config("tristar-gatewayd")

    def test_update_keeps_config_and_one_hook_block(self):
        self.install("--device", DEVICE)
        config = self.t("config/tristar-gatewayd.toml")
        edited = read(config).replace("read_retries = 2", "read_retries = 3")
        write(config, edited)
        out = self.install()  # an update needs no --device
        self.assertIn("keeping", out.stdout)
        self.assertEqual(read(config), edited)
        self.assertEqual(len(self.hook_lines()), 2)
        self.assert_service("tristar-gatewayd")
        # an update with --device changes only the device line
        self.install("--device", RTU_DEVICE)
        self.assertEqual(config_uri(config), [RTU_DEVICE])
        self.assertIn("read_retries = 3", read(config))
        self.assertEqual(len(self.hook_lines()), 2)
        self.check_config("tristar-gatewayd")

    def test_existing_rc_local_keeps_its_lines_and_comes_back_unchanged(self):
        original = "#!/bin/sh\n# my things\necho hello > /tmp/hello\nexit 0\n"
        write(self.p("data/rc.local"), original, 0o755)
        before = snapshot(self.root)
        self.install("--device", DEVICE)
        self.install()
        lines = read(self.p("data/rc.local")).splitlines()
        self.assertEqual(lines[:3], ["#!/bin/sh", "# my things", "echo hello > /tmp/hello"])
        self.assertEqual(lines[-1], "exit 0", "the hook must run before the final exit")
        self.assertEqual(len(self.hook_lines()), 2)
        self.uninstall("--purge")
        self.assertEqual(read(self.p("data/rc.local")), original)
        self.assertEqual(snapshot(self.root), before)

    def test_uninstall_removes_what_install_added_and_nothing_else(self):
        self.install("--device", DEVICE, "--with-bridge")
        self.install("--with-bridge")
        # what daemontools and the publisher create at run time
        os.makedirs(self.t("service/tristar-gatewayd/supervise"))
        os.makedirs(self.t("service/tristar-gatewayd/log/supervise"))
        write(self.t("history"), "history\n")
        self.uninstall()
        # kept: the user's configs and the publisher's data; gone: all the rest
        left = sorted(os.path.relpath(os.path.join(top, f), self.t(""))
                      for top, _, files in os.walk(self.t("")) for f in files)
        self.assertEqual(left, ["config/tristar-bridge.toml", "config/tristar-gatewayd.toml",
                                "config/tristar-publisher.toml", "history",
                                "keys/tristar-bridge.key", "keys/tristar-bridge.pub",
                                "keys/tristar-gatewayd.key", "keys/tristar-gatewayd.pub",
                                "keys/tristar-publisher.key", "keys/tristar-publisher.pub"])
        left_dirs = sorted(os.path.relpath(os.path.join(top, d), self.t(""))
                           for top, dirs, _ in os.walk(self.t("")) for d in dirs)
        self.assertEqual(left_dirs, ["config", "keys"])
        self.assertFalse(os.path.exists(self.p("data/rc.local")))
        # installing again finds the config and needs no --device
        self.install()
        self.assertEqual(config_uri(self.t("config/tristar-gatewayd.toml")), [DEVICE])
        self.uninstall("--purge")
        self.assertEqual(snapshot(self.root), self.before)

    def test_uninstall_purge_after_a_plain_install_restores_the_tree(self):
        self.install("--device", DEVICE)
        write(self.t("custom-name"), "Roof\n")
        self.uninstall("--purge")
        self.assertEqual(snapshot(self.root), self.before)

    def test_update_with_bridge_adds_its_key_and_keeps_the_others(self):
        self.install("--device", DEVICE)
        gateway_key = read(self.t("keys/tristar-gatewayd.key"))
        before = auth_clients(self.t("config/tristar-gatewayd.toml"))
        self.install("--with-bridge")
        self.assertEqual(read(self.t("keys/tristar-gatewayd.key")), gateway_key)
        clients = auth_clients(self.t("config/tristar-gatewayd.toml"))
        self.assertEqual(clients, {**before, "tristar-bridge": read(self.t("keys/tristar-bridge.pub")).strip()})
        self.assertEqual(len(re.findall(r"^\[auth\]$", read(self.t("config/tristar-gatewayd.toml")), re.M)), 1)
        bridge = read(self.t("config/tristar-bridge.toml"))
        self.assertEqual(toml_string(bridge, "gateway"), "tcp://127.0.0.1:5556")
        self.assertEqual(toml_string(bridge, "client_secret_key_file"), "/data/tristar/keys/tristar-bridge.key")
        self.install()  # nothing more to add
        self.assertEqual(auth_clients(self.t("config/tristar-gatewayd.toml")), clients)
        check_update_finds_a_dash_first_key(self, self.t("keys/tristar-bridge.pub"),
                                            self.t("config/tristar-gatewayd.toml"))
        for exe in ("tristar-gatewayd", "tristar-publisher", "tristar-bridge"):
            self.check_config(exe)

    def test_installed_keys_and_configs_connect_the_bridge(self):
        """The installed configs, run: the gateway's CURVE endpoint takes the bridge's key."""
        self.install("--device", DEVICE, "--with-bridge")
        here = self.t("")

        def local(text):  # the target's paths in the staging root, ephemeral ports
            return (text.replace("/data/tristar/", here).replace("127.0.0.1:5556", "127.0.0.1:0")
                    .replace("127.0.0.1:5555", "127.0.0.1:0").replace("ipc:///run/tristar/", "ipc://" + here))
        for exe in ("tristar-gatewayd", "tristar-publisher", "tristar-bridge"):
            write(self.t("run-%s.toml" % exe), local(read(self.t("config/%s.toml" % exe))))
        sim = Daemon([executable("tristar-sim"), "--tcp", "127.0.0.1:0", "--frozen"], self.t("sim.log"))
        gateway = bridge = None
        try:
            gateway = Daemon([executable("tristar-gatewayd"), "--config", self.t("run-tristar-gatewayd.toml"),
                              "--device", sim.address, "--log-level", "info"], self.t("gatewayd.log"))
            lines = [gateway.address] + [gateway.proc.stdout.readline().decode().strip() for _ in range(2)]
            curve = lines[2]
            bridge = Daemon([executable("tristar-bridge"), "--config", self.t("run-tristar-bridge.toml"),
                             "--listen", "127.0.0.1:0", "--gateway", curve], self.t("bridge.log"))
            from pymodbus.client import ModbusTcpClient
            host, port = bridge.address[len("tcp://"):].rsplit(":", 1)
            client = ModbusTcpClient(host, port=int(port), timeout=5)
            self.assertTrue(client.connect())
            reply = client.read_input_registers(0x18, 4, slave=1)
            client.close()
            self.assertFalse(reply.isError(), str(reply) + read(self.t("gatewayd.log"))[-2000:])
            # the CLI as root on the ipc socket is tristar-ctl; on the plain endpoint it may not write
            ctl = [executable("tristar-ctl"), "--timeout", "3000"]
            if os.getuid() == 0:
                out = run(ctl + ["--endpoint", lines[1], "write", "coil", "2", "off"])
                self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
            out = run(ctl + ["--endpoint", lines[0], "write", "coil", "2", "off"])
            self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
            self.assertIn("not authenticated", out.stderr)
        finally:
            for daemon in (bridge, gateway, sim):
                if daemon is not None:
                    daemon.stop()

    def test_with_bridge_adds_the_bridge_service_until_without_bridge(self):
        self.install("--device", DEVICE, "--with-bridge")
        self.assert_service("tristar-bridge")
        self.assertIn("ln -sfn /data/tristar/service/tristar-bridge /service/tristar-bridge", self.hook_lines())
        self.install()  # an update keeps the bridge
        self.assert_service("tristar-bridge")
        self.assertEqual(len(self.hook_lines()), 3)
        self.install("--without-bridge")
        self.assertFalse(os.path.exists(self.t("service/tristar-bridge")))
        self.assertEqual(len(self.hook_lines()), 2)
        self.assertNotIn("service tristar-bridge", read(self.t(".installed")))
        self.uninstall("--purge")
        self.assertEqual(snapshot(self.root), self.before)

    def test_bad_usage_exits_2_and_touches_nothing(self):
        cases = [
            [],                                   # first install without --device
            ["--device"],
            ["--device", "ftp://192.168.1.253"],
            ["--device", "192.168.1.253"],
            ["--device", 'tcp://a"b'],
            ["--device", DEVICE, "--bogus"],
            ["--device", DEVICE, "--root"],
        ]
        for args in cases:
            out = self.install(*args, expect=2)
            self.assertTrue(out.stderr.strip(), args)
        out = run(["/bin/sh", os.path.join(self.package, "install.sh"), "--root",
                   self.p("no-such-dir"), "--device", DEVICE])
        self.assertEqual(out.returncode, 2)
        self.assertEqual(snapshot(self.root), self.before)
        out = run(["/bin/sh", os.path.join(self.package, "install.sh"), "--help"])
        self.assertEqual(out.returncode, 0)
        self.assertIn("--device", out.stdout)
        uninstall = os.path.join(self.package, "uninstall.sh")
        self.assertEqual(run(["/bin/sh", uninstall, "--root", self.root, "--bogus"]).returncode, 2)
        self.assertEqual(run(["/bin/sh", uninstall, "--help"]).returncode, 0)
        # nothing installed: a clear failure, not a usage error
        out = run(["/bin/sh", uninstall, "--root", self.root])
        self.assertEqual(out.returncode, 1)
        self.assertIn(".installed", out.stderr)

    def test_a_config_of_several_devices_is_kept_and_device_refused(self):
        self.install("--device", DEVICE)
        check_several_devices_config_is_kept(self, self.install, self.t("config/tristar-gatewayd.toml"))
        self.check_config("tristar-gatewayd")

    def test_named_devices_write_the_devices_list(self):
        config = self.t("config/tristar-gatewayd.toml")
        check_named_devices(self, self.install, config)
        self.install("--device=solo=" + DEVICE)
        self.assertEqual(gateway_devices(config)[1], [{"name": "solo", "uri": DEVICE}])
        self.check_config("tristar-gatewayd")

    def test_a_config_the_gateway_rejects_stops_the_install(self):
        self.install("--device", DEVICE)
        write(self.t("config/tristar-gatewayd.toml"), "[device]\nuri = \"tcp://192.168.1.253\"\nbogus_key = 1\n")
        out = self.install(expect=1)
        self.assertIn("tristar-gatewayd.toml", out.stderr)

    def test_from_the_source_tree_and_without_config_devices(self):
        # the tarball's install.sh sources the config-devices.sh next to it, deploy/venus/install.sh
        # deploy/shared/config-devices.sh: the same install
        self.install("--device", "solo=" + DEVICE)
        checkout_root = tempfile.mkdtemp(prefix="root-", dir=self.tmp.name)
        self.addCleanup(shutil.rmtree, checkout_root)
        out = run(["/bin/sh", os.path.join(VENUS_DIR, "install.sh"), "--root", checkout_root, "--from", self.package,
                   "--device", "solo=" + DEVICE])
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertEqual(sorted(snapshot(os.path.join(checkout_root, "data/tristar"))), sorted(snapshot(self.t(""))))
        self.assertEqual(read(os.path.join(checkout_root, "data/tristar/config/tristar-gatewayd.toml")),
                         read(self.t("config/tristar-gatewayd.toml")).replace(
                             read(self.t("keys/tristar-publisher.pub")).strip(),
                             read(os.path.join(checkout_root, "data/tristar/keys/tristar-publisher.pub")).strip()))
        # an install.sh without it stops before touching anything
        lone = tempfile.mkdtemp(prefix="lone-", dir=self.tmp.name)
        self.addCleanup(shutil.rmtree, lone)
        shutil.copy2(os.path.join(self.package, "install.sh"), lone)
        empty_root = os.path.join(lone, "root")
        os.makedirs(empty_root)
        out = run(["/bin/sh", os.path.join(lone, "install.sh"), "--root", empty_root, "--from", self.package,
                   "--device", DEVICE])
        self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
        self.assertIn("config-devices.sh is missing", out.stderr)
        self.assertEqual(os.listdir(empty_root), [])

    def test_scripts_parse(self):
        for script in [os.path.join(VENUS_DIR, s) for s in ("install.sh", "uninstall.sh")] + [CONFIG_DEVICES]:
            for shell in ("bash", "sh"):
                out = run([shell, "-n", script])
                self.assertEqual(out.returncode, 0, out.stderr)


UNITS = ("tristar-gatewayd.service", "tristar-bridge.service")


class SystemdInstall(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="tristar-systemd-")

    def tearDown(self):
        shutil.rmtree(self.root)

    def p(self, rel):
        return os.path.join(self.root, rel)

    def install(self, *args, expect=0):
        out = run(["/bin/sh", os.path.join(SYSTEMD_DIR, "install.sh"), "--root", self.root,
                   "--build-dir", os.path.dirname(os.path.dirname(os.path.dirname(executable("tristar-gatewayd")))),
                   *args])
        self.assertEqual(out.returncode, expect, out.stdout + out.stderr)
        return out

    def analyze(self, *args):
        self.assertTrue(shutil.which("systemd-analyze"), "systemd-analyze missing: run deploy/dev/install-deps.sh")
        # the units systemd itself ships (targets the verify resolves) inside the temp root
        lib = self.p("usr/lib/systemd/system")
        if not os.path.isdir(lib):
            shutil.copytree("/usr/lib/systemd/system", lib, symlinks=True)
        return run(["systemd-analyze", *args, "--root=" + self.root])

    def test_install_puts_binaries_configs_and_units_in_place(self):
        self.install("--device", DEVICE)
        for exe in ("tristar-gatewayd", "tristar-bridge", "tristar-ctl"):
            self.assertEqual(mode(self.p("usr/local/bin/" + exe)), 0o755)
        for unit in UNITS:
            self.assertEqual(read(self.p("etc/systemd/system/" + unit)), read(os.path.join(SYSTEMD_DIR, unit)))
            self.assertEqual(mode(self.p("etc/systemd/system/" + unit)), 0o644)
        self.assertEqual(config_uri(self.p("etc/tristar/tristar-gatewayd.toml")), [DEVICE])
        # keys: made once, secret ones root's; systemd hands each service its own
        self.assertEqual(sorted(os.listdir(self.p("etc/tristar/keys"))),
                         ["tristar-bridge.key", "tristar-bridge.pub", "tristar-gatewayd.key", "tristar-gatewayd.pub"])
        for name in ("tristar-gatewayd", "tristar-bridge"):
            self.assertEqual(mode(self.p("etc/tristar/keys/%s.key" % name)), 0o600)
            self.assertEqual(mode(self.p("etc/tristar/keys/%s.pub" % name)), 0o644)
            self.assertIn("\nLoadCredential=curve.key:/etc/tristar/keys/%s.key\n" % name,
                          read(self.p("etc/systemd/system/%s.service" % name)))
        gateway = read(self.p("etc/tristar/tristar-gatewayd.toml"))
        self.assertIn('curve_secret_key_file = "/run/credentials/tristar-gatewayd.service/curve.key"', gateway)
        self.assertEqual(auth_clients(self.p("etc/tristar/tristar-gatewayd.toml")),
                         {"tristar-bridge": read(self.p("etc/tristar/keys/tristar-bridge.pub")).strip()})
        bridge = read(self.p("etc/tristar/tristar-bridge.toml"))
        self.assertEqual(toml_string(bridge, "gateway"), "tcp://127.0.0.1:5556")
        self.assertEqual(toml_string(bridge, "server_public_key_file"), "/etc/tristar/keys/tristar-gatewayd.pub")
        self.assertEqual(toml_string(bridge, "client_secret_key_file"),
                         "/run/credentials/tristar-bridge.service/curve.key")
        changed = re.compile(r"^(gateway|server_public_key_file|client_secret_key_file) = ")
        self.assertEqual([a for a in read(os.path.join(CONFIG_DIR, "tristar-bridge.toml")).splitlines()
                          if not changed.match(a)],
                         [b for b in bridge.splitlines() if not changed.match(b)])
        for exe in ("tristar-gatewayd", "tristar-bridge"):
            out = run([self.p("usr/local/bin/" + exe), "--config", self.p("etc/tristar/%s.toml" % exe),
                       "--check-config"])
            self.assertEqual(out.returncode, 0, out.stderr)

    def test_update_keeps_the_config(self):
        self.install("--device", DEVICE)
        config = self.p("etc/tristar/tristar-gatewayd.toml")
        edited = read(config).replace("read_retries = 2", "read_retries = 3")
        write(config, edited)
        keys = {name: read(self.p("etc/tristar/keys/" + name)) for name in os.listdir(self.p("etc/tristar/keys"))}
        bridge = read(self.p("etc/tristar/tristar-bridge.toml"))
        self.install()
        self.assertEqual(read(config), edited)
        self.assertEqual({name: read(self.p("etc/tristar/keys/" + name)) for name in keys}, keys)
        self.assertEqual(read(self.p("etc/tristar/tristar-bridge.toml")), bridge)
        check_update_finds_a_dash_first_key(self, self.p("etc/tristar/keys/tristar-bridge.pub"), config)

    def test_a_config_of_several_devices_is_kept_and_device_refused(self):
        self.install("--device", DEVICE)
        check_several_devices_config_is_kept(self, self.install, self.p("etc/tristar/tristar-gatewayd.toml"))

    def test_named_devices_write_the_devices_list(self):
        check_named_devices(self, self.install, self.p("etc/tristar/tristar-gatewayd.toml"))

    def test_no_bridge_installs_the_gateway_only(self):
        self.install("--device", DEVICE, "--no-bridge")
        self.assertTrue(os.path.exists(self.p("etc/systemd/system/tristar-gatewayd.service")))
        self.assertFalse(os.path.exists(self.p("etc/systemd/system/tristar-bridge.service")))
        self.assertFalse(os.path.exists(self.p("usr/local/bin/tristar-bridge")))

    def test_bad_usage_exits_2(self):
        for args in ([], ["--device", "udp://x"], ["--device", DEVICE, "--bogus"], ["--device"]):
            out = self.install(*args, expect=2)
            self.assertTrue(out.stderr.strip(), args)
        self.assertEqual(os.listdir(self.root), [])

    def test_units_pass_systemd_analyze_verify_without_a_warning(self):
        self.install("--device", DEVICE)
        out = self.analyze("verify", *("/etc/systemd/system/" + u for u in UNITS))
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertEqual(out.stdout + out.stderr, "")
        # the check can fail: a unit with a bad value, or a missing executable, is reported
        broken = self.p("etc/systemd/system/tristar-broken.service")
        write(broken, read(os.path.join(SYSTEMD_DIR, UNITS[0])).replace("ProtectHome=yes", "ProtectHome=bogus"))
        out = self.analyze("verify", "/etc/systemd/system/tristar-broken.service")
        self.assertRegex(out.stdout + out.stderr, r"tristar-broken\.service:\d+: .*bogus")
        os.unlink(self.p("usr/local/bin/tristar-bridge"))
        out = self.analyze("verify", "/etc/systemd/system/tristar-bridge.service")
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("/usr/local/bin/tristar-bridge", out.stdout + out.stderr)

    def test_units_are_hardened(self):
        self.install("--device", DEVICE)
        for unit in UNITS:
            out = self.analyze("security", "--offline=yes", unit)
            found = re.search(r"Overall exposure level for %s: ([0-9.]+)" % re.escape(unit), out.stdout)
            self.assertTrue(found, out.stdout + out.stderr)
            self.assertLessEqual(float(found.group(1)), 2.5, out.stdout)
            text = read(os.path.join(SYSTEMD_DIR, unit))
            exe = unit.split(".")[0]
            self.assertIn("\nExecStart=/usr/local/bin/%s --config /etc/tristar/%s.toml --log-plain\n" % (exe, exe),
                          text)
            for line in ("DynamicUser=yes", "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes",
                         "PrivateTmp=yes", "ProtectKernelTunables=yes", "ProtectKernelModules=yes",
                         "ProtectControlGroups=yes", "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6",
                         "Restart=on-failure"):
                self.assertIn("\n" + line + "\n", text, unit)
        gateway = read(os.path.join(SYSTEMD_DIR, UNITS[0]))
        self.assertIn("\nSupplementaryGroups=dialout\n", gateway)
        bridge = read(os.path.join(SYSTEMD_DIR, UNITS[1]))
        self.assertRegex(bridge, r"\nAfter=.*tristar-gatewayd\.service")
        self.assertRegex(bridge, r"\nWants=.*tristar-gatewayd\.service")

    def test_script_parses(self):
        for shell in ("bash", "sh"):
            out = run([shell, "-n", os.path.join(SYSTEMD_DIR, "install.sh")])
            self.assertEqual(out.returncode, 0, out.stderr)


if __name__ == "__main__":
    unittest.main()
