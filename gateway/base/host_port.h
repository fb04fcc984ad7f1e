#pragma once
// HOST:PORT as the command lines and config files write it ("127.0.0.1:502", "localhost:0",
// "[::1]:1502"), and the tcp://HOST:PORT form the executables print once bound.
#include <cstdint>
#include <string>
#include <string_view>

namespace tristar {

struct HostPort {
    std::string host;  // brackets of an IPv6 host removed
    std::uint16_t port = 0;

    bool operator==(const HostPort&) const = default;
};

// Throws std::invalid_argument saying what is wrong: no colon, an IPv6 host without brackets,
// no host, a port that is not a number 0..65535.
HostPort parse_host_port(std::string_view text);

// "tcp://HOST:PORT", brackets around an IPv6 host.
std::string tcp_endpoint(const std::string& host, std::uint16_t port);

}  // namespace tristar
