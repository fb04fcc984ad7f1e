#pragma once
// tristar-publisher configuration: an optional TOML file ([publisher] table, every key documented
// in deploy/config/tristar-publisher.toml) plus command-line overrides.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "publisher/dvcc_config.h"
#include "publisher/poll_plan.h"

namespace tristar::publisher {

enum class BusKind { system, session, address };

struct PublisherConfig {
    std::string gateway = "tcp://127.0.0.1:5555";  // the gateway's ZeroMQ endpoint
    // [publisher] devices: the gateway's devices to publish, by their [[devices]] names, each as
    // a service of its own (chargers.h); empty: every device the gateway's status lists.
    std::vector<std::string> devices;
    // The one device a Publisher serves, by its gateway name; "": the gateway's first device,
    // with the file names and log lines of a publisher of one device (device_choice.h). Set per
    // device, never read from the file.
    std::string device;
    // CURVE key files (server_public_key_file, client_secret_key_file, client_public_key_file);
    // empty: no authentication.
    std::string server_public_key_file;
    std::string client_secret_key_file;
    std::string client_public_key_file;
    BusKind bus = BusKind::system;
    std::string bus_address;  // with BusKind::address: "unix:path=/run/dbus/test"
    PollPeriods polls;
    // How old the gateway may answer a live read from its cache; half the live period by
    // default, so a read another client just made is reused and the values stay current.
    std::optional<milliseconds> live_max_age;
    // Until this long after the last live read that succeeded the values stay; then /Connected
    // goes 0 and the measured values invalid. Default: the gateway's read budget (every retry of
    // a read, Status.read_budget_ms) plus one live period, so a read the gateway is still
    // retrying never blanks a value. A gateway that says the device is unavailable blanks them
    // at once.
    std::optional<milliseconds> stale_after;
    // After the link has been down this long the service leaves the bus (as Victron's drivers
    // do, so the GUI lists the charger as not connected); polling goes on and the service comes
    // back under the same name and instance when the TriStar answers again.
    milliseconds release_after{10000};
    std::string data_dir = "/data/tristar";  // the daily history (Venus OS keeps only /data)
    int device_instance = 0;  // "solarcharger:<n>" default; used as is without localsettings
    // The TriStar's serial for /Serial and the service name, for a unit that cannot report its own
    // (docs/venus.md); "" = the serial the TriStar reports, or a fallback id.
    std::string serial;
    std::int32_t product_id = 0xB7A1;  // third-party id, docs/venus.md
    std::size_t history_days = 30;
    std::chrono::seconds history_save{300};
    std::string timezone;  // "" = /Settings/System/TimeZone, else TZ
    // Equalize as a momentary button in the GUI's switch pane (/SwitchableOutput/1). Off by
    // default: one tap starts an equalize without confirmation, which no Victron charger offers.
    bool equalize_switch = false;
    DvccConfig dvcc;  // [dvcc] table: off by default
    std::string log_level = "info";
    bool log_plain = false;

    milliseconds effective_max_age() const { return live_max_age.value_or(polls.live / 2); }
    milliseconds effective_stale_after(milliseconds read_budget) const {
        return stale_after.value_or(read_budget + polls.live);
    }
    bool operator==(const PublisherConfig&) const = default;
};

// Why `name` cannot name one of the gateway's devices (its [[devices]] rule: 1 to 32 characters
// of A-Z, a-z, 0-9, _ and -); nothing when it can.
std::optional<std::string> device_name_problem(std::string_view name);

// Parses the [publisher] and [dvcc] tables of a TOML document; throws tristar::ConfigError naming
// the file, line and key.
PublisherConfig parse_publisher_config(std::string_view toml_text, const std::string& source);
PublisherConfig load_publisher_config(const std::string& file);

}  // namespace tristar::publisher
