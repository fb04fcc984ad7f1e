// The TriStar -> Venus rules of venus-dbus.md section 17: /State, /MppOperationMode, /ErrorCode,
// /Alarms, the RTS temperature and /Mode, row by row.
#include <doctest/doctest.h>

#include "tests/unit/venus_mapping_test_support.h"

using namespace tristar::publisher;
using namespace tristar::publisher::mapping_test;

TEST_CASE("/State and /MppOperationMode: every section 17 row") {
    struct Row {
        std::uint16_t charge_state;
        std::int32_t state;
        std::int32_t mpp;
        std::string text;
    };
    const std::vector<Row> rows{{0, 0, 0, "Off"},        {1, 0, 0, "Off"},
                                {2, 0, 0, "Off"},        {3, 0, 0, "Off"},
                                {4, 2, 0, "Fault"},      {5, 3, 2, "Bulk"},
                                {6, 4, 1, "Absorption"}, {7, 5, 1, "Float"},
                                {8, 7, 1, "Equalize"},   {9, 252, 1, "External control"}};
    for (const Row& row : rows) {
        CAPTURE(row.charge_state);
        Snapshot snapshot = with_word(dump_9_1(), 0x32, row.charge_state);
        CHECK(int_at(snapshot, "/State") == row.state);
        CHECK(at(snapshot, "/State").text == row.text);
        CHECK(int_at(snapshot, "/MppOperationMode") == row.mpp);
        CHECK(venus_state(row.charge_state).documented);
        CHECK(map_snapshot(snapshot, options).warnings.empty());
    }
}

TEST_CASE("undocumented charge states publish /State 0 and a warning") {
    for (std::uint16_t raw : {std::uint16_t{10}, std::uint16_t{11}, std::uint16_t{0xFFFF}}) {
        CAPTURE(raw);
        Snapshot snapshot = with_word(dump_9_1(), 0x32, raw);
        CHECK(int_at(snapshot, "/State") == 0);
        CHECK(int_at(snapshot, "/MppOperationMode") == 0);
        CHECK_FALSE(venus_state(raw).documented);
        Mapping mapping = map_snapshot(snapshot, options);
        REQUIRE(mapping.warnings.size() == 1);
        CHECK(mapping.warnings.front().find(std::to_string(raw)) != std::string::npos);
        CHECK(string_at(snapshot, "/Tristar/ChargeState/Name") ==
              "UNKNOWN(" + std::to_string(raw) + ")");
    }
}

// Section 17's fault table, in its order.
const std::vector<std::pair<unsigned, std::int32_t>> fault_rows{{0, 18}, {1, 28},  {2, 40},  {3, 2},
                                                                {4, 33}, {5, 119}, {6, 119}, {7, 3},
                                                                {8, 5},  {9, 113}, {11, 115}};

TEST_CASE("/ErrorCode: each listed fault bit alone") {
    for (const auto& row : fault_rows) {
        const unsigned bit = row.first;  // not a structured binding: CAPTURE takes it in a lambda
        const std::int32_t code = row.second;
        CAPTURE(bit);
        CHECK(error_code(static_cast<std::uint16_t>(1U << bit)) == code);
        Snapshot snapshot = with_word(dump_9_1(), 0x2C, static_cast<std::uint16_t>(1U << bit));
        CHECK(int_at(snapshot, "/ErrorCode") == code);
        CHECK(int_at(snapshot, "/Alarms/Alarm") == 2);
    }
}

TEST_CASE("/ErrorCode precedence: first set bit in table order, unlisted bits 255") {
    CHECK(error_code(0) == 0);
    CHECK(error_code(0x0013) == 18);   // SPEC example: overcurrent + FETs shorted + array HVD
    CHECK(error_code(0x000A) == 28);   // FETs shorted before battery HVD
    CHECK(error_code(0x0900) == 5);    // RTS disconnected before slave timeout
    CHECK(error_code(0x0C00) == 115);  // a listed bit beats the reserved bit 10
    CHECK(error_code(0x0400) == 255);  // bit 10 alone
    for (unsigned bit = 12; bit < 16; ++bit)
        CHECK(error_code(static_cast<std::uint16_t>(1U << bit)) == 255);
    CHECK(error_code(0x8001) == 18);
    for (std::size_t first = 0; first < fault_rows.size(); ++first) {  // every pair of rows
        for (std::size_t later = first + 1; later < fault_rows.size(); ++later) {
            auto bits = static_cast<std::uint16_t>(1U << fault_rows[first].first |
                                                   1U << fault_rows[later].first);
            CAPTURE(bits);
            CHECK(error_code(bits) == fault_rows[first].second);
        }
    }
    CHECK(error_text(0x0013) == "#18 overcurrent");
    CHECK(error_text(0x0002) == "#28 FETs shorted");
    CHECK(error_text(0x1000) == "#255 Fault 13");
    Mapping mapping = map_snapshot(with_word(dump_9_1(), 0x2C, 0x1001), options);
    CHECK(std::get<std::int32_t>(mapping.values.at("/ErrorCode").value) == 18);
    REQUIRE(mapping.warnings.size() == 1);  // bit 12 has no row even though 18 wins
    CHECK(mapping.warnings.front().find("0x1000") != std::string::npos);
}

TEST_CASE("/Alarms/*: heatsink alarm bit 5, FETs shorted, any fault") {
    Snapshot hot = with_word(dump_9_1(), 0x2F, 1U << 5);
    CHECK(int_at(hot, "/Alarms/HighTemperature") == 1);
    CHECK(at(hot, "/Alarms/HighTemperature").text == "Warning");
    CHECK(int_at(hot, "/Alarms/Alarm") == 0);  // alarms are not faults
    CHECK(int_at(with_word(dump_9_1(), 0x2F, 1U << 6), "/Alarms/HighTemperature") == 0);
    Snapshot high_word = with_word(dump_9_1(), 0x2E, 0x0020);  // alarm bit 21
    CHECK(int_at(high_word, "/Tristar/Alarms/Mask") == 0x200000);
    CHECK(string_at(high_word, "/Tristar/Alarms/Names") == "Alarm 22");
    Snapshot shorted = with_word(dump_9_1(), 0x2C, 0x0002);
    CHECK(int_at(shorted, "/Alarms/ShortCircuit") == 2);
    CHECK(at(shorted, "/Alarms/ShortCircuit").text == "Alarm");
    CHECK(int_at(with_word(dump_9_1(), 0x2C, 0x0001), "/Alarms/ShortCircuit") == 0);
    CHECK(string_at(with_word(dump_9_1(), 0x2C, 0x0013), "/Tristar/Faults/Names") ==
          "overcurrent, FETs shorted, array HVD");
}

TEST_CASE("RTS disconnected: /Dc/0/Temperature invalid, /Tristar/Temperature/Battery valid") {
    Snapshot snapshot = with_word(with_word(dump_9_1(), 0x24, 0x0080), 0x25, 25);
    CHECK_FALSE(at(snapshot, "/Dc/0/Temperature").valid());
    CHECK(at(snapshot, "/Dc/0/Temperature").text == "---");
    CHECK_FALSE(at(snapshot, "/Tristar/Temperature/Rts").valid());
    CHECK(number_at(snapshot, "/Tristar/Temperature/Battery") == 25.0);
    Snapshot cold = with_word(dump_9_1(), 0x25, static_cast<std::uint16_t>(-10));
    CHECK(number_at(cold, "/Dc/0/Temperature") == -10.0);
}

TEST_CASE("/Mode from coil 2, /Tristar/Equalize/Requested from coil 0") {
    Snapshot snapshot = dump_9_1();
    snapshot.coils = CoilStates{false, true};
    CHECK(int_at(snapshot, "/Mode") == 4);
    CHECK(at(snapshot, "/Mode").text == "Off");
    snapshot.coils = CoilStates{true, false};
    CHECK(int_at(snapshot, "/Mode") == 1);
    CHECK(int_at(snapshot, "/Tristar/Equalize/Requested") == 1);
    snapshot.coils = {};
    CHECK_FALSE(at(snapshot, "/Mode").valid());
    CHECK_FALSE(at(snapshot, "/Tristar/Equalize/Requested").valid());
    CHECK(find_path("/Mode")->writable);
}
