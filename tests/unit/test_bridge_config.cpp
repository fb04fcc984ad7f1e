// tristar-bridge's configuration: the [bridge] table, its errors (file:line: key), the listen
// address, and the documented example file (bridge/config.h).
#include <doctest/doctest.h>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>

#include "gateway/base/config_file.h"
#include "gateway/bridge/config.h"

using namespace std::chrono_literals;
using namespace tristar::bridge;
using tristar::ConfigError;

namespace {

struct Failure {
    int line = -1;  // -1: nothing was thrown
    std::string key;
    std::string what;
};

Failure failure_of(const std::string& toml) {
    try {
        parse_bridge_config(toml, "bridge.toml");
    } catch (const ConfigError& error) {
        return {error.line(), error.key(), error.what()};
    }
    return {};
}

// The values of the keys the tests below set, one field per key of [bridge].
struct Keys {
    ListenAddress listen;
    std::string gateway;
    std::chrono::milliseconds max_age;
    int scaled_unit;
    std::chrono::milliseconds gateway_timeout;
    std::size_t max_connections;
    std::size_t max_pending;
    std::string log_level;
    bool log_plain;
};

void check_keys(const BridgeConfig& config, const Keys& expected) {
    CHECK(config.listen == expected.listen);
    CHECK(config.gateway == expected.gateway);
    CHECK(config.max_age == expected.max_age);
    CHECK(config.scaled_unit == expected.scaled_unit);
    CHECK(config.gateway_timeout == expected.gateway_timeout);
    CHECK(config.max_connections == expected.max_connections);
    CHECK(config.max_pending == expected.max_pending);
    CHECK(config.log_level == expected.log_level);
    CHECK(config.log_plain == expected.log_plain);
}

std::filesystem::path example_config() {
    return std::filesystem::path(__FILE__).parent_path() /
           "../../deploy/config/tristar-bridge.toml";
}

}  // namespace

TEST_CASE("bridge config: an empty file keeps every default") {
    const BridgeConfig config = parse_bridge_config("", "empty.toml");
    CHECK(config == BridgeConfig{});
    check_keys(config, {ListenAddress{"0.0.0.0", 5020}, "tcp://127.0.0.1:5555", 1000ms, 2, 3000ms,
                        64, 16, "info", false});
}

TEST_CASE("bridge config: every key is read") {
    const BridgeConfig config = parse_bridge_config(
        "[bridge]\n"
        "listen = \"[::1]:1502\"\n"
        "gateway = \"ipc:///run/tristar/gateway.sock\"\n"
        "max_age_ms = 250\n"
        "scaled_unit = 0\n"
        "gateway_timeout_ms = 1500\n"
        "max_connections = 8\n"
        "max_pending = 4\n"
        "log_level = \"debug\"\n"
        "log_plain = true\n",
        "bridge.toml");
    check_keys(config, {ListenAddress{"::1", 1502}, "ipc:///run/tristar/gateway.sock", 250ms, 0,
                        1500ms, 8, 4, "debug", true});
}

TEST_CASE("bridge config: an unknown key names its line and suggests the right one") {
    const auto failure = failure_of("[bridge]\nlisten = \"0.0.0.0:5020\"\nmax_age = 500\n");
    CHECK(failure.line == 3);
    CHECK(failure.key == "bridge.max_age");
    CHECK(failure.what.find("bridge.toml:3: bridge.max_age: unknown key") == 0);
    CHECK(failure.what.find("max_age_ms") != std::string::npos);
}

TEST_CASE("bridge config: an unknown table is an error") {
    const auto failure = failure_of("[bridg]\nlisten = \"0.0.0.0:5020\"\n");
    CHECK(failure.line == 1);
    CHECK(failure.key == "bridg");
}

TEST_CASE("bridge config: values out of bounds or of the wrong type name file, line and key") {
    CHECK(failure_of("[bridge]\n\nmax_age_ms = -1\n").line == 3);
    CHECK(failure_of("[bridge]\nmax_age_ms = -1\n").key == "bridge.max_age_ms");
    CHECK(failure_of("[bridge]\ngateway_timeout_ms = 50\n").key == "bridge.gateway_timeout_ms");
    CHECK(failure_of("[bridge]\nscaled_unit = 248\n").key == "bridge.scaled_unit");
    CHECK(failure_of("[bridge]\nmax_connections = 0\n").key == "bridge.max_connections");
    CHECK(failure_of("[bridge]\nmax_pending = 0\n").key == "bridge.max_pending");
    CHECK(failure_of("[bridge]\nlog_level = \"loud\"\n").key == "bridge.log_level");
    CHECK(failure_of("[bridge]\nlog_plain = 1\n").key == "bridge.log_plain");
    CHECK(failure_of("[bridge]\ngateway = \"\"\n").key == "bridge.gateway");
    const auto typed = failure_of("[bridge]\nmax_age_ms = \"1000\"\n");
    CHECK(typed.what == "bridge.toml:2: bridge.max_age_ms: must be an integer (got string)");
}

TEST_CASE("bridge config: the scaled view cannot take the TriStar's own unit id") {
    const auto failure = failure_of("[bridge]\nscaled_unit = 1\n");
    CHECK(failure.line == 2);
    CHECK(failure.key == "bridge.scaled_unit");
    BridgeConfig config;
    config.scaled_unit = 1;
    CHECK_THROWS_AS(check_bridge_config(config, "command line"), ConfigError);
    config.scaled_unit = 0;
    CHECK_NOTHROW(check_bridge_config(config, "command line"));
}

TEST_CASE("bridge config: a bad listen address is an error at its line") {
    const auto failure = failure_of("[bridge]\nlisten = \"5020\"\n");
    CHECK(failure.line == 2);
    CHECK(failure.key == "bridge.listen");
    CHECK(failure.what.find("HOST:PORT") != std::string::npos);
    CHECK(failure_of("[bridge]\nlisten = \"0.0.0.0:70000\"\n").key == "bridge.listen");
    CHECK(failure_of("[bridge]\nlisten = 5020\n").what.find("must be a string") !=
          std::string::npos);
}

TEST_CASE("bridge config: a TOML syntax error names its line") {
    const auto failure = failure_of("[bridge]\nlisten = \n");
    CHECK(failure.line == 2);
}

TEST_CASE("bridge config: listen addresses") {
    CHECK(parse_listen("127.0.0.1:0") == ListenAddress{"127.0.0.1", 0});
    CHECK(parse_listen("0.0.0.0:5020") == ListenAddress{"0.0.0.0", 5020});
    CHECK(parse_listen("[::]:502") == ListenAddress{"::", 502});
    CHECK(parse_listen("localhost:1502") == ListenAddress{"localhost", 1502});
    CHECK_THROWS_AS(parse_listen("::1:5020"), std::invalid_argument);
    CHECK_THROWS_AS(parse_listen(":5020"), std::invalid_argument);
    CHECK_THROWS_AS(parse_listen("host:"), std::invalid_argument);
    CHECK_THROWS_AS(parse_listen("host:50x"), std::invalid_argument);
    CHECK_THROWS_AS(parse_listen("host:65536"), std::invalid_argument);
    CHECK(listen_text({"127.0.0.1", 5020}) == "tcp://127.0.0.1:5020");
    CHECK(listen_text({"::1", 5020}) == "tcp://[::1]:5020");
}

TEST_CASE("bridge config: the documented example parses, and its values are the defaults") {
    const auto path = example_config();
    REQUIRE(std::filesystem::exists(path));
    const BridgeConfig config = load_bridge_config(path.string());
    CHECK(config == BridgeConfig{});
}

TEST_CASE("bridge config: the connection limits and timeouts") {
    const BridgeConfig defaults;
    CHECK(defaults.max_connections_per_address == 16);
    CHECK(defaults.idle_timeout == 60000ms);
    CHECK(defaults.frame_timeout == 5000ms);
    CHECK(defaults.log_summary_interval == 60000ms);
    const BridgeConfig config = parse_bridge_config(
        "[bridge]\n"
        "max_connections_per_address = 4\n"
        "idle_timeout_ms = 0\n"
        "frame_timeout_ms = 250\n"
        "log_summary_interval_ms = 2000\n",
        "bridge.toml");
    CHECK(config.max_connections_per_address == 4);
    CHECK(config.idle_timeout == 0ms);
    CHECK(config.frame_timeout == 250ms);
    CHECK(config.log_summary_interval == 2000ms);
}

TEST_CASE("bridge config: bad connection limits and timeouts name file, line and key") {
    CHECK(failure_of("[bridge]\nmax_connections_per_address = 0\n").key ==
          "bridge.max_connections_per_address");
    CHECK(failure_of("[bridge]\nframe_timeout_ms = 99\n").key == "bridge.frame_timeout_ms");
    CHECK(failure_of("[bridge]\nlog_summary_interval_ms = 999\n").key ==
          "bridge.log_summary_interval_ms");
    CHECK(failure_of("[bridge]\nidle_timeout_ms = -1\n").key == "bridge.idle_timeout_ms");
    const auto short_idle = failure_of("[bridge]\n\nidle_timeout_ms = 500\n");
    CHECK(short_idle.line == 3);
    CHECK(short_idle.what ==
          "bridge.toml:3: bridge.idle_timeout_ms: must be 0 (never) or at least 1000 (got 500)");
}
