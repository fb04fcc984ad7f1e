#include "publisher/config.h"

#include <algorithm>
#include <cctype>

#include "gateway/base/config_file.h"

namespace tristar::publisher {
namespace {

using namespace std::chrono_literals;
using config_file::TableReader;

constexpr std::string_view bus_names[] = {"system", "session"};
constexpr std::string_view level_names[] = {"trace", "debug",    "info", "warn",
                                            "error", "critical", "off"};

void read_bus(TableReader& in, PublisherConfig& config) {
    const auto* bus = in.typed<std::string>("dbus", "a string");
    if (bus == nullptr) return;
    const std::string value = bus->get();
    if (value == bus_names[0]) {
        config.bus = BusKind::system;
    } else if (value == bus_names[1]) {
        config.bus = BusKind::session;
    } else if (value.find(':') != std::string::npos && value.find('=') != std::string::npos) {
        config.bus = BusKind::address;
        config.bus_address = value;
    } else {
        in.fail(*bus, "dbus",
                "must be \"system\", \"session\" or a D-Bus address like "
                "\"unix:path=/run/dbus/bus\" (got " +
                    config_file::in_quotes(value) + ")");
    }
}

// At most 16 letters and digits: it becomes part of a bus name and of localsettings paths.
void read_serial(TableReader& in, PublisherConfig& config) {
    const auto* serial = in.typed<std::string>("serial", "a string");
    if (serial == nullptr) return;
    const std::string value = serial->get();
    const bool valid = value.size() <= 16 && std::ranges::all_of(value, [](char c) {
                           return std::isalnum(static_cast<unsigned char>(c)) != 0;
                       });
    if (!valid)
        in.fail(*serial, "serial",
                "must be at most 16 letters and digits, like \"01234567\" (got " +
                    config_file::in_quotes(value) + ")");
    config.serial = value;
}

void read_devices(TableReader& in, PublisherConfig& config) {
    auto names = in.names("devices");
    if (!names) return;
    const toml::node& node = *in.table().get("devices");
    if (names->empty())
        in.fail(node, "devices",
                "must name at least one of the gateway's devices; leave it out to publish every "
                "device the gateway has");
    for (const auto& name : *names)
        if (const auto problem = device_name_problem(name))
            in.fail(node, "devices", *problem + " (got " + config_file::in_quotes(name) + ")");
    config.devices = std::move(*names);
}

// A configured serial names one service: with several devices each has its own TriStar's.
void check_serial_for_devices(TableReader& in, const PublisherConfig& config) {
    if (config.serial.empty() || config.devices.size() < 2) return;
    in.fail(*in.table().get("serial"), "serial",
            "names a single device; with several devices each service is named after its own "
            "TriStar's serial");
}

void read_publisher(TableReader& in, PublisherConfig& config) {
    if (const auto* gateway = in.typed<std::string>("gateway", "a string")) {
        if (gateway->get().empty()) in.fail(*gateway, "gateway", "must name a ZeroMQ endpoint");
        config.gateway = gateway->get();
    }
    read_devices(in, config);
    in.read_key_files(config.server_public_key_file, config.client_secret_key_file,
                      config.client_public_key_file);
    read_bus(in, config);
    in.read("live_poll_ms", config.polls.live, 100ms, 60000ms);
    in.read("coil_poll_ms", config.polls.coils, 100ms, 3600000ms);
    in.read("counter_poll_ms", config.polls.counters, 1000ms, 86400000ms);
    milliseconds max_age{-1};
    in.read("live_max_age_ms", max_age, 0ms, 60000ms);
    if (max_age >= 0ms) config.live_max_age = max_age;
    milliseconds stale{-1};
    in.read("stale_after_ms", stale, 100ms, 60000ms);
    if (stale >= 0ms) config.stale_after = stale;
    in.read("release_after_ms", config.release_after, 0ms, 3600000ms);
    if (const auto* dir = in.typed<std::string>("data_dir", "a string")) {
        if (dir->get().empty()) in.fail(*dir, "data_dir", "must name a directory");
        config.data_dir = dir->get();
    }
    in.read("device_instance", config.device_instance, 0, 999);
    read_serial(in, config);
    check_serial_for_devices(in, config);
    if (const auto id = in.integer("product_id", 0, 0xFFFF))
        config.product_id = static_cast<std::int32_t>(*id);
    in.read("history_days", config.history_days, 1, 31);
    milliseconds save = config.history_save;
    in.read("history_save_ms", save, 1000ms, 3600000ms);
    config.history_save = std::chrono::duration_cast<std::chrono::seconds>(save);
    if (const auto* zone = in.typed<std::string>("timezone", "a string"))
        config.timezone = zone->get();
    in.read("equalize_switch", config.equalize_switch);
    if (const auto i = in.choice("log_level", level_names)) config.log_level = level_names[*i];
    in.read("log_plain", config.log_plain);
}

// [dvcc]: amperes as an integer or a float.
void read_dvcc(TableReader& in, DvccConfig& config) {
    in.read("enabled", config.enabled);
    constexpr std::string_view key = "charge_current_limit";
    const toml::node* node = in.table().get(key);
    if (node != nullptr && node->is_integer()) {
        if (const auto amps = in.integer(key, 0, static_cast<std::int64_t>(dvcc_current_limit_max)))
            config.charge_current_limit = static_cast<double>(*amps);
    } else if (const auto* amps = in.typed<double>(key, "a number of amperes")) {
        if (!(amps->get() >= 0.0 && amps->get() <= dvcc_current_limit_max))
            in.fail(*amps, key, "must be within 0..60 A (got " + std::to_string(amps->get()) + ")");
        config.charge_current_limit = amps->get();
    }
}

}  // namespace

std::optional<std::string> device_name_problem(std::string_view name) {
    const bool ok = !name.empty() && name.size() <= 32 && std::ranges::all_of(name, [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
    });
    if (ok) return std::nullopt;
    return "a device name is 1 to 32 characters of A-Z, a-z, 0-9, _ and -";
}

PublisherConfig parse_publisher_config(std::string_view toml_text, const std::string& source) {
    const toml::table root = parse_toml(toml_text, source);
    PublisherConfig config;
    TableReader top(root, "", source);
    top.section("publisher", [&](TableReader& in) { read_publisher(in, config); });
    top.section("dvcc", [&](TableReader& in) { read_dvcc(in, config.dvcc); });
    top.reject_unknown();
    return config;
}

PublisherConfig load_publisher_config(const std::string& file) {
    return parse_publisher_config(read_config_file(file), file);
}

}  // namespace tristar::publisher
