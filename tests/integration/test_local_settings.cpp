// LocalSettings against venus-settings-standin on a private dbus-daemon: the settings are added
// with their defaults, an existing value is kept, a taken instance moves on, junk is reset,
// outside changes arrive through PropertiesChanged, and a missing or silent service is reported
// as nothing. busctl judges what the stand-in holds.
#include <doctest/doctest.h>
#include <poll.h>
#include <signal.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "publisher/local_settings.h"
#include "tests/support/dbus_daemon.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace tristar::test {
namespace {

using namespace std::chrono_literals;
using publisher::ClassAndInstance;
using publisher::LocalSettings;
using Clock = std::chrono::steady_clock;

constexpr const char* ident = "tristar_123";
constexpr int default_instance = 2;
const std::string instance_setting = "/Settings/Devices/tristar_123/ClassAndVrmInstance";
const std::string name_setting = "/Settings/Devices/tristar_123/CustomName";
const std::string other_instance = "/Settings/Devices/other/ClassAndVrmInstance";

ClassAndInstance solarcharger(int instance) {
    return {"solarcharger", instance};
}

// The stand-in on the test bus, serving once it printed "ready".
class Standin {
  public:
    Standin(const TempDir& dir, const DbusDaemon& bus, const std::vector<std::string>& options = {})
        : process_(argv(bus, options), dir.file("standin.log")) {
        REQUIRE(process_.read_line(10s) == std::optional<std::string>{"ready"});
    }
    Process& process() { return process_; }

  private:
    static std::vector<std::string> argv(const DbusDaemon& bus,
                                         const std::vector<std::string>& options) {
        std::vector<std::string> args{executable("venus-settings-standin"), "--address",
                                      bus.address()};
        args.insert(args.end(), options.begin(), options.end());
        return args;
    }
    Process process_;
};

// A private dbus-daemon, the test's own connection to it and the calls seen by the callbacks.
struct Bus {
    TempDir dir;
    DbusDaemon daemon{dir};
    std::unique_ptr<sdbus::IConnection> connection =
        sdbus::createSessionBusConnectionWithAddress(daemon.address());
    std::vector<ClassAndInstance> instances;
    std::vector<std::string> names;

    std::optional<publisher::SettingsValues> attach(LocalSettings& settings) {
        return settings.attach(
            [this](const ClassAndInstance& value) { instances.push_back(value); },
            [this](const std::string& name) { names.push_back(name); });
    }

    // Drives the connection's event loop, as the publisher's poll loop does, until `done` holds.
    bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = 5s) {
        const auto until = Clock::now() + timeout;
        for (;;) {
            while (connection->processPendingRequest()) {
            }
            if (done()) return true;
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
            if (left <= 0ms) return false;
            const auto data = connection->getEventLoopPollData();
            const int bus_timeout = data.getPollTimeout();
            const int wait = static_cast<int>(left.count());
            pollfd fd{data.fd, data.events, 0};
            ::poll(&fd, 1, bus_timeout < 0 ? wait : std::min(wait, bus_timeout));
        }
    }

    // What the stand-in holds, as busctl prints it: `s "solarcharger:2"`.
    std::string value_of(const std::string& path) {
        const auto ran = busctl(daemon, {"call", publisher::settings_service, path,
                                         "com.victronenergy.BusItem", "GetValue"});
        REQUIRE(ran.exit_code == 0);
        auto out = ran.out;
        while (!out.empty() && out.back() == '\n') out.pop_back();
        return out.starts_with("v ") ? out.substr(2) : out;
    }

    void set_from_outside(const std::string& path, const std::string& text) {
        const auto ran = busctl(daemon, {"call", publisher::settings_service, path,
                                         "com.victronenergy.BusItem", "SetValue", "v", "s", text});
        REQUIRE(ran.exit_code == 0);
        REQUIRE(ran.out == "i 0\n");
    }
};

// The test bus with the stand-in started with `options` and our settings attached to it.
struct Attached : Bus {
    explicit Attached(const std::vector<std::string>& options = {})
        : standin(dir, daemon, options),
          settings(*connection, ident, default_instance),
          values(attach(settings)) {
        REQUIRE(values);
    }
    Standin standin;
    LocalSettings settings;
    std::optional<publisher::SettingsValues> values;
};

std::string preset(const std::string& path, const std::string& value) {
    return path + "=" + value;
}

}  // namespace

TEST_CASE("parse_class_and_instance takes class:instance and nothing else") {
    using publisher::parse_class_and_instance;
    CHECK(parse_class_and_instance("solarcharger:279") == solarcharger(279));
    CHECK(parse_class_and_instance("solarcharger:0") == solarcharger(0));
    CHECK(parse_class_and_instance("vebus:2147483647") == ClassAndInstance{"vebus", 2147483647});
    CHECK_FALSE(parse_class_and_instance("solarcharger"));
    CHECK_FALSE(parse_class_and_instance(""));
    CHECK_FALSE(parse_class_and_instance(":5"));
    CHECK_FALSE(parse_class_and_instance("solarcharger:"));
    CHECK_FALSE(parse_class_and_instance("solarcharger:-1"));
    CHECK_FALSE(parse_class_and_instance("solarcharger:x"));
    CHECK_FALSE(parse_class_and_instance("solarcharger:5x"));
    CHECK_FALSE(parse_class_and_instance("solarcharger: 5"));
    CHECK_FALSE(parse_class_and_instance("solarcharger:1:2"));
    CHECK_FALSE(parse_class_and_instance("solarcharger:2147483648"));
    CHECK_FALSE(parse_class_and_instance("solarcharger:99999999999999999999"));
}

TEST_CASE("format_class_and_instance is the inverse of parsing") {
    CHECK(publisher::format_class_and_instance(solarcharger(279)) == "solarcharger:279");
    CHECK(publisher::format_class_and_instance(solarcharger(0)) == "solarcharger:0");
    const auto back = publisher::parse_class_and_instance(
        publisher::format_class_and_instance({"vebus", 2147483647}));
    CHECK(back == ClassAndInstance{"vebus", 2147483647});
}

TEST_CASE("attach adds both settings with their defaults") {
    Bus bus;
    Standin standin(bus.dir, bus.daemon);
    LocalSettings settings(*bus.connection, ident, default_instance);
    CHECK(settings.instance_path() == instance_setting);
    CHECK(settings.custom_name_path() == name_setting);
    CHECK_FALSE(settings.attached());

    const auto values = bus.attach(settings);
    REQUIRE(values);
    CHECK(values->instance == solarcharger(2));
    CHECK(values->custom_name.empty());
    CHECK(settings.attached());
    CHECK(bus.value_of(instance_setting) == "s \"solarcharger:2\"");
    CHECK(bus.value_of(name_setting) == "s \"\"");
}

TEST_CASE("attach keeps the values of existing settings") {
    Attached bus({"--preset", preset(instance_setting, "solarcharger:5"), "--preset",
                  preset(name_setting, "Roof")});
    CHECK(bus.values->instance == solarcharger(5));
    CHECK(bus.values->custom_name == "Roof");
}

TEST_CASE("attach reads the values when AddSettings does not return them") {
    Attached bus({"--omit-values", "--preset", preset(instance_setting, "solarcharger:6"),
                  "--preset", preset(name_setting, "Shed")});
    CHECK(bus.values->instance == solarcharger(6));
    CHECK(bus.values->custom_name == "Shed");
}

TEST_CASE("a default instance taken by another solarcharger moves on to the next free one") {
    Attached bus({"--preset", preset(other_instance, "solarcharger:2"), "--preset",
                  preset("/Settings/Devices/third/ClassAndVrmInstance", "solarcharger:3"),
                  "--preset", preset("/Settings/Devices/inverter/ClassAndVrmInstance", "vebus:4")});
    CHECK(bus.values->instance == solarcharger(4));  // 2 and 3 taken; vebus:4 is another class
    CHECK(bus.value_of(instance_setting) == "s \"solarcharger:4\"");
}

TEST_CASE("a value that is not a solarcharger instance is reset to the default") {
    std::string junk;
    SUBCASE("no colon") {
        junk = "junk";
    }
    SUBCASE("another class") {
        junk = "vebus:4";
    }
    SUBCASE("no number") {
        junk = "solarcharger:x";
    }
    CAPTURE(junk);
    Attached bus({"--preset", preset(instance_setting, junk)});
    CHECK(bus.values->instance == solarcharger(2));
    CHECK(bus.value_of(instance_setting) == "s \"solarcharger:2\"");
    // The reset's own change signal is no change: the next real change is the first callback.
    bus.set_from_outside(instance_setting, "solarcharger:7");
    REQUIRE(bus.run_until([&] { return !bus.instances.empty(); }));
    CHECK(bus.instances == std::vector{solarcharger(7)});
}

TEST_CASE("the reset of junk takes the instance localsettings moved the default to") {
    Attached bus({"--preset", preset(other_instance, "solarcharger:2"), "--preset",
                  preset(instance_setting, "junk")});
    CHECK(bus.values->instance == solarcharger(3));
    CHECK(bus.value_of(instance_setting) == "s \"solarcharger:3\"");
}

TEST_CASE("without a settings service attach reports nothing, quickly") {
    Bus bus;
    LocalSettings settings(*bus.connection, ident, default_instance, 2s);
    const auto started = Clock::now();
    CHECK_FALSE(bus.attach(settings));
    CHECK(Clock::now() - started < 1s);
    CHECK_FALSE(settings.attached());
    CHECK_FALSE(settings.set_custom_name("Roof"));
    CHECK_FALSE(bus.attach(settings));  // again: still nothing, and no harm
}

TEST_CASE("a settings service that does not answer in time is reported as nothing") {
    Bus bus;
    Standin standin(bus.dir, bus.daemon);
    standin.process().signal(SIGSTOP);
    LocalSettings settings(*bus.connection, ident, default_instance, 300ms);
    const auto started = Clock::now();
    CHECK_FALSE(bus.attach(settings));
    const auto took = Clock::now() - started;
    standin.process().signal(SIGCONT);
    CHECK(took >= 300ms);
    CHECK(took < 2s);
    CHECK_FALSE(settings.attached());
}

TEST_CASE("an outside change of the instance reaches the instance callback") {
    Attached bus({"--preset", preset(other_instance, "solarcharger:8")});

    bus.set_from_outside(instance_setting, "solarcharger:7");
    REQUIRE(bus.run_until([&] { return !bus.instances.empty(); }));
    CHECK(bus.instances == std::vector{solarcharger(7)});

    bus.set_from_outside(instance_setting, "solarcharger:8");  // taken: localsettings moves it to 9
    REQUIRE(bus.run_until([&] { return bus.instances.size() == 2; }));
    CHECK(bus.instances.back() == solarcharger(9));
    CHECK(bus.names.empty());
}

TEST_CASE("an outside change to junk is reset without an instance callback") {
    Attached bus;

    bus.set_from_outside(instance_setting, "junk");
    CHECK(bus.run_until([&] { return bus.value_of(instance_setting) == "s \"solarcharger:2\""; }));
    // A later real change is the first and only callback: neither junk nor its reset were one.
    bus.set_from_outside(instance_setting, "solarcharger:7");
    REQUIRE(bus.run_until([&] { return !bus.instances.empty(); }));
    CHECK(bus.instances == std::vector{solarcharger(7)});
}

TEST_CASE("set_custom_name writes through; an outside change reaches the name callback") {
    Attached bus;
    auto& settings = bus.settings;

    CHECK(settings.set_custom_name("Roof array"));
    CHECK(bus.value_of(name_setting) == "s \"Roof array\"");

    bus.set_from_outside(name_setting, "Garage");
    REQUIRE(bus.run_until([&] { return !bus.names.empty(); }));
    CHECK(bus.names == std::vector<std::string>{"Garage"});  // our own write was no callback
    CHECK(bus.instances.empty());
}

TEST_CASE("set_custom_name works from inside the event loop, as from a SetValue handler") {
    Bus bus;
    Standin standin(bus.dir, bus.daemon);
    LocalSettings settings(*bus.connection, ident, default_instance);
    std::optional<bool> written;
    REQUIRE(settings.attach(
        [&](const ClassAndInstance&) { written = settings.set_custom_name("Inside"); },
        [](const std::string&) {}));

    bus.set_from_outside(instance_setting, "solarcharger:7");
    REQUIRE(bus.run_until([&] { return written.has_value(); }));
    CHECK(*written);
    CHECK(bus.value_of(name_setting) == "s \"Inside\"");
}

TEST_CASE("set_custom_name fails when the service has gone") {
    Bus bus;
    LocalSettings settings(*bus.connection, ident, default_instance);
    {
        Standin standin(bus.dir, bus.daemon);
        REQUIRE(bus.attach(settings));
    }
    CHECK_FALSE(settings.set_custom_name("Roof"));
}

}  // namespace tristar::test
