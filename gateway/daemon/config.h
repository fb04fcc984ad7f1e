#pragma once
// tristar-gatewayd configuration: one TOML file plus command-line overrides (design.md 3.7).
// Every key, its default, bound and unit is documented in deploy/config/tristar-gatewayd.toml.
// The device address (device_uri.h), the write policy (config_write_policy.h) and [auth]
// (config_auth.h) have headers of their own; this one holds the Config that composes them.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/base/config_file.h"
#include "gateway/daemon/config_auth.h"
#include "gateway/daemon/config_write_policy.h"
#include "gateway/daemon/device_uri.h"

namespace tristar::gateway {

using std::chrono::milliseconds;

// "auto" detects whether the device closes its socket after each response.
enum class ConnectionMode { automatic, per_transaction, kept };

// Which reads are widened to their profile block (design.md 3.4). "small" widens only reads of
// at most a quarter of the block: on a serial line every extra register costs wire time, and a
// big read already carries most of what the block would add. "auto" is "block" on TCP, "small"
// on RTU.
enum class ReadAhead { automatic, block, small, off };

struct DeviceConfig {
    // How requests (Request.device), status, the log and ctl --device name it:
    // [A-Za-z0-9_-], 1..32 characters.
    std::string name = "tristar";
    DeviceAddress address = TcpDevice{};
    int unit = 1;                         // TriStar EEPROM 0xE019 default
    milliseconds response_timeout{1000};  // design.md 3.2
    milliseconds byte_timeout{500};
    milliseconds connect_timeout{2000};
    milliseconds tcp_gap{50};        // minimum gap between TCP transactions
    milliseconds rtu_pause{0};       // added to t3.5 between RTU transactions
    milliseconds connect_settle{0};  // wait after a new connection before sending
    // Quiet time after a timeout before the next transaction: the device serves one request at
    // a time and may still be working on the one that timed out.
    milliseconds recovery_pause{500};
    int read_retries = 2;  // extra tries of a read, 0..10
    ConnectionMode connection = ConnectionMode::automatic;
    ReadAhead read_ahead = ReadAhead::automatic;
    // After the device refused a widened read of a block, read as asked there for this long,
    // then widen again (one refused read per block per period at most).
    milliseconds read_ahead_reprobe{3'600'000};
    milliseconds backoff_min{100};  // reconnect backoff, doubled with jitter
    milliseconds backoff_max{30000};
    bool operator==(const DeviceConfig&) const = default;
};

struct SchedulerConfig {
    std::size_t max_queue_per_client = 64;  // 1..10000
    milliseconds default_deadline{5000};    // when a request says 0
    milliseconds max_deadline{600000};
    // A read that has waited this long is served round robin across clients before any lane
    // (scheduler.h: fair share), so no client's lanes starve another's; 0 = strict lanes.
    milliseconds fair_share_after{500};
    bool operator==(const SchedulerConfig&) const = default;
};

struct ServerConfig {
    std::vector<std::string> endpoints{"tcp://127.0.0.1:5555"};
    std::size_t max_frame_bytes = 4096;
    // Client connections on all endpoints together; beyond it the longest silent is closed.
    // Also kept below the open-files limit, with room for the device link.
    std::size_t max_connections = 256;
    bool operator==(const ServerConfig&) const = default;
};

struct LogConfig {
    std::string level = "info";  // trace, debug, info, warn, error, critical, off
    bool plain = false;          // no timestamps (daemontools' multilog adds its own)
    bool operator==(const LogConfig&) const = default;
};

struct MaintenanceConfig {
    // Local hour 0..23 of the daily coil 0x10FF comm-server reset (tristar-modbus.md 8: the
    // network processor hangs after about a month); -1 = off.
    int comm_reset_hour = -1;
    bool operator==(const MaintenanceConfig&) const = default;
};

// The most devices one gateway serves ([[devices]]).
inline constexpr std::size_t max_devices = 16;

struct Config {
    // At least one. A single [device] table is one device; [[devices]] lists several, each
    // starting from [device]'s keys as defaults. Devices that share a wire (device_list.h) are
    // served by one link.
    std::vector<DeviceConfig> devices{DeviceConfig{}};
    SchedulerConfig scheduler;
    ServerConfig server;
    LogConfig log;
    WritePolicyConfig write_policy;
    MaintenanceConfig maintenance;
    AuthConfig auth;
    bool operator==(const Config&) const = default;
};

using tristar::ConfigError;  // gateway/base/config_file.h

// Parses TOML text; `source` names it in errors. Unknown keys and tables are errors.
Config parse_config(std::string_view toml_text, const std::string& source);
Config load_config(const std::filesystem::path& file);

}  // namespace tristar::gateway
