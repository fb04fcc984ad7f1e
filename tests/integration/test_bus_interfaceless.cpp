// BusService answers calls that carry no interface field (publisher/bus_interfaceless.h) as it
// answers those with one, judged by busctl and dbus-send on a private bus.
#include <doctest/doctest.h>

#include "tests/integration/bus_service_fixture.h"

namespace tristar::test {

using namespace bus_fixture;

TEST_CASE("calls without an interface field get the answers of calls with one") {
    Served s;
    const auto without = [&](const std::string& path, const std::string& method,
                             const std::string& args = "[]") {
        return without_interface(s.bus, path, method, args);
    };
    CHECK(without("/Dc/0/Voltage", "GetValue") == "dbus.Double(13.4, variant_level=1)");
    CHECK(without("/Dc/0/Voltage", "GetText") == "dbus.String('13.40 V')");
    CHECK(without("/Dc/0/Current", "GetValue") ==
          "dbus.Array([], signature=dbus.Signature('i'), variant_level=1)");
    CHECK(contains(without("/Dc", "GetValue"),
                   "dbus.String('0/Voltage'): dbus.Double(13.4, variant_level=1)"));
    CHECK(contains(without("/", "GetText"), "dbus.String('Mode'): dbus.String('On')"));
    CHECK(contains(without("/", "GetItems"),
                   "dbus.String('/Serial'): dbus.Dictionary({dbus.String('Value'): "
                   "dbus.String('HQ1234', variant_level=1)"));

    const auto set = [&](const std::string& path, int value) {
        return without(path, "SetValue",
                       "[dbus.Int32(" + std::to_string(value) + ", variant_level=1)]");
    };
    CHECK(set("/State", 5) == "dbus.Int32(1)");  // read-only
    CHECK(set("/Mode", 4) == "dbus.Int32(0)");
    CHECK(s.call("/Mode", "GetValue") == "v i 4");
    CHECK(set("/Mode", 3) == "dbus.Int32(2)");   // the handler refuses
    CHECK(set("/Mode", 11) == "dbus.Int32(2)");  // the handler throws
    auto pending = std::async(std::launch::async, [&] { return set("/Mode", 7); });
    REQUIRE(wait_until([&] { return s.loop->with([&] { return s.held.size() == 1; }); }, 10s));
    s.loop->with([&] {
        s.held[0](publisher::set_result::accepted);
        s.held.clear();
    });
    CHECK(pending.get() == "dbus.Int32(0)");
    CHECK(s.recorded().size() == 4);
}

TEST_CASE("calls without an interface field: unknown members, paths and arguments are errors") {
    Served s;
    const auto without = [&](const std::string& path, const std::string& method,
                             const std::string& args = "[]") {
        return without_interface(s.bus, path, method, args);
    };
    const std::string error = "error: org.freedesktop.DBus.Error.";
    CHECK(without("/Dc", "SetValue", "[dbus.Int32(1, variant_level=1)]") ==
          error + "UnknownMethod");
    CHECK(without("/Dc/0/Voltage", "GetItems") == error + "UnknownMethod");
    CHECK(without("/Serial", "GetMin") == error + "UnknownMethod");  // settings only
    CHECK(without("/Dc/0/Voltage", "GetValue", "[dbus.Int32(1)]") == error + "InvalidArgs");
    CHECK(without("/Mode", "SetValue", "[dbus.Int32(1)]") == error + "InvalidArgs");  // no variant
    CHECK(without("/Nope", "GetValue") == error + "UnknownObject");
    CHECK(without("/Dc/0/Voltage/Below", "GetValue") == error + "UnknownObject");
    CHECK(s.recorded().empty());
    // Gone with the service: nothing is left to answer them.
    s.loop->with([&] { s.service.reset(); });
    CHECK(without("/Dc/0/Voltage", "GetValue") == error + "UnknownObject");
    CHECK(without("/", "GetItems") == error + "UnknownObject");
}

}  // namespace tristar::test
