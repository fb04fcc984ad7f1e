#include "gateway/daemon/device_uri.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "gateway/base/config_file.h"

namespace tristar::gateway {
namespace {

using config_file::in_quotes;
using config_file::join;

constexpr auto npos = std::string_view::npos;

// The standard termios rates from 1200 up; as text, so "09600" is refused like any typo.
constexpr std::string_view standard_bauds[] = {"1200",  "2400",  "4800",  "9600",
                                               "19200", "38400", "57600", "115200"};

[[noreturn]] void uri_error(const std::string& message) {
    throw ConfigError("command line", 0, "device.uri", message);
}

// Plain decimal digits within [low, high]; no sign, no spaces.
int uri_number(std::string_view text, long low, long high, std::string_view what) {
    long value = 0;
    const char* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, value);
    if (text.empty() || error != std::errc{} || stop != end || value < low || value > high)
        uri_error(std::string(what) + " must be between " + std::to_string(low) + " and " +
                  std::to_string(high) + " (got " + in_quotes(text) + ")");
    return static_cast<int>(value);
}

bool is_host_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_';
}

// Hex digits, colons, an embedded IPv4 tail and a %zone (fe80::1%eth0).
bool is_ipv6_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == ':' || c == '.' || c == '%';
}

// Splits "HOST[:PORT]" or "[V6]:PORT" into the host and what follows it (":PORT" or "").
std::pair<std::string_view, std::string_view> split_host(std::string_view rest) {
    if (!rest.starts_with('[')) {
        const auto colon = rest.find(':');
        if (colon != rest.rfind(':')) uri_error("an IPv6 address needs brackets: tcp://[::1]:502");
        const auto host = rest.substr(0, colon);
        if (!std::ranges::all_of(host, is_host_char)) uri_error("invalid host " + in_quotes(host));
        return {host, colon == npos ? std::string_view{} : rest.substr(colon)};
    }
    const auto close = rest.find(']');
    if (close == npos) uri_error("'[' without ']' around the IPv6 address");
    const auto host = rest.substr(1, close - 1);
    if (host.find(':') == npos || !std::ranges::all_of(host, is_ipv6_char))
        uri_error("invalid IPv6 address " + in_quotes(host));
    rest.remove_prefix(close + 1);
    if (!rest.empty() && !rest.starts_with(':'))
        uri_error("unexpected " + in_quotes(rest) + " after the address");
    return {host, rest};
}

TcpDevice parse_tcp(std::string_view rest) {
    const auto [host, port] = split_host(rest);
    if (host.empty()) uri_error("has no host: tcp://HOST[:PORT]");
    TcpDevice device;
    device.host = host;
    if (!port.empty())
        device.port = static_cast<std::uint16_t>(uri_number(port.substr(1), 1, 65535, "port"));
    return device;
}

void set_rtu_option(RtuDevice& device, std::string_view key, std::string_view value) {
    if (key == "baud") {
        if (std::ranges::find(standard_bauds, value) == std::end(standard_bauds))
            uri_error("baud must be one of " + join(standard_bauds) + " (got " + in_quotes(value) +
                      ")");
        device.baud = uri_number(value, 1200, 115200, "baud");
    } else if (key == "parity") {
        const auto parity = static_cast<char>(
            value.size() == 1 ? std::toupper(static_cast<unsigned char>(value[0])) : '?');
        if (parity != 'N' && parity != 'E' && parity != 'O')
            uri_error("parity must be N, E or O (got " + in_quotes(value) + ")");
        device.parity = parity;
    } else if (key == "stop") {
        device.stop_bits = uri_number(value, 1, 2, "stop");
    } else if (key == "data") {
        device.data_bits = uri_number(value, 7, 8, "data");
    } else {
        uri_error("unknown setting " + in_quotes(key) + " (known: baud, parity, stop, data)");
    }
}

// One "key=value" of the query; `seen` catches a key given twice.
void read_rtu_setting(RtuDevice& device, std::string_view item,
                      std::vector<std::string_view>& seen) {
    const auto equals = item.find('=');
    if (equals == npos) uri_error("setting " + in_quotes(item) + " is not key=value");
    const auto key = item.substr(0, equals);
    if (std::ranges::find(seen, key) != seen.end()) uri_error(in_quotes(key) + " is given twice");
    seen.push_back(key);
    set_rtu_option(device, key, item.substr(equals + 1));
}

RtuDevice parse_rtu(std::string_view rest) {
    RtuDevice device;
    const auto question = rest.find('?');
    device.path = rest.substr(0, question);
    if (device.path.size() < 2 || device.path.front() != '/')
        uri_error("needs an absolute serial device path: rtu:///dev/ttyUSB0");
    if (question == npos) return device;
    std::vector<std::string_view> seen;
    for (auto query = rest.substr(question + 1);;) {
        const auto amp = query.find('&');
        read_rtu_setting(device, query.substr(0, amp), seen);
        if (amp == npos) return device;
        query.remove_prefix(amp + 1);
    }
}

}  // namespace

DeviceAddress parse_device_uri(std::string_view uri) {
    if (uri.starts_with("tcp://")) return parse_tcp(uri.substr(6));
    if (uri.starts_with("rtu://")) return parse_rtu(uri.substr(6));
    uri_error("must start with tcp:// or rtu:// (got " + in_quotes(uri) + ")");
}

std::string device_uri(const DeviceAddress& address) {
    if (const auto* tcp = std::get_if<TcpDevice>(&address)) {
        const bool v6 = tcp->host.find(':') != std::string::npos;
        return "tcp://" + (v6 ? "[" + tcp->host + "]" : tcp->host) + ":" +
               std::to_string(tcp->port);
    }
    const auto& rtu = std::get<RtuDevice>(address);
    return "rtu://" + rtu.path + "?baud=" + std::to_string(rtu.baud) +
           "&parity=" + std::string(1, rtu.parity) + "&stop=" + std::to_string(rtu.stop_bits) +
           "&data=" + std::to_string(rtu.data_bits);
}

}  // namespace tristar::gateway
