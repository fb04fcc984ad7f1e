#pragma once
// tristar-gatewayd configuration: one TOML file plus command-line overrides (design.md 3.7).
// Every key, its default, bound and unit is documented in deploy/config/tristar-gatewayd.toml.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "gateway/base/config_file.h"

namespace tristar::gateway {

using std::chrono::milliseconds;

struct TcpDevice {
    std::string host;
    std::uint16_t port = 502;  // TriStar EEPROM 0x151C default
    bool operator==(const TcpDevice&) const = default;
};

struct RtuDevice {
    std::string path;  // /dev/ttyUSB0
    int baud = 9600;   // TriStar spec: RTU 9600 8N2
    char parity = 'N'; // 'N', 'E' or 'O'
    int data_bits = 8;
    int stop_bits = 2;
    bool operator==(const RtuDevice&) const = default;
};

using DeviceAddress = std::variant<TcpDevice, RtuDevice>;

// "auto" detects whether the device closes its socket after each response.
enum class ConnectionMode { automatic, per_transaction, kept };

// Which reads are widened to their profile block (design.md 3.4). "small" widens only reads of
// at most a quarter of the block: on a serial line every extra register costs wire time, and a
// big read already carries most of what the block would add. "auto" is "block" on TCP, "small"
// on RTU.
enum class ReadAhead { automatic, block, small, off };

struct DeviceConfig {
    DeviceAddress address = TcpDevice{};
    int unit = 1;                                  // TriStar EEPROM 0xE019 default
    milliseconds response_timeout{1000};           // design.md 3.2
    milliseconds byte_timeout{500};
    milliseconds connect_timeout{2000};
    milliseconds tcp_gap{50};                      // minimum gap between TCP transactions
    milliseconds rtu_pause{0};                     // added to t3.5 between RTU transactions
    milliseconds connect_settle{0};                // wait after a new connection before sending
    // Quiet time after a timeout before the next transaction: the device serves one request at
    // a time and may still be working on the one that timed out.
    milliseconds recovery_pause{500};
    int read_retries = 2;                          // extra tries of a read, 0..10
    ConnectionMode connection = ConnectionMode::automatic;
    ReadAhead read_ahead = ReadAhead::automatic;
    // After the device refused a widened read of a block, read as asked there for this long,
    // then widen again (one refused read per block per period at most).
    milliseconds read_ahead_reprobe{3'600'000};
    milliseconds backoff_min{100};                 // reconnect backoff, doubled with jitter
    milliseconds backoff_max{30000};
    bool operator==(const DeviceConfig&) const = default;
};

struct SchedulerConfig {
    std::size_t max_queue_per_client = 64;   // 1..10000
    milliseconds default_deadline{5000};     // when a request says 0
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

// One entry of the write policy (design.md 3.5; docs/write-policy.md): who may write what.
struct WriteRule {
    enum class Target { coil, holding_register };  // FC05; FC06 and FC16
    Target target = Target::coil;
    std::uint16_t first = 0;  // inclusive address range
    std::uint16_t last = 0;
    // Allowed values as inclusive ranges; coils: 0 = OFF, 1 = ON.
    std::vector<std::pair<std::uint16_t, std::uint16_t>> values;
    std::vector<std::string> clients;  // Request.client_name; "*" = any client
    bool operator==(const WriteRule&) const = default;
};

// "tristar": the built-in TriStar rules (write_policy.h, tristar_profile) for profile_clients.
enum class WriteProfile { none, tristar };

// Deny by default: a write passes only when a rule allows its address, value and client.
struct WritePolicyConfig {
    WriteProfile profile = WriteProfile::tristar;
    std::vector<std::string> profile_clients{"tristar-ctl", "tristar-publisher"};
    bool allow_eeprom = false;  // 0xE000 and up: refused whatever the rules say unless true
    std::vector<WriteRule> rules;
    bool operator==(const WritePolicyConfig&) const = default;
};

struct MaintenanceConfig {
    // Local hour 0..23 of the daily coil 0x10FF comm-server reset (tristar-modbus.md 8: the
    // network processor hangs after about a month); -1 = off.
    int comm_reset_hour = -1;
    bool operator==(const MaintenanceConfig&) const = default;
};

// A client allowed on a CURVE endpoint: its public key and the name the write policy knows it by.
struct CurveClient {
    std::string name;
    std::string public_key;  // Z85, 40 characters
    bool operator==(const CurveClient&) const = default;
};

// A local process allowed on the ipc endpoints, by the credentials the kernel reports for its
// socket (SO_PEERCRED): its uid and/or its primary gid (either given as a number or a name,
// resolved when the config is read). Every one that is given must match.
struct IpcPeer {
    std::string name;
    std::optional<std::uint32_t> uid;
    std::optional<std::uint32_t> gid;
    bool operator==(const IpcPeer&) const = default;
};

// [auth] (docs/operations.md, "Who may do what"). Without it nothing is authenticated and the
// write policy trusts Request.client_name, as it always did.
struct AuthConfig {
    // Bound besides [server] endpoints; every client there must do a CURVE handshake with an
    // allowed key (`clients`), and is then known by that key's name.
    std::vector<std::string> curve_endpoints;
    std::string curve_secret_key_file;  // the gateway's secret key (Z85), read at start
    std::vector<CurveClient> clients;
    // When not empty, the ipc endpoints of [server] accept only these peers.
    std::vector<IpcPeer> ipc_peers;
    // Writes from clients that are not authenticated (the plain tcp endpoints); default: refused
    // once [auth] authenticates anyone, allowed (judged by client_name) when it does not.
    std::optional<bool> unauthenticated_writes;

    bool enabled() const { return !curve_endpoints.empty() || !ipc_peers.empty(); }
    bool unauthenticated_may_write() const { return unauthenticated_writes.value_or(!enabled()); }
    bool operator==(const AuthConfig&) const = default;
};

struct Config {
    DeviceConfig device;
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

// "tcp://HOST[:PORT]" or "rtu:///dev/ttyUSB0?baud=9600&parity=N&stop=2&data=8".
// IPv6 hosts in brackets (tcp://[::1]:502; stored without them). RTU query keys are optional.
// Errors: ConfigError with source "command line", line 0, key "device.uri".
DeviceAddress parse_device_uri(std::string_view uri);
// The canonical form (port and every RTU setting spelled out); parse_device_uri reads it back.
std::string device_uri(const DeviceAddress& address);

}  // namespace tristar::gateway
