#include "gateway/bridge/config.h"

#include <charconv>
#include <stdexcept>

#include "gateway/base/config_file.h"
#include "gateway/base/host_port.h"

namespace tristar::bridge {
namespace {

using namespace std::chrono_literals;
using config_file::TableReader;

constexpr std::string_view level_names[] = {"trace", "debug",    "info", "warn",
                                            "error", "critical", "off"};
constexpr int max_unit = 247;  // Modbus: 1..247 are individual addresses

void read_listen(TableReader& in, BridgeConfig& config) {
    const auto* listen = in.typed<std::string>("listen", "a string");
    if (listen == nullptr) return;
    try {
        config.listen = parse_listen(listen->get());
    } catch (const std::invalid_argument& e) {
        in.fail(*listen, "listen", e.what());
    }
}

void read_scaled_unit(TableReader& in, BridgeConfig& config) {
    const auto unit = in.integer("scaled_unit", 0, max_unit);
    if (!unit) return;
    if (*unit == device_unit)
        in.fail(*in.table().get("scaled_unit"), "scaled_unit",
                "must not be 1, the TriStar's own unit id (0 turns the scaled view off)");
    config.scaled_unit = static_cast<int>(*unit);
}

void read_idle_timeout(TableReader& in, BridgeConfig& config) {
    const auto ms = in.integer("idle_timeout_ms", 0, 86400000);
    if (!ms) return;
    // Below a second it would close a master between two requests of one poll.
    if (*ms > 0 && *ms < 1000)
        in.fail(*in.table().get("idle_timeout_ms"), "idle_timeout_ms",
                "must be 0 (never) or at least 1000 (got " + std::to_string(*ms) + ")");
    config.idle_timeout = milliseconds{*ms};
}

constexpr std::string_view view_names[] = {"raw", "scaled"};

UnitRoute read_route(TableReader& in) {
    UnitRoute route;
    const auto unit = in.integer("unit", 1, max_unit);
    if (!unit) in.fail_table("needs unit (1..247)");
    route.unit = static_cast<std::uint8_t>(*unit);
    const auto* device = in.typed<std::string>("device", "a string");
    if (device == nullptr)
        in.fail_table("needs device (the gateway's device name; \"\" for its first device)");
    route.device = device->get();
    if (const auto i = in.choice("view", view_names)) route.scaled = *i == 1;
    return route;
}

// [[bridge.units]]: the whole mapping, instead of the default one and scaled_unit.
void read_units(TableReader& in, BridgeConfig& config) {
    const auto count = in.each_table(
        "units", "an array of tables ([[bridge.units]])",
        [&](TableReader& entry, std::size_t) { config.units.push_back(read_route(entry)); });
    if (count == 0) return;
    const toml::node& list = *in.table().get("units");
    if (in.table().contains("scaled_unit"))
        in.fail(list, "units", "replaces scaled_unit: give the scaled view's unit here");
    if (auto problem = routes_problem(config.units)) in.fail(list, "units", *problem);
}

void read_bridge(TableReader& in, BridgeConfig& config) {
    read_listen(in, config);
    if (const auto* gateway = in.typed<std::string>("gateway", "a string")) {
        if (gateway->get().empty()) in.fail(*gateway, "gateway", "must name a ZeroMQ endpoint");
        config.gateway = gateway->get();
    }
    in.read_key_files(config.server_public_key_file, config.client_secret_key_file,
                      config.client_public_key_file);
    in.read("max_age_ms", config.max_age, 0ms, 600000ms);
    read_scaled_unit(in, config);
    read_units(in, config);
    in.read("gateway_timeout_ms", config.gateway_timeout, 100ms, 60000ms);
    in.read("max_connections", config.max_connections, 1, 1024);
    in.read("max_connections_per_address", config.max_connections_per_address, 1, 1024);
    in.read("max_pending", config.max_pending, 1, 256);
    read_idle_timeout(in, config);
    in.read("frame_timeout_ms", config.frame_timeout, 100ms, 60000ms);
    in.read("log_summary_interval_ms", config.log_summary_interval, 1000ms, 3600000ms);
    if (const auto i = in.choice("log_level", level_names)) config.log_level = level_names[*i];
    in.read("log_plain", config.log_plain);
}

}  // namespace

ListenAddress parse_listen(std::string_view text) {
    auto parsed = parse_host_port(text);
    return ListenAddress{std::move(parsed.host), parsed.port};
}

std::string listen_text(const ListenAddress& address) {
    return tcp_endpoint(address.host, address.port);
}

BridgeConfig parse_bridge_config(std::string_view toml_text, const std::string& source) {
    const toml::table root = parse_toml(toml_text, source);
    BridgeConfig config;
    TableReader top(root, "", source);
    top.section("bridge", [&](TableReader& in) { read_bridge(in, config); });
    top.reject_unknown();
    return config;
}

BridgeConfig load_bridge_config(const std::string& file) {
    return parse_bridge_config(read_config_file(file), file);
}

void check_bridge_config(const BridgeConfig& config, const std::string& source) {
    if (config.scaled_unit < 0 || config.scaled_unit > max_unit)
        throw ConfigError(
            source, 0, "--scaled-unit",
            "must be between 0 and 247 (got " + std::to_string(config.scaled_unit) + ")");
    if (config.scaled_unit == device_unit)
        throw ConfigError(source, 0, "--scaled-unit",
                          "must not be 1, the TriStar's own unit id (0 turns the scaled view off)");
}

}  // namespace tristar::bridge
