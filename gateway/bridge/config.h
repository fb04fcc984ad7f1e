#pragma once
// tristar-bridge configuration: an optional TOML file ([bridge] table, every key documented in
// deploy/config/tristar-bridge.toml) plus command-line overrides of the same keys.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/bridge/unit_map.h"

namespace tristar::bridge {

using std::chrono::milliseconds;

// Where the Modbus-TCP server listens. Port 0 lets the kernel pick one.
struct ListenAddress {
    std::string host = "0.0.0.0";  // numeric IPv4/IPv6 or a name; IPv6 written in brackets
    std::uint16_t port = 5020;

    bool operator==(const ListenAddress&) const = default;
};

struct BridgeConfig {
    ListenAddress listen;
    std::string gateway = "tcp://127.0.0.1:5555";  // the gateway's ZeroMQ endpoint
    // CURVE key files (server_public_key_file, client_secret_key_file, client_public_key_file);
    // empty: no authentication.
    std::string server_public_key_file;
    std::string client_secret_key_file;
    std::string client_public_key_file;
    // Reads accept cached values this young, so the gateway's cache and read-ahead serve most of
    // them (design.md 5). 0 = every read is a device transaction.
    milliseconds max_age{1000};
    // The unit id of the scaled view (float32 engineering values); 0 = off.
    int scaled_unit = 2;
    // [[bridge.units]]: which device and view each unit id serves; empty = the default mapping
    // over the gateway's devices (unit_map.h).
    std::vector<UnitRoute> units;
    // No reply from the gateway within this long: answered 0x0B. Below the 3-5 s a Home Assistant
    // or pymodbus master waits, so the master gets an exception rather than a timeout.
    milliseconds gateway_timeout{3000};
    // When full, a new connection evicts the longest-idle one (connection_policy.h).
    std::size_t max_connections = 64;
    std::size_t max_connections_per_address = 16;
    std::size_t max_pending = 16;  // unanswered requests per connection; beyond: 0x06
    // A connection that sends nothing this long is closed; 0 = never. Home Assistant polls every
    // few seconds (scan_interval, 15 s by default) and its client reconnects when closed.
    milliseconds idle_timeout{60000};
    // An MBAP frame begun and not completed within this is a stuck or hostile master: closed.
    // A frame is 260 bytes at most, one TCP segment for any real master.
    milliseconds frame_timeout{5000};
    // Repeated connection events (opened, malformed, evicted...) are logged once per interval.
    milliseconds log_summary_interval{60000};
    std::string log_level = "info";
    bool log_plain = false;

    bool operator==(const BridgeConfig&) const = default;
};

// The unit id the bridge answers for the TriStar itself (the TriStar's own default, spec 1).
inline constexpr std::uint8_t device_unit = 1;

// "HOST:PORT" or "[IPV6]:PORT"; throws std::invalid_argument saying what is wrong.
ListenAddress parse_listen(std::string_view text);
// "tcp://HOST:PORT", brackets around an IPv6 host.
std::string listen_text(const ListenAddress& address);

// Parses the [bridge] table of a TOML document; throws tristar::ConfigError naming the file,
// line and key.
BridgeConfig parse_bridge_config(std::string_view toml_text, const std::string& source);
BridgeConfig load_bridge_config(const std::string& file);

// Checks that hold across keys (the scaled unit is not the device's); throws ConfigError.
void check_bridge_config(const BridgeConfig& config, const std::string& source);

}  // namespace tristar::bridge
