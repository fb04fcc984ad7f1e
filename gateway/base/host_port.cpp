#include "gateway/base/host_port.h"

#include <charconv>
#include <stdexcept>

namespace tristar {
namespace {

std::uint16_t parse_port(std::string_view text) {
    unsigned value = 0;
    const auto* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, value);
    if (text.empty() || error != std::errc{} || stop != end || value > 65535)
        throw std::invalid_argument("port must be a number 0..65535 (got \"" + std::string(text) +
                                    "\")");
    return static_cast<std::uint16_t>(value);
}

}  // namespace

HostPort parse_host_port(std::string_view text) {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos)
        throw std::invalid_argument("must be HOST:PORT, e.g. 0.0.0.0:5020 (got \"" +
                                    std::string(text) + "\")");
    std::string_view host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string_view::npos || host.starts_with('[')) {
        throw std::invalid_argument("an IPv6 host goes in brackets: [::1]:5020 (got \"" +
                                    std::string(text) + "\")");
    }
    if (host.empty())
        throw std::invalid_argument("names no host: use 0.0.0.0:PORT for every interface");
    return HostPort{std::string(host), parse_port(text.substr(colon + 1))};
}

std::string tcp_endpoint(const std::string& host, std::uint16_t port) {
    const bool v6 = host.find(':') != std::string::npos;
    return "tcp://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace tristar
