#include <doctest/doctest.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <string>
#include <string_view>
#include <variant>

#include "gateway/daemon/config.h"
#include "tests/unit/config_test_support.h"

using namespace std::chrono_literals;
using namespace tristar::gateway;

using namespace tristar::gateway::test;

TEST_CASE("config: an empty file keeps every default") {
    const Config config = parse_config("", "empty.toml");
    CHECK(config == Config{});
    CHECK(std::get<TcpDevice>(config.devices.front().address) == TcpDevice{"", 502});
    CHECK(config.devices.front().unit == 1);
    CHECK(config.devices.front().response_timeout == 1000ms);
    CHECK(config.devices.front().tcp_gap == 50ms);
    CHECK(config.devices.front().read_retries == 2);
    CHECK(config.devices.front().connection == ConnectionMode::automatic);
    CHECK(config.devices.front().read_ahead == ReadAhead::automatic);
    CHECK(config.scheduler.max_queue_per_client == 64);
    CHECK(config.server.endpoints == std::vector<std::string>{"tcp://127.0.0.1:5555"});
    CHECK(config.log.level == "info");
    CHECK_FALSE(config.log.plain);
    CHECK(config.write_policy.profile == WriteProfile::tristar);
    CHECK(config.write_policy.profile_clients ==
          std::vector<std::string>{"tristar-ctl", "tristar-publisher"});
    CHECK_FALSE(config.write_policy.allow_eeprom);
    CHECK(config.write_policy.rules.empty());
    CHECK(config.maintenance.comm_reset_hour == -1);
}

TEST_CASE("config: every key is read") {
    const Config config =
        parse_config(lines({
                         "[device]",
                         "uri = \"rtu:///dev/ttyS1?baud=19200&parity=e&stop=1&data=7\"",
                         "unit = 17",
                         "response_timeout_ms = 1500",
                         "byte_timeout_ms = 40",
                         "connect_timeout_ms = 3000",
                         "tcp_gap_ms = 0",
                         "rtu_pause_ms = 20",
                         "connect_settle_ms = 250",
                         "recovery_pause_ms = 900",
                         "read_retries = 0",
                         "connection = \"per-transaction\"",
                         "read_ahead = \"small\"",
                         "backoff_min_ms = 200",
                         "backoff_max_ms = 60000",
                         "[scheduler]",
                         "max_queue_per_client = 10000",
                         "default_deadline_ms = 2000",
                         "max_deadline_ms = 90000",
                         "fair_share_after_ms = 0",
                         "[server]",
                         "endpoints = [\"ipc:///tmp/g.sock\", \"inproc://gw\"]",
                         "max_frame_bytes = 1048576",
                         "max_connections = 16",
                         "[log]",
                         "level = \"debug\"",
                         "plain = true",
                     }),
                     "full.toml");
    const DeviceConfig& device = config.devices.front();
    CHECK(std::get<RtuDevice>(device.address) == RtuDevice{"/dev/ttyS1", 19200, 'E', 7, 1});
    CHECK(device.unit == 17);
    CHECK(device.response_timeout == 1500ms);
    CHECK(device.byte_timeout == 40ms);
    CHECK(device.connect_timeout == 3000ms);
    CHECK(device.tcp_gap == 0ms);
    CHECK(device.rtu_pause == 20ms);
    CHECK(device.connect_settle == 250ms);
    CHECK(device.recovery_pause == 900ms);
    CHECK(device.read_retries == 0);
    CHECK(device.connection == ConnectionMode::per_transaction);
    CHECK(device.read_ahead == ReadAhead::small);
    CHECK(device.backoff_min == 200ms);
    CHECK(device.backoff_max == 60000ms);
    CHECK(config.scheduler.max_queue_per_client == 10000);
    CHECK(config.scheduler.default_deadline == 2000ms);
    CHECK(config.scheduler.max_deadline == 90000ms);
    CHECK(config.server.endpoints == std::vector<std::string>{"ipc:///tmp/g.sock", "inproc://gw"});
    CHECK(config.scheduler.fair_share_after == 0ms);
    CHECK(config.server.max_frame_bytes == 1048576);
    CHECK(config.server.max_connections == 16);
    CHECK(config.log.level == "debug");
    CHECK(config.log.plain);
}

TEST_CASE("config: a missing key keeps its default next to keys that are set") {
    const Config config =
        parse_config("[device]\nuri = \"tcp://tristar\"\nconnection = \"kept\"\n", "gatewayd.toml");
    Config expected;
    expected.devices.front().address = TcpDevice{"tristar", 502};
    expected.devices.front().connection = ConnectionMode::kept;
    CHECK(config == expected);
}

TEST_CASE("config: an out-of-range value names file, line and key") {
    const auto failure = failure_of(lines({
        "# gateway",
        "[device]",
        "uri = \"tcp://10.0.0.2\"",
        "unit = 1",
        "",
        "# too short for any TriStar",
        "response_timeout_ms = 5",
    }));
    CHECK(failure.source == "gatewayd.toml");
    CHECK(failure.line == 7);
    CHECK(failure.key == "device.response_timeout_ms");
    CHECK(failure.what ==
          "gatewayd.toml:7: device.response_timeout_ms: must be between 10 and 60000 (got 5)");
}

TEST_CASE("config: bounds are inclusive and enforced on both sides") {
    CHECK(failure_of("[device]\nunit = 247\n").line == -1);
    CHECK(failure_of("[device]\nunit = 248\n").what ==
          "gatewayd.toml:2: device.unit: must be between 1 and 247 (got 248)");
    CHECK(failure_of("[device]\nread_retries = -1\n").key == "device.read_retries");
    CHECK(failure_of("[scheduler]\n\nmax_queue_per_client = 0\n").line == 3);
    CHECK(failure_of("[server]\nmax_frame_bytes = 255\n").key == "server.max_frame_bytes");
    CHECK(failure_of("[server]\nmax_frame_bytes = 256\n").line == -1);
}

TEST_CASE("config: a value of the wrong type is an error at its line") {
    auto failure = failure_of("[device]\nunit = 1\nresponse_timeout_ms = \"1s\"\n");
    CHECK(failure.what ==
          "gatewayd.toml:3: device.response_timeout_ms: must be an integer (got string)");
    failure = failure_of("[device]\nbyte_timeout_ms = 1.5\n");
    CHECK(failure.what ==
          "gatewayd.toml:2: device.byte_timeout_ms: must be an integer (got floating-point)");
    failure = failure_of("[log]\nlevel = \"info\"\nplain = \"yes\"\n");
    CHECK(failure.what == "gatewayd.toml:3: log.plain: must be true or false (got string)");
    failure = failure_of("[device]\nuri = 502\n");
    CHECK(failure.what == "gatewayd.toml:2: device.uri: must be a string (got integer)");
    failure = failure_of("log = 3\n");
    CHECK(failure.what == "gatewayd.toml:1: log: must be a table (got integer)");
    failure = failure_of("[server]\nendpoints = \"tcp://127.0.0.1:5555\"\n");
    CHECK(failure.what ==
          "gatewayd.toml:2: server.endpoints: must be an array of strings (got string)");
}

TEST_CASE("config: unknown keys and tables are errors at their line") {
    // The first in the file, not the first in toml++'s (sorted) iteration order.
    auto failure = failure_of(lines({"[device]", "unit = 2", "zebra = \"red\"", "apple = 1"}));
    CHECK(failure.what == "gatewayd.toml:3: device.zebra: unknown key");
    failure = failure_of(lines({"[log]", "level = \"info\"", "", "[mqtt]", "host = \"x\""}));
    CHECK(failure.what == "gatewayd.toml:4: mqtt: unknown table");
    failure = failure_of(lines({"unit = 1", "[device]"}));
    CHECK(failure.what == "gatewayd.toml:1: unit: unknown key");
    failure = failure_of(lines({"[device]", "unit = 1", "[device.extra]", "a = 1"}));
    CHECK(failure.what == "gatewayd.toml:3: device.extra: unknown table");
}

TEST_CASE("config: an unknown key close to a known one gets a suggestion") {
    CHECK(failure_of("[device]\nresponse_timeout = 1000\n").what ==
          "gatewayd.toml:2: device.response_timeout: unknown key; did you mean "
          "\"response_timeout_ms\"?");
    CHECK(failure_of("[scheduler]\nmax_queue_per_clent = 3\n").what ==
          "gatewayd.toml:2: scheduler.max_queue_per_clent: unknown key; did you mean "
          "\"max_queue_per_client\"?");
}

TEST_CASE("config: a syntax error carries the parser's line and no key") {
    const auto failure = failure_of(lines({"[device]", "unit = 1", "response_timeout_ms = ", ""}));
    CHECK(failure.source == "gatewayd.toml");
    CHECK(failure.line == 3);
    CHECK(failure.key.empty());
    CHECK(failure.what.starts_with("gatewayd.toml:3: "));
    CHECK(failure_of("[device]\nunit = 1\nunit = 2\n").line == 3);
}

TEST_CASE("config: choices list what is allowed") {
    CHECK(failure_of("[device]\nconnection = \"always\"\n").what ==
          "gatewayd.toml:2: device.connection: must be one of auto, per-transaction, kept "
          "(got \"always\")");
    CHECK(
        failure_of("[device]\nread_ahead = \"all\"\n").what ==
        "gatewayd.toml:2: device.read_ahead: must be one of auto, block, small, off (got \"all\")");
    CHECK(failure_of("[log]\nlevel = \"verbose\"\n").what ==
          "gatewayd.toml:2: log.level: must be one of trace, debug, info, warn, error, "
          "critical, off (got \"verbose\")");
    CHECK(parse_config("[log]\nlevel = \"off\"\n", "x").log.level == "off");
}

TEST_CASE("config: endpoints are checked one by one, at their own line") {
    auto failure = failure_of(lines({"[server]", "endpoints = [", "  \"tcp://127.0.0.1:5555\",",
                                     "  \"http://127.0.0.1:80\",", "]"}));
    CHECK(failure.line == 4);
    CHECK(failure.key == "server.endpoints");
    CHECK(failure.what ==
          "gatewayd.toml:4: server.endpoints: must start with tcp://, ipc://, inproc:// and name "
          "an address (got \"http://127.0.0.1:80\")");
    CHECK(failure_of("[server]\nendpoints = []\n").what ==
          "gatewayd.toml:2: server.endpoints: must list at least one endpoint");
    CHECK(failure_of("[server]\nendpoints = [\"ipc://\"]\n").line == 2);
    CHECK(failure_of("[server]\nendpoints = [\"inproc://a\", 5]\n").what ==
          "gatewayd.toml:2: server.endpoints: entries must be strings (got integer)");
    CHECK(failure_of("[server]\nendpoints = [\"inproc://a\",\n\"inproc://a\"]\n").what ==
          "gatewayd.toml:3: server.endpoints: \"inproc://a\" is listed twice");
}

TEST_CASE("config: related bounds blame the key the file set") {
    CHECK(failure_of("[scheduler]\ndefault_deadline_ms = 700000\n").what ==
          "gatewayd.toml:2: scheduler.default_deadline_ms: must not exceed "
          "scheduler.max_deadline_ms (600000) (got 700000)");
    CHECK(failure_of("[scheduler]\nmax_deadline_ms = 1000\n").what ==
          "gatewayd.toml:2: scheduler.max_deadline_ms: must be at least "
          "scheduler.default_deadline_ms (5000) (got 1000)");
    CHECK(failure_of("[device]\nbackoff_max_ms = 400\nbackoff_min_ms = 500\n").what ==
          "gatewayd.toml:3: device.backoff_min_ms: must not exceed device.backoff_max_ms (400) "
          "(got 500)");
    const Config equal =
        parse_config("[device]\nbackoff_min_ms = 500\nbackoff_max_ms = 500\n", "x");
    CHECK(equal.devices.front().backoff_max == 500ms);
}

TEST_CASE("config: a bad uri in the file names the file, its line and device.uri") {
    const auto failure = failure_of(lines({"[device]", "unit = 3", "uri = \"tcp://host:70000\""}));
    CHECK(failure.what ==
          "gatewayd.toml:3: device.uri: port must be between 1 and 65535 (got \"70000\")");
}

TEST_CASE("config: load_config names the file as given") {
    const auto missing = std::filesystem::path("no-such-dir") / "gatewayd.toml";
    try {
        load_config(missing);
        FAIL("load_config of a missing file did not throw");
    } catch (const ConfigError& error) {
        CHECK(error.source() == "no-such-dir/gatewayd.toml");
        CHECK(error.line() == 0);
        CHECK(std::string(error.what()) ==
              "no-such-dir/gatewayd.toml: cannot read: No such file or directory");
    }
    CHECK_THROWS_WITH_AS(load_config(std::filesystem::temp_directory_path()),
                         doctest::Contains("cannot read: is a directory"), ConfigError);
}

TEST_CASE("config: load_config reports errors with the path") {
    const auto file = std::filesystem::temp_directory_path() /
                      ("tristar-test-config-" + std::to_string(::getpid()) + ".toml");
    std::ofstream(file) << "[device]\n\nunit = 0\n";
    try {
        load_config(file);
        FAIL("a bad unit was accepted");
    } catch (const ConfigError& error) {
        CHECK(error.source() == file.string());
        CHECK(error.line() == 3);
        CHECK(error.key() == "device.unit");
    }
    std::filesystem::remove(file);
}

TEST_CASE("config: the example in deploy/config parses and shows the defaults") {
    const Config example = load_config(example_config());
    // The two values the file marks as examples; everything else must be the default.
    CHECK(std::get<TcpDevice>(example.devices.front().address) == TcpDevice{"192.168.1.253", 502});
    CHECK(example.server.endpoints ==
          std::vector<std::string>{"tcp://127.0.0.1:5555", "ipc:///run/tristar/gateway.sock"});
    Config expected;
    expected.devices.front().address = example.devices.front().address;
    expected.server.endpoints = example.server.endpoints;
    CHECK(example == expected);
}

TEST_CASE("config: the example in deploy/config sets every key, so every key is documented") {
    const toml::table example = toml::parse_file(example_config().string());
    const std::pair<std::string_view, std::vector<std::string_view>> keys[] = {
        {"device",
         {"name", "uri", "unit", "response_timeout_ms", "byte_timeout_ms", "connect_timeout_ms",
          "tcp_gap_ms", "rtu_pause_ms", "connect_settle_ms", "recovery_pause_ms", "read_retries",
          "connection", "read_ahead", "read_ahead_reprobe_ms", "backoff_min_ms", "backoff_max_ms"}},
        {"scheduler",
         {"max_queue_per_client", "default_deadline_ms", "max_deadline_ms", "fair_share_after_ms"}},
        {"server", {"endpoints", "max_frame_bytes", "max_connections"}},
        {"log", {"level", "plain"}},
        {"write_policy", {"profile", "profile_clients", "allow_eeprom"}},
        {"maintenance", {"comm_reset_hour"}},
    };
    std::size_t count = 0;
    for (const auto& [table, names] : keys) {
        for (const auto name : names) {
            CAPTURE(name);
            CHECK(example[table][name].node() != nullptr);
        }
        REQUIRE(example[table].as_table() != nullptr);
        CHECK(example[table].as_table()->size() == names.size());
        count += names.size();
    }
    CHECK(example.size() == 6);
    CHECK(count == 29);
}

TEST_CASE("config: the example documents every write rule key in its comments") {
    std::ifstream in(example_config());
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    for (const char* key :
         {"# coil = ", "coils = [", "# register = ", "registers = [", "# values = [",
          "# min = ", "# max = ", "# clients = [", "# [[write_policy.rules]]"}) {
        CAPTURE(key);
        CHECK(text.find(key) != std::string::npos);
    }
}

TEST_CASE("device uri: tcp forms") {
    CHECK(std::get<TcpDevice>(parse_device_uri("tcp://tristar.local")) ==
          TcpDevice{"tristar.local", 502});
    CHECK(std::get<TcpDevice>(parse_device_uri("tcp://192.168.1.253:5020")) ==
          TcpDevice{"192.168.1.253", 5020});
    CHECK(std::get<TcpDevice>(parse_device_uri("tcp://[::1]:502")) == TcpDevice{"::1", 502});
    CHECK(std::get<TcpDevice>(parse_device_uri("tcp://[fe80::1%eth0]")) ==
          TcpDevice{"fe80::1%eth0", 502});
}

TEST_CASE("device uri: rtu forms and defaults") {
    CHECK(std::get<RtuDevice>(parse_device_uri("rtu:///dev/ttyUSB0")) ==
          RtuDevice{"/dev/ttyUSB0", 9600, 'N', 8, 2});
    CHECK(std::get<RtuDevice>(parse_device_uri("rtu:///dev/ttyUSB0?parity=o&baud=115200")) ==
          RtuDevice{"/dev/ttyUSB0", 115200, 'O', 8, 2});
    CHECK(std::get<RtuDevice>(parse_device_uri("rtu:///dev/serial/by-id/x?data=7&stop=1")) ==
          RtuDevice{"/dev/serial/by-id/x", 9600, 'N', 7, 1});
}

TEST_CASE("device uri: the canonical form round-trips") {
    for (const char* uri : {"tcp://192.168.1.253:502", "tcp://tristar:1502", "tcp://[::1]:502",
                            "rtu:///dev/ttyUSB0?baud=9600&parity=N&stop=2&data=8",
                            "rtu:///dev/ttyS0?baud=1200&parity=E&stop=1&data=7"}) {
        CAPTURE(uri);
        CHECK(device_uri(parse_device_uri(uri)) == uri);
    }
    CHECK(device_uri(parse_device_uri("tcp://h")) == "tcp://h:502");
    CHECK(device_uri(parse_device_uri("rtu:///dev/x?parity=e")) ==
          "rtu:///dev/x?baud=9600&parity=E&stop=2&data=8");
    const DeviceAddress v6 = TcpDevice{"fe80::1%eth0", 8502};
    CHECK(parse_device_uri(device_uri(v6)) == v6);
}

TEST_CASE("device uri: bad uris are errors from the command line about device.uri") {
    const auto failure = uri_failure("tcp://host:0");
    CHECK(failure.source == "command line");
    CHECK(failure.line == 0);
    CHECK(failure.key == "device.uri");
    CHECK(failure.what == "command line: device.uri: port must be between 1 and 65535 (got \"0\")");
    const auto what = [](std::string_view uri) { return uri_failure(uri).what; };
    CHECK(what("") == "command line: device.uri: must start with tcp:// or rtu:// (got \"\")");
    CHECK(what("udp://host").find("must start with tcp:// or rtu://") != std::string::npos);
    CHECK(what("tcp://") == "command line: device.uri: has no host: tcp://HOST[:PORT]");
    CHECK(what("tcp://:502").find("has no host") != std::string::npos);
    CHECK(what("tcp://host:").find("port must be between 1 and 65535 (got \"\")") !=
          std::string::npos);
    CHECK(what("tcp://host:50x").find("(got \"50x\")") != std::string::npos);
    CHECK(what("tcp://host:-1").find("port must be") != std::string::npos);
    CHECK(what("tcp://::1").find("needs brackets") != std::string::npos);
    CHECK(what("tcp://[::1").find("without ']'") != std::string::npos);
    CHECK(what("tcp://[host]:502").find("invalid IPv6 address") != std::string::npos);
    CHECK(what("tcp://[::1]x").find("unexpected \"x\"") != std::string::npos);
    CHECK(what("tcp://host/path").find("invalid host \"host/path\"") != std::string::npos);
    CHECK(what("tcp://ho st").find("invalid host") != std::string::npos);
}

TEST_CASE("device uri: bad rtu settings are named") {
    const auto what = [](std::string_view uri) { return uri_failure(uri).what; };
    CHECK(what("rtu://dev/ttyUSB0").find("absolute serial device path") != std::string::npos);
    CHECK(what("rtu://").find("absolute serial device path") != std::string::npos);
    CHECK(what("rtu:///dev/x?baud=9601") ==
          "command line: device.uri: baud must be one of 1200, 2400, 4800, 9600, 19200, 38400, "
          "57600, 115200 (got \"9601\")");
    CHECK(what("rtu:///dev/x?baud=230400").find("baud must be") != std::string::npos);
    CHECK(what("rtu:///dev/x?parity=X").find("parity must be N, E or O (got \"X\")") !=
          std::string::npos);
    CHECK(what("rtu:///dev/x?parity=NO").find("parity must be") != std::string::npos);
    CHECK(what("rtu:///dev/x?stop=3").find("stop must be between 1 and 2") != std::string::npos);
    CHECK(what("rtu:///dev/x?data=9").find("data must be between 7 and 8") != std::string::npos);
    CHECK(what("rtu:///dev/x?speed=9600").find("unknown setting \"speed\"") != std::string::npos);
    CHECK(what("rtu:///dev/x?baud=9600&baud=19200").find("\"baud\" is given twice") !=
          std::string::npos);
    CHECK(what("rtu:///dev/x?baud").find("is not key=value") != std::string::npos);
    CHECK(what("rtu:///dev/x?").find("is not key=value") != std::string::npos);
    CHECK(what("rtu:///dev/x?baud=9600&").find("is not key=value") != std::string::npos);
}

// ---- [write_policy] and [maintenance] ----------------------------------------------------------
