#include "gateway/bridge/unit_map.h"

#include <algorithm>

namespace tristar::bridge {
namespace {

constexpr int max_unit = 247;

UnitRoute route(int unit, const std::string& device, bool scaled) {
    return {static_cast<std::uint8_t>(unit), device, scaled};
}

}  // namespace

std::vector<UnitRoute> default_routes(std::span<const std::string> devices, int scaled_unit) {
    const std::string first;  // the first device: "" reaches it with or without its name
    std::vector<UnitRoute> routes{route(1, first, false)};
    if (scaled_unit != 0 && scaled_unit != 2)
        return {route(1, first, false), route(scaled_unit, first, true)};
    if (scaled_unit == 2) routes.push_back(route(2, first, true));
    for (std::size_t k = 1; k < devices.size(); ++k) {
        const int raw = scaled_unit == 0 ? static_cast<int>(k) + 1 : 2 * static_cast<int>(k) + 1;
        if (raw > max_unit) break;
        routes.push_back(route(raw, devices[k], false));
        if (scaled_unit == 2 && raw + 1 <= max_unit)
            routes.push_back(route(raw + 1, devices[k], true));
    }
    return routes;
}

std::optional<std::string> routes_problem(std::span<const UnitRoute> routes) {
    for (std::size_t i = 0; i < routes.size(); ++i) {
        if (routes[i].unit == 0 || routes[i].unit > max_unit)
            return "unit ids are 1 to 247 (got " + std::to_string(routes[i].unit) + ")";
        for (std::size_t j = 0; j < i; ++j)
            if (routes[j].unit == routes[i].unit)
                return "unit " + std::to_string(routes[i].unit) + " is mapped twice";
    }
    return std::nullopt;
}

const UnitRoute* UnitMap::find(std::uint8_t unit) const {
    const auto it = std::find_if(routes_.begin(), routes_.end(),
                                 [unit](const UnitRoute& r) { return r.unit == unit; });
    return it == routes_.end() ? nullptr : &*it;
}

std::string describe(const UnitMap& map) {
    std::string text;
    for (const auto& r : map.routes())
        text += (text.empty() ? "" : ", ") + std::to_string(r.unit) +
                (r.scaled ? " scaled " : " raw ") +
                (r.device.empty() ? "(first device)" : r.device);
    return text;
}

}  // namespace tristar::bridge
