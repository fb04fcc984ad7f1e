#pragma once
// The configured devices and the links they share. Devices whose URIs name the same serial line,
// or the same TCP host and port (several unit ids behind one address, e.g. an EMC-1), are on one
// link: one worker, one transaction on the wire at a time. Different links run in parallel.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/daemon/config.h"

namespace tristar::gateway {

// Why `name` cannot name a device: 1..32 characters of [A-Za-z0-9_-]; nothing when it can.
std::optional<std::string> device_name_problem(std::string_view name);

// What a link is known by: "tcp://HOST:PORT" or "rtu://PATH" (serial settings left out: two
// devices on one line with different settings are an error, not two links).
std::string link_key(const DeviceAddress& address);

// Why these devices cannot be served together: a name given twice, two devices of one link with
// the same unit id, or devices of one link whose wire settings differ (the link's timing,
// timeouts, connection mode, retries and backoff, the serial format); nothing when they can.
std::optional<std::string> device_list_problem(const std::vector<DeviceConfig>& devices);

struct LinkGroup {
    std::string key;                   // link_key of its devices
    std::vector<std::size_t> devices;  // indexes into the device list, in config order
};
// The links, in the order of their first device.
std::vector<LinkGroup> group_links(const std::vector<DeviceConfig>& devices);

// The device a request names: its index, or nothing when no device has that name. An empty name
// is the first device.
std::optional<std::size_t> find_device(const std::vector<DeviceConfig>& devices,
                                       std::string_view name);

}  // namespace tristar::gateway
