// Unit tests for tristar-sim's devices: the [[device]] tables of --config (good files, and bad
// ones naming the file, line and key), the command line around them, the control commands, and a
// device silenced and revived.
#include <doctest/doctest.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/base/config_file.h"
#include "gateway/sim/control.h"
#include "gateway/sim/device.h"
#include "gateway/sim/sim_config.h"
#include "tests/unit/sim_model_test_support.h"

using namespace tristar::sim;
using tristar::ConfigError;

namespace {

using namespace std::chrono_literals;

// Joins lines with '\n', so a test names line N as the N-th string.
std::string lines(std::initializer_list<std::string_view> text) {
    std::string joined;
    for (const auto line : text) joined.append(line).append("\n");
    return joined;
}

struct Failure {
    int line = -1;  // -1: nothing was thrown
    std::string key;
    std::string message;
    std::string what;
};

Failure failure_of(const std::string& toml) {
    try {
        parse_device_tables(toml, "sim.toml");
    } catch (const ConfigError& error) {
        return {error.line(), error.key(), error.message(), error.what()};
    }
    return {};
}

const std::string two_on_a_line = lines({
    "[[device]]",            // 1
    "name = \"r1\"",         // 2
    "rtu = \"/dev/ttyS0\"",  // 3
    "",                      // 4
    "[[device]]",            // 5
    "name = \"r2\"",         // 6
    "rtu = \"/dev/ttyS0\"",  // 7
});

}  // namespace

// ------------------------------------------------------------------------------ good files

TEST_CASE("config: two TCP devices and two units on one line, each with its own values") {
    const auto devices = parse_device_tables(lines({
                                                 "[[device]]",
                                                 "name = \"east\"",
                                                 "tcp = \"127.0.0.1:0\"",
                                                 "frozen = true",
                                                 "delay_ms = 25",
                                                 "drop_rate = 0.25",
                                                 "[[device]]",
                                                 "name = \"west\"",
                                                 "tcp = \"127.0.0.1:5020\"",
                                                 "serial = \"WEST0001\"",
                                                 "seed = 99",
                                                 "keep_connection = true",
                                                 "refuse = \"0xE0C0-0xE0C3\"",
                                                 "swallow_reads = 0xE0C0",
                                                 "[[device]]",
                                                 "name = \"r-1\"",
                                                 "rtu = \"/dev/ttyS0\"",
                                                 "unit = 1",
                                                 "baud = 19200",
                                                 "parity = \"e\"",
                                                 "[[device]]",
                                                 "name = \"r_2\"",
                                                 "rtu = \"/dev/ttyS0\"",
                                                 "tcp = \"127.0.0.1:0\"",
                                                 "unit = 2",
                                                 "stop_bits = 1",
                                                 "slow_every = 3",
                                                 "slow_ms = 700",
                                                 "frozen = false",
                                             }),
                                             "sim.toml");
    REQUIRE(devices.size() == 4);
    const auto& east = devices[0];
    CHECK(east.name == "east");
    CHECK(east.tcp == tristar::HostPort{"127.0.0.1", 0});
    CHECK(!east.rtu);
    CHECK(east.model.frozen);
    CHECK(east.quirks.delay == 25ms);
    CHECK(east.quirks.drop_rate == 0.25);
    CHECK(east.model.unit_id == 1);
    const auto& west = devices[1];
    CHECK(west.tcp == tristar::HostPort{"127.0.0.1", 5020});
    CHECK(west.model.serial == "WEST0001");
    CHECK(west.model.seed == 99);
    CHECK(west.quirks.keep_connection);
    CHECK(west.refusals.registers == std::vector<AddressRange>{{0xE0C0, 0xE0C3}});
    CHECK(west.quirks.swallow_register == 0xE0C0);
    const auto& r1 = devices[2];
    const auto& r2 = devices[3];
    CHECK(r1.rtu == "/dev/ttyS0");
    CHECK(r2.rtu == "/dev/ttyS0");
    CHECK(r2.tcp);
    CHECK(r1.model.unit_id == 1);
    CHECK(r2.model.unit_id == 2);
    CHECK(!r2.model.frozen);
    CHECK(r2.quirks.slow_every == 3);
    CHECK(r2.quirks.slow_delay == 700ms);
    // One line, one set of settings: what each device gives, both have.
    for (const auto* d : {&r1, &r2}) {
        CHECK(d->serial.baud == 19200);
        CHECK(d->serial.parity == 'E');
        CHECK(d->serial.stop_bits == 1);
    }
}

TEST_CASE("config: without seed or serial, each device gets its own from its place in the file") {
    const auto devices = parse_device_tables(two_on_a_line + "unit = 2\n", "sim.toml");
    REQUIRE(devices.size() == 2);
    CHECK(devices[0].model.seed == 1);  // the command line's default for the first
    CHECK(devices[1].model.seed == 2);
    CHECK(devices[0].model.serial == "01234567");
    CHECK(devices[1].model.serial == "01234568");
}

TEST_CASE("command line: --config takes no device options; without it --tcp or --rtu is needed") {
    const auto parsed = [](const std::string& args) {
        CLI::App app;
        SimOptions options;
        add_options(app, options);
        app.parse(args, false);
        return options;
    };
    CHECK(parsed("--config sim.toml --stats s.json --control ctl").config_path == "sim.toml");
    CHECK(parsed("--tcp 127.0.0.1:0 --delay-ms 5").device.quirks.delay == 5ms);
    CHECK_THROWS_AS(parsed("--config sim.toml --delay-ms 5"), CLI::ParseError);
    CHECK_THROWS_AS(parsed("--config sim.toml --tcp 127.0.0.1:0"), CLI::ParseError);
    CHECK_THROWS_AS(parsed("--stats s.json"), CLI::ParseError);
    SimOptions single;
    single.device.tcp = tristar::HostPort{"127.0.0.1", 0};
    const SimConfig config = make_sim_config(single);
    CHECK(!config.from_file);
    REQUIRE(config.devices.size() == 1);
    CHECK(config.devices[0].name == "device");
}

// ------------------------------------------------------------------------------ bad files

TEST_CASE("config: a name used twice") {
    const auto f = failure_of(lines({"[[device]]", "name = \"a\"", "tcp = \"127.0.0.1:0\"",
                                     "[[device]]", "name = \"a\"", "tcp = \"127.0.0.1:0\""}));
    CHECK(f.line == 5);
    CHECK(f.key == "device[1].name");
    CHECK(f.message == "\"a\" names an earlier device already");
    CHECK(f.what == "sim.toml:5: device[1].name: \"a\" names an earlier device already");
}

TEST_CASE("config: two devices with the same unit on one line") {
    SUBCASE("both by default") {
        const auto f = failure_of(two_on_a_line);
        CHECK(f.line == 5);  // no unit key: the table
        CHECK(f.key == "device[1]");
        CHECK(f.message.find("unit 1 is device \"r1\"'s on /dev/ttyS0 already") == 0);
    }
    SUBCASE("said") {
        const auto f = failure_of(two_on_a_line + "unit = 1\n");
        CHECK(f.line == 8);
        CHECK(f.key == "device[1].unit");
    }
    SUBCASE("on different lines they may") {
        CHECK(failure_of(lines({"[[device]]", "name = \"a\"", "rtu = \"/dev/ttyS0\"", "[[device]]",
                                "name = \"b\"", "rtu = \"/dev/ttyS1\""}))
                  .line == -1);
    }
}

TEST_CASE("config: conflicting serial settings on one line") {
    const auto f = failure_of(
        lines({"[[device]]", "name = \"r1\"", "rtu = \"/dev/ttyS0\"", "baud = 19200", "[[device]]",
               "name = \"r2\"", "rtu = \"/dev/ttyS0\"", "unit = 2", "baud = 9600"}));
    CHECK(f.line == 9);
    CHECK(f.key == "device[1].baud");
    CHECK(f.message ==
          "9600 differs from device \"r1\"'s 19200 on /dev/ttyS0 (the devices of one line share "
          "its settings)");
    const auto parity =
        failure_of(lines({"[[device]]", "name = \"r1\"", "rtu = \"/dev/ttyS0\"", "parity = \"N\"",
                          "stop_bits = 2", "[[device]]", "name = \"r2\"", "rtu = \"/dev/ttyS0\"",
                          "unit = 2", "stop_bits = 2", "parity = \"E\""}));
    CHECK(parity.line == 11);
    CHECK(parity.key == "device[1].parity");
}

TEST_CASE("config: unknown keys and tables are errors at their line") {
    auto f = failure_of(two_on_a_line + "unit = 2\ndelay = 5\n");
    CHECK(f.line == 9);
    CHECK(f.key == "device[1].delay");
    CHECK(f.message == "unknown key; did you mean \"delay_ms\"?");
    f = failure_of(
        lines({"[[device]]", "name = \"a\"", "tcp = \"127.0.0.1:0\"", "", "[gateway]", "x = 1"}));
    CHECK(f.line == 5);
    CHECK(f.key == "gateway");
    CHECK(f.message == "unknown table");
    f = failure_of(lines({"[[device]]", "name = \"a\"", "rtu = \"/dev/ttyS0\"", "help = true"}));
    CHECK(f.line == 4);
    CHECK(f.message.starts_with("unknown key"));
}

TEST_CASE("config: values are checked by the command line's rules, at their line") {
    const auto at = [](std::string_view key_line) {
        return failure_of(lines({"[[device]]", "name = \"a\"", "tcp = \"127.0.0.1:0\"", key_line}));
    };
    auto f = at("delay_ms = 700000");
    CHECK(f.line == 4);
    CHECK(f.key == "device[0].delay_ms");
    CHECK(f.message.find("700000") != std::string::npos);
    CHECK(f.message.find("--") == std::string::npos);
    f = at("frozen = 1");
    CHECK(f.line == 4);
    CHECK(f.message == "must be true or false (got integer)");
    f = at("delay_ms = true");
    CHECK(f.message == "must be a string or a number (got boolean)");
    f = at("serial = \"123\"");
    CHECK(f.key == "device[0].serial");
    CHECK(f.message.find("8 characters") != std::string::npos);
    f = at("drop_rate = 1.5");
    CHECK(f.key == "device[0].drop_rate");
    f = at("unit = 0");
    CHECK(f.key == "device[0].unit");
    f = at("slow_every = 3");  // needs slow_ms
    CHECK(f.key == "device[0].slow_every");
    CHECK(f.message == "slow_every requires slow_ms");
    f = failure_of(lines({"[[device]]", "name = \"a\"", "tcp = \"localhost\""}));
    CHECK(f.line == 3);
    CHECK(f.key == "device[0].tcp");
}

TEST_CASE("config: names, transports and identities") {
    CHECK(failure_of(lines({"[[device]]", "tcp = \"127.0.0.1:0\""})).message ==
          "needs a name (name = \"...\")");
    for (const char* name :
         {"\"\"", "\"a b\"", "\"a.b\"", "\"123456789012345678901234567890123\""}) {
        CAPTURE(name);
        const auto f = failure_of(
            lines({"[[device]]", std::string("name = ") + name, "tcp = \"127.0.0.1:0\""}));
        CHECK(f.line == 2);
        CHECK(f.message.starts_with("must be 1 to 32 letters"));
    }
    auto f = failure_of(lines({"[[device]]", "name = \"a\""}));
    CHECK(f.line == 1);
    CHECK(f.message == "needs tcp, rtu or both");
    f = failure_of(lines({"[[device]]", "name = \"a\"", "tcp = \"127.0.0.1:0\"", "[[device]]",
                          "name = \"b\"", "tcp = \"127.0.0.1:0\"", "serial = \"01234567\""}));
    CHECK(f.line == 7);
    CHECK(f.message.starts_with("01234567 is device \"a\"'s serial number already"));
    f = failure_of(lines({"[[device]]", "name = \"a\"", "tcp = \"127.0.0.1:5020\"", "[[device]]",
                          "name = \"b\"", "tcp = \"127.0.0.1:5020\""}));
    CHECK(f.line == 6);
    CHECK(f.key == "device[1].tcp");
    CHECK(failure_of("").message == "no [[device]] table: nothing to simulate");
    CHECK(failure_of("device = 1\n").message.starts_with("must be an array of tables"));
    CHECK(failure_of("[[device]\n").line == 1);  // TOML syntax
}

// ------------------------------------------------------------------------------ control

TEST_CASE("control: silence NAME [SECONDS] and revive NAME") {
    std::string error;
    auto c = parse_control_command("silence r2", error);
    REQUIRE(c);
    CHECK(c->verb == ControlCommand::Verb::silence);
    CHECK(c->device == "r2");
    CHECK(!c->period);
    c = parse_control_command("  silence r2   1.5 ", error);
    REQUIRE(c);
    CHECK(c->period == 1500ms);
    c = parse_control_command("revive r2", error);
    REQUIRE(c);
    CHECK(c->verb == ControlCommand::Verb::revive);
    for (const char* bad :
         {"", "silence", "revive a 3", "silence a 0", "silence a x", "silence a 1 2", "wake a"}) {
        CAPTURE(bad);
        CHECK(!parse_control_command(bad, error));
        CHECK(!error.empty());
    }
}

TEST_CASE("device: silenced it ignores every request, revived it answers again") {
    spdlog::set_level(spdlog::level::off);
    DeviceOptions options;
    options.model.frozen = true;
    options.quirks.delay = 100ms;
    const auto t0 = Clock::now();
    Device device(options, t0);
    const auto read = [] {
        return Incoming{{Transport::rtu, 0}, 0, 1, model_test::read_pdu(3, 0x18, 4)};
    };
    CHECK(device.submit(read(), t0));
    CHECK(device.run_due(t0).empty());  // in flight for 100 ms
    CHECK(device.serving(Transport::rtu));
    CHECK(!device.serving(Transport::tcp));
    device.silence(std::nullopt, t0);  // the reply in flight is withheld
    auto done = device.run_due(t0 + 100ms);
    REQUIRE(done.size() == 1);
    CHECK(!done[0].frame);
    CHECK(device.silenced(t0 + 1h));
    CHECK(!device.submit(read(), t0 + 100ms));
    CHECK(device.stats().ignored == 1);
    device.revive();
    CHECK(!device.silenced(t0 + 100ms));
    CHECK(device.submit(read(), t0 + 100ms));
    CHECK(device.run_due(t0 + 100ms).empty());
    done = device.run_due(t0 + 200ms);
    REQUIRE(done.size() == 1);
    CHECK(done[0].frame);
    SUBCASE("for a while") {
        device.silence(2s, t0 + 200ms);
        CHECK(device.next_deadline() == t0 + 2200ms);
        CHECK(!device.submit(read(), t0 + 1s));
        CHECK(!device.end_silence(t0 + 1s));
        CHECK(device.end_silence(t0 + 2200ms));  // over: no deadline left to wake for
        CHECK(!device.next_deadline());
        CHECK(device.submit(read(), t0 + 2200ms));
    }
}
