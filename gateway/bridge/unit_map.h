#pragma once
// Which device and which view the bridge serves on each Modbus unit id (docs/home-assistant.md,
// "Several chargers"). A route is a unit id, a device name (empty: the gateway's first device)
// and the view: raw (the TriStar's own registers and coils) or scaled (scaled_view.h).
//
// The default mapping follows the gateway's devices in its config order: device k (from 0) raw
// on unit 2k+1 and scaled on unit 2k+2, so one device keeps units 1 and 2. With the scaled view
// off (scaled_unit 0) device k is raw on unit k+1. With the scaled view moved to another unit,
// only the first device is mapped (raw 1, scaled on that unit): name the others' units in
// [[bridge.units]]. A [[bridge.units]] table replaces the default mapping as a whole.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace tristar::bridge {

struct UnitRoute {
    std::uint8_t unit = 1;
    std::string device;  // the gateway's name; "" = its first device
    bool scaled = false;
    bool operator==(const UnitRoute&) const = default;
};

// The default routes for the gateway's devices (their names in its order; none known yet: the
// first device alone, as "").
std::vector<UnitRoute> default_routes(std::span<const std::string> devices, int scaled_unit);

// Why these routes cannot be served together (a unit id twice, unit 0 or above 247); nothing
// when they can.
std::optional<std::string> routes_problem(std::span<const UnitRoute> routes);

class UnitMap {
  public:
    explicit UnitMap(std::vector<UnitRoute> routes) : routes_(std::move(routes)) {}
    // The route of `unit`, or nothing: no device behind that unit id.
    const UnitRoute* find(std::uint8_t unit) const;
    const std::vector<UnitRoute>& routes() const { return routes_; }

  private:
    std::vector<UnitRoute> routes_;
};

// "1 raw tristar, 2 scaled tristar": for the start-up log line.
std::string describe(const UnitMap& map);

}  // namespace tristar::bridge
