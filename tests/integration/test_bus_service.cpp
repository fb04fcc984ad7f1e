// BusService on a private dbus-daemon, judged by third-party clients (busctl, dbus-send,
// dbus-monitor) against venus-dbus.md sections 2-3. coerce() has its unit tests in
// tests/unit/test_bus_coerce.cpp.
#include <doctest/doctest.h>

#include <climits>
#include <cstring>
#include <optional>

#include "tests/integration/bus_service_fixture.h"

namespace tristar::test {

using namespace bus_fixture;

TEST_CASE("GetItems on / lists every path by absolute key with Value and Text") {
    Served s;
    const auto json = s.call("/", "GetItems", {}, "--json=short");
    INFO(json);
    CHECK(contains(json, R"("type":"a{sa{sv}}")"));
    // busctl prints doubles with %.22e.
    CHECK(contains(json, R"("/Dc/0/Voltage":{"Value":{"type":"d","data":1.34000)"));
    CHECK(contains(json, R"("Text":{"type":"s","data":"13.40 V"}})"));
    CHECK(contains(
        json, R"("/State":{"Value":{"type":"i","data":3},"Text":{"type":"s","data":"Bulk"}})"));
    CHECK(contains(json, R"("/Serial":{"Value":{"type":"s","data":"HQ1234"})"));
    // Never published: invalid, an empty int32 array with velib's text.
    CHECK(contains(
        json,
        R"("/Dc/0/Current":{"Value":{"type":"ai","data":[]},"Text":{"type":"s","data":"---"}})"));
    std::size_t entries = 0;
    for (auto at = json.find(R"("Value":)"); at != std::string::npos;
         at = json.find(R"("Value":)", at + 1))
        ++entries;
    CHECK(entries == 7);
}

TEST_CASE("a leaf answers GetValue and GetText; invalid is ai []") {
    Served s;
    CHECK(s.call("/Dc/0/Voltage", "GetValue") == "v d 13.4");
    CHECK(s.call("/Dc/0/Voltage", "GetText") == "s \"13.40 V\"");
    CHECK(s.call("/Serial", "GetValue") == "v s \"HQ1234\"");
    CHECK(s.call("/State", "GetValue") == "v i 3");
    CHECK(s.call("/Dc/0/Current", "GetValue") == "v ai 0");
    CHECK(s.call("/Dc/0/Current", "GetText") == "s \"---\"");
    // --bus, not --address: that one is --peer and never says Hello to the daemon.
    const auto ran = run({"/usr/bin/dbus-send", "--bus=" + s.bus.address(), "--print-reply",
                          "--dest=" + service_name, "/Dc/0/Voltage", bus_item + ".GetValue"});
    CHECK_MESSAGE(ran.exit_code == 0, ran.err);
    CHECK_MESSAGE(contains(ran.out, "variant       double 13.4"), ran.out);
}

TEST_CASE("tree nodes answer GetValue and GetText with keys relative to themselves") {
    Served s;
    CHECK(s.call("/Dc", "GetValue") == R"(v a{sv} 2 "0/Current" ai 0 "0/Voltage" d 13.4)");
    CHECK(s.call("/Dc/0", "GetText") == R"(v a{ss} 2 "Current" "---" "Voltage" "13.40 V")");
    const auto all = s.call("/", "GetValue");
    CHECK(contains(all, R"(v a{sv} 7 )"));
    CHECK(contains(all, R"("Dc/0/Voltage" d 13.4)"));
    CHECK(contains(all, R"("Link/ChargeVoltage" ai 0)"));
    CHECK_FALSE(contains(all, "\"/"));
    CHECK(contains(s.call("/", "GetText"), R"("Mode" "On")"));
    CHECK(contains(s.call("/Link", "GetItems"), "error: "));  // GetItems is on / only
}

TEST_CASE("introspection lists child nodes and the BusItem members") {
    Served s;
    const auto xml = busctl(
        s.bus, {"call", service_name, "/", "org.freedesktop.DBus.Introspectable", "Introspect"});
    CHECK(contains(xml.out, R"(<node name=\"Dc\"/>)"));
    CHECK(contains(xml.out, R"(<node name=\"State\"/>)"));
    const auto tree = busctl(s.bus, {"tree", service_name});
    for (const auto* path :
         {"/Dc/0/Voltage", "/Dc/0/Current", "/Link/ChargeVoltage", "/Serial", "/Mode"})
        CHECK_MESSAGE(contains(tree.out, path), tree.out);
    const auto root = busctl(s.bus, {"introspect", service_name, "/", bus_item});
    CHECK(contains(root.out, ".GetItems"));
    CHECK(contains(root.out, ".ItemsChanged"));
    const auto leaf = busctl(s.bus, {"introspect", service_name, "/Mode", bus_item});
    CHECK(contains(leaf.out, ".SetValue"));
    CHECK(contains(leaf.out, ".PropertiesChanged"));
}

TEST_CASE("SetValue: 1 for read-only paths and uncoercible values, else the handler's code") {
    Served s;
    CHECK(s.call("/State", "SetValue", {"v", "i", "5"}) == "i 1");
    CHECK(s.call("/Mode", "SetValue", {"v", "s", "abc"}) == "i 1");
    CHECK(s.call("/Mode", "SetValue", {"v", "d", "4.5"}) == "i 1");
    CHECK(s.call("/CustomName", "SetValue", {"v", "i", "5"}) == "i 1");
    CHECK(s.call("/Mode", "SetValue", {"v", "ai", "0"}) == "i 1");  // flashmq's null
    CHECK(s.recorded().empty());

    CHECK(s.call("/Mode", "SetValue", {"v", "s", "4"}) == "i 0");  // the `dbus` CLI sends text
    CHECK(s.call("/Mode", "GetValue") == "v i 4");
    CHECK(s.call("/Mode", "SetValue", {"v", "x", "3"}) == "i 2");  // the driver refuses
    CHECK(s.call("/Link/ChargeVoltage", "SetValue", {"v", "i", "14"}) == "i 0");
    CHECK(s.call("/CustomName", "SetValue", {"v", "s", "Roof"}) == "i 0");
    CHECK(s.call("/CustomName", "GetValue") == "v s \"Roof\"");
    const auto calls = s.recorded();
    REQUIRE(calls.size() == 4);
    CHECK(calls[0] == std::pair<std::string, SetArgument>{"/Mode", std::int32_t{4}});
    CHECK(calls[1] == std::pair<std::string, SetArgument>{"/Mode", std::int32_t{3}});
    CHECK(calls[2] == std::pair<std::string, SetArgument>{"/Link/ChargeVoltage", 14.0});
    CHECK(calls[3] == std::pair<std::string, SetArgument>{"/CustomName", std::string("Roof")});
}

TEST_CASE("SetValue: a delayed answer arrives once; a dropped reply or a throw answers 2") {
    Served s;
    auto pending = std::async(std::launch::async, [&] {
        return s.call("/Mode", "SetValue", {"v", "i", "7"});
    });
    REQUIRE(wait_until([&] { return s.loop->with([&] { return s.held.size() == 1; }); }, 10s));
    CHECK(pending.wait_for(0s) == std::future_status::timeout);  // the handler returned unanswered
    s.loop->with([&] {
        s.held[0](publisher::set_result::accepted);
        s.held[0](publisher::set_result::rejected);  // ignored: answered already
        s.held.clear();
    });
    CHECK(pending.get() == "i 0");
    CHECK(s.call("/Mode", "SetValue", {"v", "i", "9"}) == "i 2");
    CHECK(s.call("/Mode", "SetValue", {"v", "i", "11"}) == "i 2");
    CHECK(s.call("/Mode", "GetValue") == "v i 1");
}

TEST_CASE("publish signals only real changes: ItemsChanged on /, PropertiesChanged on the leaf") {
    Served s;
    Monitor monitor(s.bus);
    CHECK(s.publish({{"/Dc/0/Voltage", publisher::number_value(13.5, "13.50 V")}}) == 1);
    REQUIRE(monitor.wait_for("ItemsChanged", 1));
    REQUIRE(monitor.wait_for("PropertiesChanged", 1));
    const auto items = monitor.signals("ItemsChanged")[0];
    CHECK(contains(items, "path=/;"));
    CHECK(contains(items, "string \"/Dc/0/Voltage\""));
    CHECK(contains(items, "double 13.5"));
    CHECK(contains(items, "string \"13.50 V\""));
    CHECK_FALSE(contains(items, "/State"));
    const auto leaf = monitor.signals("PropertiesChanged")[0];
    CHECK(contains(leaf, "path=/Dc/0/Voltage;"));
    CHECK(contains(leaf, "double 13.5"));

    // Identical values: nothing. The /State change after them is the next and only signal.
    CHECK(s.publish(test_values()) == 1);  // /Dc/0/Voltage back to 13.4
    CHECK(s.publish(test_values()) == 0);
    CHECK(s.publish({{"/State", publisher::integer_value(5, "Float")}, {"/Nope", {}}}) == 1);
    REQUIRE(monitor.wait_for("ItemsChanged", 3));
    REQUIRE(monitor.wait_for("PropertiesChanged", 3));
    const auto last = monitor.signals("ItemsChanged");
    CHECK(last.size() == 3);
    CHECK(contains(last[2], "string \"/State\""));
    CHECK_FALSE(contains(last[2], "/Dc/0/Voltage"));
    CHECK(monitor.signals("PropertiesChanged").size() == 3);
    CHECK(s.call("/State", "GetValue") == "v i 5");
}

TEST_CASE("publish keeps types stable and ignores unknown paths") {
    Served s;
    CHECK(s.service->size() == 7);
    CHECK(s.publish({{"/Unknown", publisher::integer_value(1, "1")}}) == 0);
    CHECK(s.publish({{"/State", publisher::number_value(4.0, "4")}}) == 1);  // 'd' on an 'i' path
    CHECK(s.call("/State", "GetValue") == "v ai 0");
    CHECK(s.publish({{"/Dc/0/Voltage", publisher::number_value(std::nan(""), "nan")}}) == 1);
    CHECK(s.publish({{"/Dc/0/Voltage", publisher::number_value(std::nan(""), "nan")}}) == 0);
    CHECK(s.loop->with([&] { return !s.service->value("/Dc/0/Voltage").valid(); }));
    CHECK(s.loop->with([&] { return s.service->value("/Serial").text == "HQ1234"; }));
    CHECK(s.loop->with([&] { return !s.service->value("/Unknown").valid(); }));
}

TEST_CASE("the item list is checked: absolute, unique, valid, and no leaf with children") {
    TempDir dir;
    DbusDaemon bus(dir);
    auto connection = sdbus::createSessionBusConnectionWithAddress(bus.address());
    const auto make = [&](std::vector<ItemSpec> items) {
        return error_text([&] { BusService service(*connection, items, {}); });
    };
    CHECK(make({{"/A/B", VenusType::number}, {"/C", VenusType::number}}) == "no error");
    CHECK(contains(make({{"/A", VenusType::number}, {"/A", VenusType::number}}), "twice"));
    CHECK(contains(make({{"/Dc/0", VenusType::number}, {"/Dc/0/Voltage", VenusType::number}}),
                   "children"));
    CHECK(contains(make({{"/Dc/0/Voltage", VenusType::number}, {"/Dc", VenusType::number}}),
                   "children"));
    for (const auto* bad : {"", "/", "Dc", "/Dc/", "/Dc//0", "/Dc-0", "/Dc 0"})
        CHECK_MESSAGE(contains(make({{bad, VenusType::number}}), "not a valid"), bad);
}

TEST_CASE(
    "GetItems over 250 paths decodes whole from a second connection (timed in tristar-bench g)") {
    std::vector<ItemSpec> items;
    PathValues values;
    for (int i = 0; i < 250; ++i) {
        const auto path = "/Perf/" + std::to_string(i / 10) + "/Item" + std::to_string(i);
        const auto type = static_cast<VenusType>(i % 3);
        items.push_back({path, type});
        if (i % 5 == 4) continue;  // every fifth invalid
        values[path] = type == VenusType::number ? publisher::number_value(i * 0.5, "12.5 V")
                       : type == VenusType::integer
                           ? publisher::integer_value(i, "Bulk")
                           : publisher::string_value("text " + std::to_string(i));
    }
    Served s(items);
    CHECK(s.publish(values) == 200);
    auto client = sdbus::createSessionBusConnectionWithAddress(s.bus.address());
    auto proxy = sdbus::createProxy(*client, service_name, "/");
    std::map<std::string, std::map<std::string, sdbus::Variant>> decoded;
    proxy->callMethod("GetItems").onInterface(bus_item).storeResultsTo(decoded);
    REQUIRE(decoded.size() == 250);
    CHECK(decoded["/Perf/0/Item1"]["Value"].get<std::int32_t>() == 1);
    CHECK(decoded["/Perf/0/Item4"]["Value"].peekValueType() == "ai");
}

namespace {

using Items = std::map<std::string, std::map<std::string, sdbus::Variant>>;

// GetItems on / from a connection of its own, decoded by sdbus-c++.
Items get_items(const DbusDaemon& bus) {
    auto client = sdbus::createSessionBusConnectionWithAddress(bus.address());
    auto proxy = sdbus::createProxy(*client, service_name, "/");
    Items items;
    proxy->callMethod("GetItems").onInterface(bus_item).storeResultsTo(items);
    return items;
}

// `value` as the BusItem reply must carry it: its type signature and its value, exactly (a
// double to the bit, an invalid value an empty int32 array), or the first difference.
std::string differs(const sdbus::Variant& got, const publisher::VenusValue& value) {
    const auto type = got.peekValueType();
    if (const auto* number = std::get_if<double>(&value.value)) {
        if (type != "d") return "type " + type + ", not d";
        const double sent = got.get<double>();
        return std::memcmp(&sent, number, sizeof sent) == 0 ? "" : "another double";
    }
    if (const auto* integer = std::get_if<std::int32_t>(&value.value)) {
        if (type != "i") return "type " + type + ", not i";
        return got.get<std::int32_t>() == *integer ? "" : "another integer";
    }
    if (const auto* text = std::get_if<std::string>(&value.value)) {
        if (type != "s") return "type " + type + ", not s";
        return got.get<std::string>() == *text ? "" : "another string";
    }
    if (type != "ai") return "type " + type + ", not ai";
    return got.get<std::vector<std::int32_t>>().empty() ? "" : "a non-empty array";
}

}  // namespace

TEST_CASE("GetItems after a publish() returns the values published, never earlier ones") {
    Served s;
    CHECK(get_items(s.bus).at("/Dc/0/Voltage").at("Value").get<double>() == 13.4);
    CHECK(s.publish({{"/Dc/0/Voltage", publisher::number_value(13.5, "13.50 V")},
                     {"/Serial", publisher::invalid_value()}}) == 2);
    auto items = get_items(s.bus);
    CHECK(items.at("/Dc/0/Voltage").at("Value").get<double>() == 13.5);
    CHECK(items.at("/Dc/0/Voltage").at("Text").get<std::string>() == "13.50 V");
    CHECK(items.at("/Serial").at("Value").peekValueType() == "ai");
    CHECK(s.call("/", "GetValue") == s.call("/", "GetValue"));  // the same twice in a row
    CHECK(contains(s.call("/", "GetValue"), R"("Dc/0/Voltage" d 13.5)"));
    CHECK(contains(s.call("/Dc", "GetText"), R"("0/Voltage" "13.50 V")"));
    // Back again, and a change of type from invalid to valid.
    CHECK(s.publish({{"/Dc/0/Voltage", publisher::number_value(13.4, "13.40 V")},
                     {"/Serial", publisher::string_value("HQ9")}}) == 2);
    items = get_items(s.bus);
    CHECK(items.at("/Dc/0/Voltage").at("Value").get<double>() == 13.4);
    CHECK(items.at("/Serial").at("Value").get<std::string>() == "HQ9");
    CHECK(contains(s.call("/", "GetText"), R"("Serial" "HQ9")"));
}

TEST_CASE("GetItems carries every type exactly as published, invalid values as empty ai") {
    // One row a path: its type and what is published (nothing: never published, so invalid).
    struct Row {
        const char* path;
        VenusType type;
        std::optional<publisher::VenusValue> value;
    };
    using publisher::integer_value, publisher::number_value, publisher::string_value;
    const Row rows[] = {
        {"/A/Number", VenusType::number, number_value(13.43, "13.43 V")},
        {"/A/Negative", VenusType::number, number_value(-2.5, "-2.50 A")},
        {"/A/Tiny", VenusType::number, number_value(1e-300, "0")},
        {"/A/Zero", VenusType::number, number_value(-0.0, "0.00")},
        {"/A/Huge", VenusType::number, number_value(1.7976931348623157e308, "big")},
        {"/B/Integer", VenusType::integer, integer_value(3, "Bulk")},
        {"/B/Least", VenusType::integer, integer_value(INT32_MIN, "")},
        {"/B/Most", VenusType::integer, integer_value(INT32_MAX, "2147483647")},
        {"/C/Text", VenusType::string, string_value("HQ1234")},
        {"/C/Empty", VenusType::string, string_value("")},
        {"/C/Unicode", VenusType::string, string_value("25 \u00b0C \u20ac \U0001d11e")},
        {"/D/NumberInvalid", VenusType::number, publisher::invalid_value()},
        {"/D/IntegerInvalid", VenusType::integer, std::nullopt},
        {"/D/StringInvalid", VenusType::string, std::nullopt},
        {"/E/Long", VenusType::string, string_value(std::string(5000, 'x'))},
    };
    std::vector<ItemSpec> items;
    PathValues values;
    for (const auto& row : rows) {
        items.push_back(ItemSpec{row.path, row.type, false});
        if (row.value) values.emplace(row.path, *row.value);
    }
    Served s(items);
    auto expected = values;
    for (const auto& item : items) expected.try_emplace(item.path, publisher::invalid_value());

    const auto check_reply = [&](const Items& got) {
        REQUIRE(got.size() == items.size());
        for (const auto& [key, entry_value] : expected) {
            const std::string& path = key;  // clang 14 cannot capture a structured binding (INFO)
            const auto& value = entry_value;
            INFO(path);
            REQUIRE(got.contains(path));
            const auto& entry = got.at(path);
            CHECK(entry.size() == 2);
            CHECK(differs(entry.at("Value"), value) == "");
            CHECK(entry.at("Text").peekValueType() == "s");
            CHECK(entry.at("Text").get<std::string>() == value.text);
        }
    };
    CHECK(s.publish(values) == values.size() - 1);  // /D/NumberInvalid was invalid already
    check_reply(get_items(s.bus));
    check_reply(get_items(s.bus));  // and the same once more

    // Each leaf's own GetValue and GetText agree with its GetItems entry.
    auto client = sdbus::createSessionBusConnectionWithAddress(s.bus.address());
    for (const auto& [key, entry_value] : expected) {
        const std::string& path = key;  // clang 14 cannot capture a structured binding (INFO)
        const auto& value = entry_value;
        INFO(path);
        auto leaf = sdbus::createProxy(*client, service_name, path);
        sdbus::Variant got;
        leaf->callMethod("GetValue").onInterface(bus_item).storeResultsTo(got);
        CHECK(differs(got, value) == "");
        std::string text;
        leaf->callMethod("GetText").onInterface(bus_item).storeResultsTo(text);
        CHECK(text == value.text);
    }
    // busctl's own decoding of the same reply.
    const auto json = s.call("/", "GetItems", {}, "--json=short");
    CHECK(contains(json, R"("/B/Least":{"Value":{"type":"i","data":-2147483648})"));
    CHECK(contains(json, R"("/C/Unicode":{"Value":{"type":"s","data":"25 °C € 𝄞"})"));
    CHECK(contains(json,
                   R"("/C/Empty":{"Value":{"type":"s","data":""},"Text":{"type":"s","data":""}})"));
    CHECK(contains(
        json,
        R"("/D/StringInvalid":{"Value":{"type":"ai","data":[]},"Text":{"type":"s","data":"---"}})"));
    // The tree on / from the same values, keys relative.
    auto root = sdbus::createProxy(*client, service_name, "/");
    sdbus::Variant tree;
    root->callMethod("GetValue").onInterface(bus_item).storeResultsTo(tree);
    const auto values_by_key = tree.get<std::map<std::string, sdbus::Variant>>();
    REQUIRE(values_by_key.size() == items.size());
    for (const auto& [key, entry_value] : expected) {
        const std::string& path = key;  // clang 14 cannot capture a structured binding (INFO)
        const auto& value = entry_value;
        INFO(path);
        CHECK(differs(values_by_key.at(path.substr(1)), value) == "");
    }
    sdbus::Variant texts;
    root->callMethod("GetText").onInterface(bus_item).storeResultsTo(texts);
    const auto texts_by_key = texts.get<std::map<std::string, std::string>>();
    for (const auto& [path, value] : expected) CHECK(texts_by_key.at(path.substr(1)) == value.text);
}

TEST_CASE("a string D-Bus cannot carry is published as invalid, and GetItems still answers") {
    Served s;
    const std::vector<std::string> bad{"\xC3",                   // cut short
                                       "\xC0\x80",               // overlong NUL
                                       "\xE0\x80\xAF",           // overlong '/'
                                       "\xED\xA0\x80",           // a surrogate
                                       "\xF4\x90\x80\x80",       // above U+10FFFF
                                       "\xFF",                   // never in UTF-8
                                       "\x80",                   // a continuation byte first
                                       std::string("a\0b", 3)};  // a NUL inside
    for (const auto& text : bad) {
        INFO(text.size());
        CHECK(s.publish({{"/Serial", publisher::string_value("ok")}}) == 1);
        CHECK(s.publish({{"/Serial", publisher::string_value(text)}}) == 1);
        CHECK(s.call("/Serial", "GetValue") == "v ai 0");
        CHECK(s.publish({{"/Dc/0/Voltage", publisher::number_value(1.0, text)}}) == 1);
        CHECK(s.call("/Dc/0/Voltage", "GetValue") == "v ai 0");
        CHECK(s.publish(test_values()) == 2);
        const auto items = get_items(s.bus);
        CHECK(items.size() == 7);
        CHECK(items.at("/Serial").at("Value").get<std::string>() == "HQ1234");
    }
    CHECK(s.publish({{"/Serial", publisher::string_value("25 \u00b0C")}}) == 1);  // UTF-8: fine
    CHECK(get_items(s.bus).at("/Serial").at("Value").get<std::string>() == "25 \u00b0C");
}

}  // namespace tristar::test
