#pragma once
// The device's address, TCP or RTU, and its URI form: "tcp://HOST[:PORT]" or
// "rtu:///dev/ttyUSB0?baud=9600&parity=N&stop=2&data=8" ([device] uri, --device).
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace tristar::gateway {

struct TcpDevice {
    std::string host;
    std::uint16_t port = 502;  // TriStar EEPROM 0x151C default
    bool operator==(const TcpDevice&) const = default;
};

struct RtuDevice {
    std::string path;   // /dev/ttyUSB0
    int baud = 9600;    // TriStar spec: RTU 9600 8N2
    char parity = 'N';  // 'N', 'E' or 'O'
    int data_bits = 8;
    int stop_bits = 2;
    bool operator==(const RtuDevice&) const = default;
};

using DeviceAddress = std::variant<TcpDevice, RtuDevice>;

// Parses a device URI.
// IPv6 hosts in brackets (tcp://[::1]:502; stored without them). RTU query keys are optional.
// Errors: ConfigError with source "command line", line 0, key "device.uri".
DeviceAddress parse_device_uri(std::string_view uri);
// The canonical form (port and every RTU setting spelled out); parse_device_uri reads it back.
std::string device_uri(const DeviceAddress& address);

}  // namespace tristar::gateway
