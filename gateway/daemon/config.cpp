#include "gateway/daemon/config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <utility>

#include "gateway/daemon/config_reader.h"
#include "gateway/daemon/device_list.h"

namespace tristar::gateway {

using namespace std::chrono_literals;

namespace {

using namespace config_detail;

constexpr std::string_view connection_names[] = {"auto", "per-transaction", "kept"};
constexpr ConnectionMode connection_modes[] = {
    ConnectionMode::automatic, ConnectionMode::per_transaction, ConnectionMode::kept};
constexpr std::string_view read_ahead_names[] = {"auto", "block", "small", "off"};
constexpr ReadAhead read_ahead_modes[] = {ReadAhead::automatic, ReadAhead::block, ReadAhead::small,
                                          ReadAhead::off};
constexpr std::string_view level_names[] = {"trace", "debug",    "info", "warn",
                                            "error", "critical", "off"};
constexpr std::string_view endpoint_schemes[] = {"tcp://", "ipc://", "inproc://"};

// parse_device_uri speaks for the command line; here its errors get the file and line.
void read_uri(TableReader& in, DeviceConfig& device) {
    const auto* uri = in.typed<std::string>("uri", "a string");
    if (uri == nullptr) return;
    try {
        device.address = parse_device_uri(uri->get());
    } catch (const ConfigError& error) {
        in.fail(*uri, "uri", error.message());
    }
}

void read_name(TableReader& in, DeviceConfig& device) {
    const auto* name = in.typed<std::string>("name", "a string");
    if (name == nullptr) return;
    if (auto problem = device_name_problem(name->get())) in.fail(*name, "name", *problem);
    device.name = name->get();
}

// Every key of a device, in [device] and in each [[devices]] entry.
void read_device_keys(TableReader& in, DeviceConfig& device) {
    read_name(in, device);
    read_uri(in, device);
    in.read("unit", device.unit, 1, 247);  // Modbus unicast addresses
    in.read("response_timeout_ms", device.response_timeout, 10ms, 60000ms);
    in.read("byte_timeout_ms", device.byte_timeout, 1ms, 60000ms);
    in.read("connect_timeout_ms", device.connect_timeout, 10ms, 60000ms);
    in.read("tcp_gap_ms", device.tcp_gap, 0ms, 60000ms);
    in.read("rtu_pause_ms", device.rtu_pause, 0ms, 60000ms);
    in.read("connect_settle_ms", device.connect_settle, 0ms, 60000ms);
    in.read("recovery_pause_ms", device.recovery_pause, 0ms, 60000ms);
    in.read("read_retries", device.read_retries, 0, 10);
    if (const auto i = in.choice("connection", connection_names))
        device.connection = connection_modes[*i];
    in.read("read_ahead_reprobe_ms", device.read_ahead_reprobe, 1000ms, 86'400'000ms);
    if (const auto i = in.choice("read_ahead", read_ahead_names))
        device.read_ahead = read_ahead_modes[*i];
    in.read("backoff_min_ms", device.backoff_min, 10ms, 60000ms);
    in.read("backoff_max_ms", device.backoff_max, 10ms, 3600000ms);
    in.require_order("backoff_min_ms", device.backoff_min.count(), "backoff_max_ms",
                     device.backoff_max.count());
}

void read_device(TableReader& in, Config& config) {
    read_device_keys(in, config.devices.front());
}

// [[devices]]: each entry starts from [device] (read before it) and names its own device.
void read_devices(TableReader& in, const toml::array& list, Config& config) {
    if (list.empty()) in.fail(list, "devices", "must list at least one device");
    if (list.size() > max_devices)
        in.fail(list, "devices", "at most " + std::to_string(max_devices) + " devices");
    if (const auto* defaults = in.table().get_as<toml::table>("device");
        defaults != nullptr && (defaults->contains("uri") || defaults->contains("name")))
        in.fail(*defaults, "device",
                "with [[devices]], uri and name belong to each [[devices]] entry, not [device]");
    const DeviceConfig defaults = config.devices.front();
    config.devices.clear();
    for (std::size_t i = 0; i < list.size(); ++i) {
        const toml::node& item = *list.get(i);
        if (!item.is_table())
            in.fail(item, "devices", "entries must be tables (got " + type_name(item) + ")");
        TableReader entry = in.nested(*item.as_table(), "devices[" + std::to_string(i) + "]");
        for (const std::string_view required : {"name", "uri"})
            if (!item.as_table()->contains(required))
                entry.fail_table("needs " + std::string(required));
        DeviceConfig device = defaults;
        read_device_keys(entry, device);
        entry.reject_unknown();
        config.devices.push_back(std::move(device));
    }
    if (auto problem = device_list_problem(config.devices)) in.fail(list, "devices", *problem);
}

void read_scheduler(TableReader& in, Config& config) {
    SchedulerConfig& scheduler = config.scheduler;
    in.read("max_queue_per_client", scheduler.max_queue_per_client, 1, 10000);
    in.read("default_deadline_ms", scheduler.default_deadline, 1ms, 3600000ms);
    in.read("max_deadline_ms", scheduler.max_deadline, 1ms, 3600000ms);
    in.read("fair_share_after_ms", scheduler.fair_share_after, 0ms, 3600000ms);
    in.require_order("default_deadline_ms", scheduler.default_deadline.count(), "max_deadline_ms",
                     scheduler.max_deadline.count());
}

void read_server(TableReader& in, Config& config) {
    if (auto endpoints = read_endpoints(in, "endpoints", endpoint_schemes, true))
        config.server.endpoints = std::move(*endpoints);
    in.read("max_frame_bytes", config.server.max_frame_bytes, 256, 1048576);
    in.read("max_connections", config.server.max_connections, 1, 65536);
}

void read_log(TableReader& in, Config& config) {
    if (const auto i = in.choice("level", level_names)) config.log.level = level_names[*i];
    in.read("plain", config.log.plain);
}

void read_maintenance(TableReader& in, Config& config) {
    in.read("comm_reset_hour", config.maintenance.comm_reset_hour, -1, 23);
}

using SectionReader = void (*)(TableReader&, Config&);
constexpr std::pair<std::string_view, SectionReader> sections[] = {
    {"device", read_device},
    {"scheduler", read_scheduler},
    {"server", read_server},
    {"log", read_log},
    {"write_policy",
     [](TableReader& in, Config& config) { read_write_policy(in, config.write_policy); }},
    {"maintenance", read_maintenance},
    {"auth", [](TableReader& in, Config& config) { read_auth(in, config.auth); }}};

}  // namespace

Config parse_config(std::string_view toml_text, const std::string& source) {
    const toml::table root = parse_toml(toml_text, source);
    Config config;
    TableReader top(root, "", source);
    for (const auto& [name, read] : sections) {
        const auto* table = top.typed<toml::table>(name, "a table");
        if (table == nullptr) continue;
        TableReader section(*table, std::string(name), source);
        read(section, config);
        section.reject_unknown();
    }
    if (const auto* list = top.typed<toml::array>("devices", "an array of tables ([[devices]])"))
        read_devices(top, *list, config);
    top.reject_unknown();
    return config;
}

Config load_config(const std::filesystem::path& file) {
    return parse_config(read_config_file(file), file.string());
}

}  // namespace tristar::gateway
