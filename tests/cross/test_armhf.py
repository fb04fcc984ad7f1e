"""The armv7 hard-float tarball (deploy/cross/build-tarball.sh) checked under qemu-arm: the
executables are ARM EABI5 hard-float, they need nothing from the target but glibc, libstdc++ and
libgcc, the armhf unit tests pass, and a smoke run (simulator, gateway, tristar-ctl read,
publisher on a private dbus-daemon) works with only glibc and libstdc++ from the cross toolchain
(/usr/arm-linux-gnueabihf) and every other library from the tarball's lib/.

Builds the tarball itself (installing the cross toolchain, qemu-user and the :armhf libraries,
deploy/cross/install-deps.sh) into TRISTAR_CROSS_DIR. Run with /usr/bin/python3."""
import glob
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../support"))
import tristar_stack  # noqa: E402
from tristar_stack import Stack, direct_read, run, wait_until  # noqa: E402
from venus_stack import Bus, Publisher, value_of  # noqa: E402

SOURCE_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
CROSS_DIR = os.environ.get("TRISTAR_CROSS_DIR", os.path.join(SOURCE_DIR, "build-armhf"))
CROSS_LIBC = "/usr/arm-linux-gnueabihf"   # glibc, libstdc++, libgcc: what the target's image has
QEMU = ["/usr/bin/qemu-arm", "-L", CROSS_LIBC]
EXECUTABLES = ["tristar-bridge", "tristar-ctl", "tristar-gatewayd", "tristar-publisher", "tristar-sim"]
# venus-dbus.md 15: on the image are glibc, libstdc++ (with libgcc) and libdbus-1.
TARGET_PROVIDED = {"libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1", "libresolv.so.2",
                   "libanl.so.1", "ld-linux-armhf.so.3", "libstdc++.so.6", "libgcc_s.so.1", "libdbus-1.so.3"}
SERVICE = "com.victronenergy.solarcharger.tristar_01234567"


def needed(path):
    out = run(["readelf", "-d", path]).stdout
    return [line.split("[", 1)[1].rstrip("]") for line in out.splitlines() if "(NEEDED)" in line]


def dynamic_tag(path, tag):
    out = run(["readelf", "-d", path]).stdout
    return [line.split("[", 1)[1].rstrip("]") for line in out.splitlines() if "(%s)" % tag in line]


class ArmhfTarball(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        env = dict(os.environ, BUILD_DIR=CROSS_DIR, OUT_DIR=os.path.join(CROSS_DIR, "dist"))
        build = subprocess.run([os.path.join(SOURCE_DIR, "deploy/cross/build-tarball.sh"), "--unit-tests"],
                               env=env, capture_output=True, text=True, timeout=3000)
        if build.returncode != 0:
            raise RuntimeError("build-tarball.sh failed (%d):\n%s\n%s" %
                               (build.returncode, build.stdout[-3000:], build.stderr[-6000:]))
        report = build.stdout[build.stdout.find("== tristar-"):]
        sys.stderr.write(report)
        tarballs = glob.glob(os.path.join(CROSS_DIR, "dist", "tristar-*-armhf.tar.gz"))
        version = run(["sed", "-n", r"s/^project([^ ]* VERSION \([0-9.]*\).*/\1/p",
                       os.path.join(SOURCE_DIR, "CMakeLists.txt")]).stdout.strip()
        cls.tarball = os.path.join(CROSS_DIR, "dist", "tristar-%s-armhf.tar.gz" % version)
        if cls.tarball not in tarballs:
            raise RuntimeError("no %s among %s" % (cls.tarball, tarballs))
        cls.tmp = tempfile.TemporaryDirectory(prefix="tristar-armhf-")
        with tarfile.open(cls.tarball) as tar:
            cls.members = tar.getnames()
            tar.extractall(cls.tmp.name)
        cls.package = os.path.join(cls.tmp.name, "tristar-%s-armhf" % version)
        cls.bin = os.path.join(cls.package, "bin")
        cls.lib = os.path.join(cls.package, "lib")
        tristar_stack.BIN_DIR = cls.bin
        tristar_stack.RUNNER = QEMU

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def elves(self):
        return [os.path.join(self.bin, e) for e in sorted(os.listdir(self.bin))] + \
               [os.path.join(self.lib, e) for e in sorted(os.listdir(self.lib))]

    def test_tarball_holds_executables_libraries_installer_configs_and_readme(self):
        self.assertEqual(sorted(os.listdir(self.bin)), EXECUTABLES)
        self.assertEqual(sorted(os.listdir(os.path.join(self.package, "config"))),
                         ["tristar-bridge.toml", "tristar-gatewayd.toml", "tristar-publisher.toml"])
        for name in ("install.sh", "config-devices.sh", "uninstall.sh", "README.md"):
            self.assertTrue(os.path.isfile(os.path.join(self.package, name)), name)
        for exe in EXECUTABLES + ["install.sh", "uninstall.sh"]:
            path = os.path.join(self.bin, exe) if exe.startswith("tristar") else os.path.join(self.package, exe)
            self.assertEqual(os.stat(path).st_mode & 0o777, 0o755, exe)
        # one top directory, so unpacking never spills into the current one
        self.assertEqual({m.split("/")[0] for m in self.members}, {os.path.basename(self.package)})

    def test_every_executable_is_arm_eabi5_hard_float(self):
        for exe in EXECUTABLES:
            path = os.path.join(self.bin, exe)
            with self.subTest(exe=exe):
                described = run(["file", "-b", path]).stdout
                self.assertIn("ELF 32-bit LSB", described)
                self.assertIn("ARM, EABI5", described)
                self.assertIn("interpreter /lib/ld-linux-armhf.so.3", described)   # the hard-float loader
                header = run(["readelf", "-h", "-A", path]).stdout
                self.assertIn("hard-float ABI", header)
                self.assertIn("Tag_ABI_VFP_args: VFP registers", header)

    def test_only_glibc_libstdcxx_and_libgcc_are_needed_from_the_target(self):
        bundled = set(os.listdir(self.lib))
        for lib in ("libmodbus.so.5", "libzmq.so.5", "libprotobuf-lite.so.32", "libsdbus-c++.so.1", "libsystemd.so.0",
                    "libspdlog.so.1.10", "libtomlplusplus.so.3"):
            self.assertIn(lib, bundled)
        from_target = set()
        for elf in self.elves():
            for lib in needed(elf):
                if lib not in bundled:
                    from_target.add(lib)
        self.assertTrue(from_target <= TARGET_PROVIDED, sorted(from_target - TARGET_PROVIDED))
        self.assertIn("libstdc++.so.6", from_target)
        # nothing bundled that no one needs
        used = {lib for elf in self.elves() for lib in needed(elf)}
        self.assertEqual(bundled - used, set())
        # the executables find lib/ by a DT_RPATH relative to themselves, no build-host path
        for exe in EXECUTABLES:
            path = os.path.join(self.bin, exe)
            self.assertEqual(dynamic_tag(path, "RPATH"), ["$ORIGIN/../lib"], exe)
            self.assertEqual(dynamic_tag(path, "RUNPATH"), [], exe)

    def test_libzmq_is_rebuilt_with_curve_and_without_kerberos_pgm_norm(self):
        # deploy/cross/install-deps.sh rebuilds libzmq from Debian's source package: libsodium for
        # CURVE stays, GSSAPI (Kerberos), OpenPGM, NORM and libbsd are left out.
        self.assertIn("libsodium.so.23", needed(os.path.join(self.lib, "libzmq.so.5")))
        dropped = [lib for lib in os.listdir(self.lib)
                   if lib.split(".so")[0] in ("libgssapi_krb5", "libkrb5", "libk5crypto", "libkrb5support",
                                              "libcom_err", "libkeyutils", "libpgm-5.3", "libnorm", "libbsd", "libmd")]
        self.assertEqual(dropped, [])
        self.assertLessEqual(os.path.getsize(self.tarball), 4 * 1000 * 1000)

    def test_unit_tests_pass_under_qemu(self):
        tests = sorted(glob.glob(os.path.join(CROSS_DIR, "tests/unit/unit_*")))
        tests = [t for t in tests if os.access(t, os.X_OK) and os.path.isfile(t)]
        self.assertGreaterEqual(len(tests), 10, tests)
        for test in tests:
            with self.subTest(test=os.path.basename(test)):
                self.assertIn("ARM, EABI5", run(["file", "-b", test]).stdout)
                out = subprocess.run([*QEMU, "-E", "LD_LIBRARY_PATH=" + self.lib, test],
                                     capture_output=True, text=True, timeout=600)
                self.assertEqual(out.returncode, 0, out.stdout[-3000:] + out.stderr[-2000:])
                self.assertRegex(out.stdout, r"\[doctest\] test cases: +\d+ \| +\d+ passed \| +0 failed")

    def test_smoke_simulator_gateway_ctl_and_publisher_under_qemu(self):
        with Stack(sim_args=("--frozen", "--start-hour", "12")) as stack:
            # tristar-ctl reads through the gateway what pymodbus reads from the simulator directly
            ctl = run([*QEMU, os.path.join(self.bin, "tristar-ctl"), "--endpoint", stack.endpoint, "--json",
                       "read", "0x18", "--count", "4"])
            self.assertEqual(ctl.returncode, 0, ctl.stderr)
            for daemon in (stack.sim, stack.gateway):
                self.assertEqual(os.readlink("/proc/%d/exe" % daemon.proc.pid), QEMU[0])
            self.assertEqual(json.loads(ctl.stdout)["values"], direct_read(stack.sim.address, 0x18, 4))
            # the publisher on a private dbus-daemon, judged by busctl
            bus = Bus(stack.dir.name)
            publisher = Publisher(stack.dir.name, bus, stack.endpoint, SERVICE, ["--poll-ms", "500"], timeout=30)
            try:
                self.assertEqual(os.readlink("/proc/%d/exe" % publisher.proc.pid), QEMU[0])
                self.assertTrue(wait_until(lambda: value_of(bus.get_items(SERVICE)["/Connected"]) == 1, 15))
                live = direct_read(stack.sim.address, 0, 0x40)
                v_pu = live[0] + live[1] / 65536.0
                signature, volts = bus.get_value(SERVICE, "/Dc/0/Voltage")
                self.assertEqual(signature, "d")
                self.assertAlmostEqual(volts, live[0x18] * v_pu / 32768.0, places=3)
                self.assertEqual(bus.get_value(SERVICE, "/ProductName")[1], "TriStar MPPT 60")
            finally:
                self.assertEqual(publisher.stop(), 0, publisher.log_text()[-3000:])
                self.assertEqual(bus.stop(), 0)

    def test_installed_from_the_tarball_the_executables_find_their_libraries(self):
        root = tempfile.mkdtemp(prefix="root-", dir=self.tmp.name)
        out = run(["/bin/sh", os.path.join(self.package, "install.sh"), "--root", root,
                   "--device", "tcp://192.0.2.10:502"])
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        prefix = os.path.join(root, "data/tristar")
        self.assertEqual(sorted(os.listdir(os.path.join(prefix, "lib"))), sorted(os.listdir(self.lib)))
        # From /data/tristar/bin the RPATH finds /data/tristar/lib: the installed gateway judges its config.
        check = run([*QEMU, os.path.join(prefix, "bin/tristar-gatewayd"), "--config",
                     os.path.join(prefix, "config/tristar-gatewayd.toml"), "--check-config"])
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        out = run(["/bin/sh", os.path.join(prefix, "uninstall.sh"), "--root", root, "--purge"])
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertFalse(os.path.exists(os.path.join(prefix, "lib")))


if __name__ == "__main__":
    unittest.main(verbosity=2)
