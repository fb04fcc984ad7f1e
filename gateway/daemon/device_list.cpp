#include "gateway/daemon/device_list.h"

#include <algorithm>

namespace tristar::gateway {
namespace {

// The settings every device of one link must share: they belong to the wire, not the unit.
bool same_wire(const DeviceConfig& a, const DeviceConfig& b) {
    return a.address == b.address && a.response_timeout == b.response_timeout &&
           a.byte_timeout == b.byte_timeout && a.connect_timeout == b.connect_timeout &&
           a.tcp_gap == b.tcp_gap && a.rtu_pause == b.rtu_pause &&
           a.connect_settle == b.connect_settle && a.recovery_pause == b.recovery_pause &&
           a.read_retries == b.read_retries && a.connection == b.connection &&
           a.backoff_min == b.backoff_min && a.backoff_max == b.backoff_max;
}

bool name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

}  // namespace

std::optional<std::string> device_name_problem(std::string_view name) {
    if (name.empty() || name.size() > 32 || !std::all_of(name.begin(), name.end(), name_char))
        return "a device name is 1 to 32 characters of A-Z, a-z, 0-9, _ and -";
    return std::nullopt;
}

std::string link_key(const DeviceAddress& address) {
    if (const auto* rtu = std::get_if<RtuDevice>(&address)) return "rtu://" + rtu->path;
    const auto& tcp = std::get<TcpDevice>(address);
    const bool v6 = tcp.host.find(':') != std::string::npos;
    return "tcp://" + (v6 ? "[" + tcp.host + "]" : tcp.host) + ":" + std::to_string(tcp.port);
}

std::optional<std::string> device_list_problem(const std::vector<DeviceConfig>& devices) {
    for (std::size_t i = 0; i < devices.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            const auto& a = devices[j];
            const auto& b = devices[i];
            if (a.name == b.name) return "the name '" + a.name + "' is given twice";
            if (link_key(a.address) != link_key(b.address)) continue;
            if (a.unit == b.unit)
                return "'" + a.name + "' and '" + b.name + "' share " + link_key(a.address) +
                       " and unit " + std::to_string(a.unit) + ": give each its own unit id";
            if (!same_wire(a, b))
                return "'" + a.name + "' and '" + b.name + "' share " + link_key(a.address) +
                       " but not its settings (serial format, timeouts, gaps, connection, "
                       "retries, backoff): set those in [device] for both";
        }
    }
    return std::nullopt;
}

std::vector<LinkGroup> group_links(const std::vector<DeviceConfig>& devices) {
    std::vector<LinkGroup> links;
    for (std::size_t i = 0; i < devices.size(); ++i) {
        const auto key = link_key(devices[i].address);
        auto it = std::find_if(links.begin(), links.end(),
                               [&](const LinkGroup& link) { return link.key == key; });
        if (it == links.end()) it = links.insert(links.end(), LinkGroup{key, {}});
        it->devices.push_back(i);
    }
    return links;
}

std::optional<std::size_t> find_device(const std::vector<DeviceConfig>& devices,
                                       std::string_view name) {
    if (name.empty()) return devices.empty() ? std::nullopt : std::optional<std::size_t>{0};
    for (std::size_t i = 0; i < devices.size(); ++i)
        if (devices[i].name == name) return i;
    return std::nullopt;
}

}  // namespace tristar::gateway
