// The TriStar -> Venus mapping (venus-dbus.md sections 4-7 and 17) against the TriStar spec's test
// vectors (tristar-modbus.md section 9) and the project's mapping decisions.
#include <doctest/doctest.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "proto/tristar/register_map.h"
#include "publisher/venus_mapping.h"
#include "publisher/venus_paths.h"
#include "publisher/venus_rules.h"
#include "tests/unit/venus_mapping_test_support.h"

using namespace tristar::publisher;
using namespace tristar::publisher::mapping_test;

TEST_CASE("9.1 dump: standard paths") {
    Snapshot dump = dump_9_1();
    CHECK(number_at(dump, "/Dc/0/Voltage") == doctest::Approx(13.4308).epsilon(1e-4));
    CHECK(at(dump, "/Dc/0/Voltage").text == "13.43 V");
    CHECK(number_at(dump, "/Dc/0/Current") == 0.0);
    CHECK(at(dump, "/Dc/0/Current").text == "0.00 A");
    CHECK(number_at(dump, "/Dc/0/Temperature") == 5.0);
    CHECK(at(dump, "/Dc/0/Temperature").text == "5 °C");
    CHECK(at(dump, "/Pv/V").text == "0.33 V");
    CHECK(number_at(dump, "/Pv/I") == 0.0);
    CHECK(at(dump, "/Yield/Power").text == "0 W");
    CHECK(int_at(dump, "/State") == 0);  // NIGHT
    CHECK(at(dump, "/State").text == "Off");
    CHECK(int_at(dump, "/Mode") == 1);
    CHECK(int_at(dump, "/MppOperationMode") == 0);
    CHECK(int_at(dump, "/ErrorCode") == 0);
    CHECK(at(dump, "/ErrorCode").text == "No error");
    CHECK(int_at(dump, "/NrOfTrackers") == 1);
    CHECK(int_at(dump, "/Alarms/HighTemperature") == 0);
    CHECK(int_at(dump, "/Alarms/ShortCircuit") == 0);
    CHECK(int_at(dump, "/Alarms/Alarm") == 0);
}

TEST_CASE("9.1 dump and 9.2 identity: generic paths") {
    Snapshot dump = dump_9_1();
    CHECK(string_at(dump, "/Mgmt/Connection") == "Modbus TCP 192.168.1.20 via tristar-gatewayd");
    CHECK(string_at(dump, "/ProductName") == "TriStar MPPT 60");
    CHECK(string_at(dump, "/Serial") == "01234567");
    CHECK(string_at(dump, "/HardwareVersion") == "1.2");
    CHECK(at(dump, "/FirmwareVersion").valid());
    CHECK(string_at(dump, "/Tristar/Firmware/Controller") == "v12");
    CHECK(string_at(dump, "/Tristar/Firmware/Network") == "0x0925");
}

TEST_CASE("9.1 dump: TriStar extras") {
    Snapshot dump = dump_9_1();
    CHECK(number_at(dump, "/Tristar/Temperature/Heatsink") == 4.0);
    CHECK(number_at(dump, "/Tristar/Temperature/Rts") == 5.0);
    CHECK(number_at(dump, "/Tristar/Temperature/Battery") == 5.0);
    CHECK(number_at(dump, "/Tristar/Battery/Current1m") == doctest::Approx(0.0122).epsilon(1e-2));
    CHECK(at(dump, "/Tristar/Battery/Voltage1m").text == "13.44 V");
    CHECK(number_at(dump, "/Tristar/Battery/MaxVoltage") == doctest::Approx(16.573).epsilon(1e-4));
    CHECK(int_at(dump, "/Tristar/Hourmeter") == 87017);
    CHECK(at(dump, "/Tristar/Hourmeter").text == "87017 h");
    CHECK_FALSE(at(with_word(dump, 0x2A, 0x8000), "/Tristar/Hourmeter").valid());  // > int32
    CHECK(int_at(dump, "/Tristar/ChargeState/Value") == 3);
    CHECK(at(dump, "/Tristar/ChargeState/Value").text == "NIGHT");
    CHECK(string_at(dump, "/Tristar/ChargeState/Name") == "NIGHT");
    CHECK(string_at(dump, "/Tristar/Led/Name") == "GREEN");
    CHECK(int_at(dump, "/Tristar/DipSwitches/Mask") == 188);
    CHECK(at(dump, "/Tristar/DipSwitches/Mask").text == "0x00BC");
    CHECK(string_at(dump, "/Tristar/DipSwitches/Text").starts_with("switches 3, 4, 5, 6 and 8 ON"));
    CHECK(int_at(dump, "/Tristar/Faults/Mask") == 0);
    CHECK(string_at(dump, "/Tristar/Faults/Names") == "none");
    CHECK(string_at(dump, "/Tristar/Alarms/Names") == "none");
    CHECK(string_at(dump, "/Tristar/Daily/Flags/Names") == "reset detected, alarm occurred");
    CHECK(number_at(dump, "/Tristar/Daily/Yield") == doctest::Approx(1.23));
    CHECK(at(dump, "/Tristar/Daily/Yield").text == "1.23 kWh");
    CHECK(int_at(dump, "/Tristar/Battery/DaysSinceEqualize") == 28);
    CHECK(int_at(dump, "/Tristar/Equalize/Requested") == 0);
}

TEST_CASE("doubles are rounded in the text only") {
    VenusValue value = at(dump_9_1(), "/Dc/0/Voltage");
    CHECK(std::get<double>(value.value) == 2445 * 180.0 / 32768.0);
    CHECK(format_number(-0.001, 2, "A") == "0.00 A");
    CHECK(format_number(110.4, 0, "W") == "110 W");
}

TEST_CASE("missing inputs make their paths invalid") {
    Mapping empty = map_snapshot(Snapshot{}, options);
    CHECK(valid_paths(empty.values) ==
          std::set<std::string>{"/Mgmt/Connection", "/NrOfTrackers", "/ProductName"});
    CHECK(std::get<std::string>(empty.values.at("/ProductName").value) == "TriStar MPPT");
    CHECK(empty.warnings.empty());

    Snapshot live_only = dump_9_1();
    live_only.counters.reset(), live_only.serial.reset(), live_only.model.reset();
    live_only.coils = {}, live_only.network_version.reset();
    auto valid = valid_paths(map_snapshot(live_only, options).values);
    CHECK(valid.contains("/Dc/0/Voltage"));
    for (auto path : {"/Serial", "/HardwareVersion", "/Mode", "/Tristar/Firmware/Network",
                      "/Tristar/Battery/DaysSinceEqualize"})
        CHECK_MESSAGE(!valid.contains(path), path);

    Snapshot identity_only = dump_9_1();
    identity_only.live.reset();
    CHECK_FALSE(at(identity_only, "/Dc/0/Voltage").valid());
    CHECK_FALSE(at(identity_only, "/State").valid());
    CHECK_FALSE(at(identity_only, "/Tristar/Firmware/Controller").valid());
    CHECK(string_at(identity_only, "/Serial") == "01234567");
}

TEST_CASE("/FirmwareVersion: the 24-bit form DVCC accepts, or invalid") {
    const auto v12 = at(with_word(dump_9_1(), 0x04, 0x0012), "/FirmwareVersion");
    CHECK(std::get<std::int32_t>(v12.value) == 0x120000);
    CHECK(v12.text == "v12.00");
    CHECK(std::get<std::int32_t>(
              at(with_word(dump_9_1(), 0x04, 0x0009), "/FirmwareVersion").value) == 0x090000);
    // Not 2 BCD digits, or below DVCC's 0x10200 (alarm #48): invalid, which DVCC accepts.
    for (std::uint16_t ver_sw :
         {std::uint16_t{0x0129}, std::uint16_t{0x001A}, std::uint16_t{0}, std::uint16_t{1}}) {
        CHECK_FALSE(at(with_word(dump_9_1(), 0x04, ver_sw), "/FirmwareVersion").valid());
    }
    CHECK(firmware_version_24bit(0x0002) == 0x020000);  // the lowest accepted: 0x20000 >= 0x10200
    CHECK_FALSE(at(Snapshot{}, "/FirmwareVersion").valid());
    CHECK(find_path("/FirmwareVersion")->type == VenusType::integer);  // never a string (spec 4)
    CHECK_FALSE(at(with_word(dump_9_1(), 0x04, 0x001A), "/Tristar/Firmware/Controller").valid());
}

TEST_CASE("identity details: product names, serial with leading zeros, connection") {
    CHECK(product_name(0) == "TriStar MPPT 45");
    CHECK(product_name(1) == "TriStar MPPT 60");
    CHECK(product_name(2) == "TriStar MPPT 30");
    CHECK(product_name(7) == "TriStar MPPT");
    Snapshot snapshot = dump_9_1();
    (*snapshot.serial)[0] = 0x3030;
    CHECK(string_at(snapshot, "/Serial") == "00234567");
    CHECK(connection_text("") == "tristar-gatewayd");
    CHECK(connection_text("VE.Can") != "VE.Can");
    CHECK_FALSE(live_from(std::vector<std::uint16_t>(91)).has_value());
    CHECK(live_from(std::vector<std::uint16_t>(92)).has_value());
    CHECK_FALSE(exactly<serial_words>(std::vector<std::uint16_t>(3)).has_value());
}

TEST_CASE("every valid value has its path's declared type") {
    std::vector<Snapshot> snapshots{Snapshot{}, dump_9_1()};
    std::uint32_t seed = 12345;
    for (int round = 0; round < 50; ++round) {
        Snapshot noisy = dump_9_1();
        for (auto& word : *noisy.live)
            word = static_cast<std::uint16_t>((seed = seed * 1103515245U + 12345U) >> 16);
        auto scramble = [&seed](auto& words) {
            for (auto& word : words)
                word = static_cast<std::uint16_t>((seed = seed * 1103515245U + 12345U) >> 16);
        };
        scramble(*noisy.counters), scramble(*noisy.serial), scramble(*noisy.model);
        noisy.coils = CoilStates{(seed & 1U) != 0, (seed & 2U) != 0};
        snapshots.push_back(noisy);
    }
    for (const Snapshot& snapshot : snapshots) {
        Mapping mapping = map_snapshot(snapshot, options);
        REQUIRE(mapping.values.size() == venus_paths().size());
        for (const PathSpec& spec : venus_paths()) {
            const VenusValue& value = mapping.values.at(std::string(spec.path));
            CHECK_MESSAGE(fits(value, spec.type), spec.path);
            if (!value.valid()) CHECK(value.text == "---");
            if (auto* number = std::get_if<double>(&value.value)) CHECK(*number == *number);
        }
    }
}

TEST_CASE("path tables: unique, well formed, no /Solar, no history paths") {
    std::set<std::string_view> names;
    std::vector<const PathSpec*> all;
    for (const auto& spec : venus_paths()) all.push_back(&spec);
    for (const auto& spec : caller_paths()) all.push_back(&spec);
    for (const PathSpec* spec : all) {
        CAPTURE(spec->path);
        CHECK(names.insert(spec->path).second);
        CHECK(spec->path.starts_with('/'));
        CHECK_FALSE(spec->path.ends_with('/'));
        CHECK_FALSE(spec->path.starts_with("/Solar"));
        CHECK_FALSE(spec->path.starts_with("/History"));
        CHECK_FALSE(spec->source.empty());
        if (!spec->reg.empty()) CHECK(tristar::find_register(spec->reg) != nullptr);
    }
    std::vector<std::string> leaf_and_node;  // a leaf must never also be a tree node
    for (std::string_view name : names) {
        for (std::string_view other : names) {
            if (other.starts_with(std::string(name) + "/")) leaf_and_node.emplace_back(name);
        }
    }
    CHECK(leaf_and_node.empty());
    CHECK_FALSE(names.contains("/Yield/User"));
    CHECK_FALSE(names.contains("/Yield/System"));
    for (const auto& spec : venus_paths()) CHECK(static_cast<bool>(spec.compute));
    for (const auto& spec : caller_paths()) CHECK_FALSE(static_cast<bool>(spec.compute));
}

TEST_CASE("caller paths: the mandatory identity paths with their types") {
    const std::vector<std::pair<std::string_view, VenusType>> expected{
        {"/Mgmt/ProcessName", VenusType::string}, {"/Mgmt/ProcessVersion", VenusType::string},
        {"/DeviceInstance", VenusType::integer},  {"/ProductId", VenusType::integer},
        {"/CustomName", VenusType::string},       {"/Connected", VenusType::integer}};
    REQUIRE(caller_paths().size() == expected.size());
    for (const auto& row : expected) {
        const std::string_view path = row.first;  // not a structured binding: doctest's
        const VenusType type = row.second;        // messages capture it in a lambda
        const PathSpec* spec = find_path(path);
        REQUIRE_MESSAGE(spec != nullptr, path);
        CHECK(spec->type == type);
    }
    CHECK(find_path("/CustomName")->writable);
    CHECK(signature(VenusType::number) == 'd');
    CHECK(signature(VenusType::integer) == 'i');
    CHECK(signature(VenusType::string) == 's');
}

TEST_CASE("diff returns only the changed paths") {
    PathValues before = map_snapshot(dump_9_1(), options).values;
    CHECK(diff(before, before).empty());
    PathValues after = map_snapshot(with_word(dump_9_1(), 0x18, 2446), options).values;
    PathValues changed = diff(before, after);
    REQUIRE(changed.size() == 1);
    CHECK(changed.begin()->first == "/Dc/0/Voltage");
    CHECK(changed.begin()->second == after.at("/Dc/0/Voltage"));

    PathValues state = diff(before, map_snapshot(with_word(dump_9_1(), 0x32, 5), options).values);
    CHECK(std::set<std::string>{"/State", "/MppOperationMode", "/Tristar/ChargeState/Value",
                                "/Tristar/ChargeState/Name"} == valid_paths(state));

    Snapshot lost = dump_9_1();
    lost.live.reset();
    PathValues invalidated = diff(before, map_snapshot(lost, options).values);
    CHECK(invalidated.contains("/Dc/0/Voltage"));
    CHECK_FALSE(invalidated.at("/Dc/0/Voltage").valid());
    CHECK_FALSE(invalidated.contains("/Serial"));

    PathValues shrunk = after;
    shrunk.erase("/Pv/V");
    PathValues removed = diff(after, shrunk);
    REQUIRE(removed.size() == 1);
    CHECK_FALSE(removed.at("/Pv/V").valid());
    CHECK(diff(shrunk, after).size() == 1);
}
