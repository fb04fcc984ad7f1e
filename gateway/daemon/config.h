#pragma once
// tristar-gatewayd configuration: one TOML file plus command-line overrides (design.md 3.7).
// Every key, its default, bound and unit is documented in deploy/config/tristar-gatewayd.toml.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tristar::gateway {

using std::chrono::milliseconds;

struct TcpDevice {
    std::string host;
    std::uint16_t port = 502;  // TriStar EEPROM 0x151C default
};

struct RtuDevice {
    std::string path;  // /dev/ttyUSB0
    int baud = 9600;   // TriStar spec: RTU 9600 8N2
    char parity = 'N'; // 'N', 'E' or 'O'
    int data_bits = 8;
    int stop_bits = 2;
};

using DeviceAddress = std::variant<TcpDevice, RtuDevice>;

// "auto" detects whether the device closes its socket after each response.
enum class ConnectionMode { automatic, per_transaction, kept };

struct DeviceConfig {
    DeviceAddress address = TcpDevice{};
    int unit = 1;                                  // TriStar EEPROM 0xE019 default
    milliseconds response_timeout{1000};           // design.md 3.2
    milliseconds byte_timeout{500};
    milliseconds connect_timeout{2000};
    milliseconds tcp_gap{50};                      // minimum gap between TCP transactions
    milliseconds rtu_pause{0};                     // added to t3.5 between RTU transactions
    milliseconds connect_settle{0};                // wait after a new connection before sending
    int read_retries = 2;                          // extra tries of a read, 0..10
    ConnectionMode connection = ConnectionMode::automatic;
    milliseconds backoff_min{100};                 // reconnect backoff, doubled with jitter
    milliseconds backoff_max{30000};
};

struct SchedulerConfig {
    std::size_t max_queue_per_client = 64;   // 1..10000
    milliseconds default_deadline{5000};     // when a request says 0
    milliseconds max_deadline{600000};
};

struct ServerConfig {
    std::vector<std::string> endpoints{"tcp://127.0.0.1:5555"};
    std::size_t max_frame_bytes = 4096;
};

struct LogConfig {
    std::string level = "info";  // trace, debug, info, warn, error, critical, off
    bool plain = false;          // no timestamps (daemontools' multilog adds its own)
};

struct Config {
    DeviceConfig device;
    SchedulerConfig scheduler;
    ServerConfig server;
    LogConfig log;
};

// A bad key or value: names the source (file or "command line"), the line and the key.
class ConfigError : public std::runtime_error {
public:
    ConfigError(std::string source, int line, std::string key, const std::string& message);
    const std::string& source() const { return source_; }
    int line() const { return line_; }  // 0 when unknown (command line)
    const std::string& key() const { return key_; }

private:
    std::string source_;
    int line_;
    std::string key_;
};

// Parses TOML text; `source` names it in errors. Unknown keys and tables are errors.
Config parse_config(std::string_view toml_text, const std::string& source);
Config load_config(const std::filesystem::path& file);

// "tcp://HOST[:PORT]" or "rtu:///dev/ttyUSB0?baud=9600&parity=N&stop=2&data=8".
DeviceAddress parse_device_uri(std::string_view uri);
std::string device_uri(const DeviceAddress& address);

}  // namespace tristar::gateway
