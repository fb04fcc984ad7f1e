#pragma once
// What the gateway's status (proto/gateway.proto) says of the one device a publisher serves: its
// transport, its URI and its read budget, and what identifies it for a fallback id. The device
// named "" (the gateway's first, the publisher of one device) takes the status's top-level
// fields, as before the gateway served several devices; a named device takes its DeviceStatus.
// Also the names of every device the gateway serves, for the publisher to choose from. Pure.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway.pb.h"

namespace tristar::publisher {

namespace v1 = tristar::gateway::v1;

struct GatewayDevice {
    bool rtu = false;  // Modbus RTU, else Modbus TCP
    std::string uri;   // tcp://192.168.1.20:502, rtu:///dev/ttyUSB0?baud=9600...
    std::chrono::milliseconds read_budget{0};
    // Fed to fallback_id() when the TriStar reports no serial: the URI, and for a device sharing
    // its link with others (several unit ids on one wire) "<uri without query>#unit<n>", so that
    // each has an id of its own.
    std::string identity_source;
    int shared_unit = 0;  // its unit id when its link carries other devices too, else 0
};

// "Modbus TCP 192.168.1.20:502", "Modbus RTU /dev/ttyUSB0", and on a shared link
// "Modbus RTU /dev/ttyUSB0 unit 2": the connection as /Mgmt/Connection shows it.
std::string transport_text(const GatewayDevice& view);

// Nothing when a named device is not in the status (a gateway that does not serve it).
std::optional<GatewayDevice> gateway_device(const v1::Status& status, std::string_view device);

// The names of the gateway's devices in its config order; empty from a gateway that serves one
// device and does not list it (a release before [[devices]]).
std::vector<std::string> device_names(const v1::Status& status);

}  // namespace tristar::publisher
