// tristar-bridge with several devices behind the gateway: the default unit ids, the
// [[bridge.units]] table, and requests planned for the device their unit id maps to.
#include <doctest/doctest.h>

#include <array>

#include "gateway/base/config_file.h"
#include "gateway/bridge/config.h"
#include "gateway/bridge/translate.h"
#include "gateway/bridge/unit_map.h"

using namespace tristar::bridge;

namespace {

const std::array<std::uint8_t, 5> read_battery{0x04, 0x00, 0x18, 0x00, 0x01};  // FC04 0x18+1

std::vector<std::uint8_t> units_of(const std::vector<UnitRoute>& routes) {
    std::vector<std::uint8_t> units;
    for (const auto& r : routes) units.push_back(r.unit);
    return units;
}

std::string error_of(const std::string& toml) {
    try {
        (void)parse_bridge_config(toml, "bridge.toml");
    } catch (const tristar::ConfigError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("one device keeps units 1 (raw) and 2 (scaled), before the gateway is asked too") {
    const auto before = default_routes({}, 2);
    const std::vector<std::string> one{"tristar"};
    CHECK(before == default_routes(one, 2));
    CHECK(before == std::vector<UnitRoute>{{1, "", false}, {2, "", true}});
    CHECK(default_routes({}, 0) == std::vector<UnitRoute>{{1, "", false}});
    CHECK(default_routes({}, 10) == std::vector<UnitRoute>{{1, "", false}, {10, "", true}});
}

TEST_CASE("several devices: device k raw on 2k+1 and scaled on 2k+2, in the gateway's order") {
    const std::vector<std::string> names{"east", "west", "line-1", "line-2"};
    const auto routes = default_routes(names, 2);
    CHECK(units_of(routes) == std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6, 7, 8});
    CHECK(routes[2] == UnitRoute{3, "west", false});
    CHECK(routes[3] == UnitRoute{4, "west", true});
    CHECK(routes[7] == UnitRoute{8, "line-2", true});
    // The first device is "" (the gateway's first, named or not).
    CHECK(routes[0].device.empty());
    // Scaled view off: raw on 1..N.
    CHECK(units_of(default_routes(names, 0)) == std::vector<std::uint8_t>{1, 2, 3, 4});
    // Scaled view moved: the first device only, the others need [[bridge.units]].
    CHECK(units_of(default_routes(names, 20)) == std::vector<std::uint8_t>{1, 20});
}

TEST_CASE("a request is planned for the device and view its unit id maps to") {
    const std::vector<std::string> names{"east", "west"};
    const UnitMap units(default_routes(names, 2));
    const TranslateOptions options{1000, 2};
    const auto raw = plan_request(3, read_battery, options, units);
    CHECK(raw.target == Target::device);
    CHECK(raw.gateway.device() == "west");
    CHECK(raw.gateway.read_registers().address() == 0x18);
    const auto scaled =
        plan_request(4, std::array<std::uint8_t, 5>{0x04, 0, 0, 0, 2}, options, units);
    CHECK(scaled.target == Target::scaled);
    CHECK(scaled.gateway.device() == "west");
    const auto first = plan_request(1, read_battery, options, units);
    CHECK(first.gateway.device().empty());
    const auto nobody = plan_request(5, read_battery, options, units);
    CHECK(nobody.target == Target::local);
    CHECK(nobody.answer == std::vector<std::uint8_t>{0x84, 0x0B});
}

TEST_CASE("[[bridge.units]] is the whole mapping") {
    const auto config = parse_bridge_config(R"([bridge]
[[bridge.units]]
unit = 10
device = "east"
[[bridge.units]]
unit = 11
device = "east"
view = "scaled"
[[bridge.units]]
unit = 1
device = ""
)",
                                            "bridge.toml");
    REQUIRE(config.units.size() == 3);
    CHECK(config.units[1] == UnitRoute{11, "east", true});
    CHECK(config.units[2] == UnitRoute{1, "", false});
    const UnitMap units(config.units);
    CHECK(units.find(2) == nullptr);
    CHECK(units.find(10)->device == "east");
}

TEST_CASE("[[bridge.units]] refusals name the file, line and key") {
    CHECK(error_of("[bridge]\n[[bridge.units]]\ndevice = \"a\"\n") ==
          "bridge.toml:2: bridge.units[0]: needs unit (1..247)");
    CHECK(error_of("[bridge]\n[[bridge.units]]\nunit = 3\n").find("needs device") !=
          std::string::npos);
    CHECK(error_of("[bridge]\n[[bridge.units]]\nunit = 3\ndevice = \"a\"\nview = \"raw2\"\n")
              .find("must be one of raw, scaled") != std::string::npos);
    CHECK(error_of("[bridge]\n[[bridge.units]]\nunit = 3\ndevice = \"a\"\n[[bridge.units]]\nunit "
                   "= 3\ndevice = \"b\"\n")
              .find("unit 3 is mapped twice") != std::string::npos);
    CHECK(error_of("[bridge]\nscaled_unit = 4\n[[bridge.units]]\nunit = 3\ndevice = \"a\"\n")
              .find("replaces scaled_unit") != std::string::npos);
}
