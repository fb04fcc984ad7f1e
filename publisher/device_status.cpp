#include "publisher/device_status.h"

#include <algorithm>

namespace tristar::publisher {
namespace {

bool shares_link(const v1::Status& status, const v1::DeviceStatus& device) {
    return std::ranges::any_of(status.links(), [&](const v1::LinkStatus& link) {
        return link.link() == device.link() && link.devices_size() > 1;
    });
}

GatewayDevice named_view(const v1::Status& status, const v1::DeviceStatus& device) {
    GatewayDevice view;
    view.rtu = device.device().starts_with("rtu://");
    view.uri = device.device();
    view.read_budget = std::chrono::milliseconds{device.read_budget_ms()};
    view.identity_source = view.uri;
    if (shares_link(status, device)) {
        view.shared_unit = static_cast<int>(device.unit());
        view.identity_source =
            view.uri.substr(0, view.uri.find('?')) + "#unit" + std::to_string(device.unit());
    }
    return view;
}

}  // namespace

std::optional<GatewayDevice> gateway_device(const v1::Status& status, std::string_view device) {
    if (device.empty())
        return GatewayDevice{status.transport() == "rtu", status.device(),
                             std::chrono::milliseconds{status.read_budget_ms()}, status.device()};
    for (const auto& entry : status.devices())
        if (entry.name() == device) return named_view(status, entry);
    return std::nullopt;
}

std::string transport_text(const GatewayDevice& view) {
    std::string_view device = view.uri;
    if (const auto scheme = device.find("://"); scheme != std::string_view::npos)
        device.remove_prefix(scheme + 3);
    device = device.substr(0, device.find('?'));
    std::string text = std::string(view.rtu ? "Modbus RTU " : "Modbus TCP ") + std::string(device);
    if (view.shared_unit != 0) text += " unit " + std::to_string(view.shared_unit);
    return text;
}

std::vector<std::string> device_names(const v1::Status& status) {
    std::vector<std::string> names;
    for (const auto& entry : status.devices()) names.push_back(entry.name());
    return names;
}

}  // namespace tristar::publisher
