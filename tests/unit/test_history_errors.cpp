// Unit tests of /History/Daily/N/LastError1..4 and /History/Overall/LastError1..4 (venus-dbus.md
// 8 and 17): fault_daily (0x49) bits new to a day, mapped through the /ErrorCode table, the last
// 4 distinct codes most recent first, per day and over all days; the D-Bus items.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <variant>
#include <vector>

#include "publisher/history.h"
#include "publisher/history_items.h"
#include "publisher/venus_rules.h"
#include "tests/unit/history_test_support.h"

namespace tristar::publisher::test {
namespace {

constexpr int mppt = 5;
constexpr int night = 3;

// fault_daily bits (tristar-modbus.md 7) and their /ErrorCode (venus-dbus.md 17).
constexpr std::uint16_t overcurrent = 1U << 0;       // 18
constexpr std::uint16_t battery_hvd = 1U << 3;       // 2
constexpr std::uint16_t array_hvd = 1U << 4;         // 33
constexpr std::uint16_t rts_disconnected = 1U << 8;  // 5
constexpr std::uint16_t eeprom_retry = 1U << 9;      // 113
constexpr std::uint16_t fault_13 = 1U << 12;         // no row: 255

Sample faults_at(TimePoint t, std::uint16_t faults, double whc_wh = 1000, int charge_state = mppt) {
    return device_at(t, whc_wh, charge_state, {}, faults);
}

TEST_CASE("the codes are the /ErrorCode table's") {
    CHECK(error_code(overcurrent) == 18);
    CHECK(error_code(battery_hvd) == 2);
    CHECK(error_code(array_hvd) == 33);
    CHECK(error_code(rts_disconnected) == 5);
    CHECK(error_code(eeprom_retry) == 113);
    CHECK(error_code(fault_13) == 255);
}

TEST_CASE("no fault: LastError1..4 are 0") {
    DailyHistory h(config_in(utc_zone()));
    h.add(faults_at(utc(2024, 6, 10, 12), 0));
    CHECK(h.days().front().last_errors == LastErrors{});
    CHECK(h.overall().last_errors == LastErrors{});
}

TEST_CASE("a day keeps the last 4 distinct errors, most recent first") {
    DailyHistory h(config_in(utc_zone()));
    const TimePoint t0 = utc(2024, 6, 10, 10);
    std::uint16_t seen = 0;
    const auto add_faults = [&](int minute, std::uint16_t bits) {
        seen = static_cast<std::uint16_t>(seen | bits);
        h.add(faults_at(t0 + minutes{minute}, seen));
    };
    add_faults(0, rts_disconnected);
    CHECK(h.days().front().last_errors == LastErrors{5, 0, 0, 0});
    add_faults(1, 0);  // still set: not a new error
    CHECK(h.days().front().last_errors == LastErrors{5, 0, 0, 0});
    add_faults(2, battery_hvd);
    CHECK(h.days().front().last_errors == LastErrors{2, 5, 0, 0});
    add_faults(3,
               array_hvd | overcurrent);  // together: the one /ErrorCode shows counts as the latest
    CHECK(h.days().front().last_errors == LastErrors{18, 33, 2, 5});
    add_faults(4, eeprom_retry);
    CHECK(h.days().front().last_errors == LastErrors{113, 18, 33, 2});
    // A controller reset clears fault_daily; the same fault again moves up rather than repeating.
    h.add(faults_at(t0 + minutes{5}, 0, 0));
    h.add(faults_at(t0 + minutes{5} + seconds{30}, 0, 0));
    h.add(faults_at(t0 + minutes{6}, overcurrent, 10));
    CHECK(h.days().front().last_errors == LastErrors{18, 113, 33, 2});
    CHECK(h.overall().last_errors == LastErrors{18, 113, 33, 2});
}

TEST_CASE("fault bits frozen after midnight stay yesterday's; Overall spans the days") {
    DailyHistory h(config_in(utc_zone()));
    h.add(faults_at(utc(2024, 6, 10, 15), fault_13, 3000));
    h.add(faults_at(utc(2024, 6, 10, 23, 59, 30), fault_13, 3000, night));
    for (TimePoint t = utc(2024, 6, 11); t <= utc(2024, 6, 11, 5); t += seconds{30}) {
        h.add(faults_at(t, fault_13, 3000, night));
    }
    REQUIRE(h.days_available() == 2);
    CHECK(h.days()[1].last_errors == LastErrors{255, 0, 0, 0});
    CHECK(h.days()[0].last_errors == LastErrors{});
    // Dawn clears the daily registers; a fault today is today's.
    h.add(faults_at(utc(2024, 6, 11, 5, 0, 30), 0, 0));
    h.add(faults_at(utc(2024, 6, 11, 5, 1), 0, 0));
    h.add(faults_at(utc(2024, 6, 11, 5, 1, 30), battery_hvd, 10));
    CHECK(h.days()[0].last_errors == LastErrors{2, 0, 0, 0});
    CHECK(h.days()[1].last_errors == LastErrors{255, 0, 0, 0});
    CHECK(h.overall().last_errors == LastErrors{2, 255, 0, 0});
}

TEST_CASE("a first start counts today's fault_daily, not a frozen one") {
    SUBCASE("by day: the bits are today's") {
        DailyHistory h(config_in(utc_zone()));
        h.add(faults_at(utc(2024, 6, 10, 12), rts_disconnected));
        CHECK(h.days().front().last_errors == LastErrors{5, 0, 0, 0});
    }
    SUBCASE("before dawn: the bits may be yesterday's") {
        DailyHistory h(config_in(utc_zone()));
        h.add(faults_at(utc(2024, 6, 10, 3), rts_disconnected, 2000, night));
        CHECK(h.days().front().last_errors == LastErrors{});
    }
}

TEST_CASE("a restart across midnight in the night credits new bits to the old day") {
    DailyHistory before(config_in(utc_zone()));
    before.add(faults_at(utc(2024, 6, 10, 17), 0, 4000));
    DailyHistory h(config_in(utc_zone()), before.state());
    h.add(faults_at(utc(2024, 6, 11, 2), battery_hvd, 4100, night));
    CHECK(h.days()[1].last_errors == LastErrors{2, 0, 0, 0});
    CHECK(h.days()[0].last_errors == LastErrors{});
}

TEST_CASE(
    "history_items: LastError1..4 as integers, per day and overall, invalid beyond the days held") {
    DailyHistory h(config_in(utc_zone()));
    h.add(faults_at(utc(2024, 6, 10, 12), rts_disconnected | battery_hvd));
    const auto items = history_items(h);
    CHECK(std::get<int>(*find(items, "/History/Daily/0/LastError1")) == 2);
    CHECK(std::get<int>(*find(items, "/History/Daily/0/LastError2")) == 5);
    CHECK(std::get<int>(*find(items, "/History/Daily/0/LastError3")) == 0);
    CHECK(std::get<int>(*find(items, "/History/Daily/0/LastError4")) == 0);
    CHECK(std::holds_alternative<std::monostate>(*find(items, "/History/Daily/1/LastError1")));
    CHECK(std::holds_alternative<std::monostate>(*find(items, "/History/Daily/29/LastError4")));
    CHECK(std::get<int>(*find(items, "/History/Overall/LastError1")) == 2);
    CHECK(std::get<int>(*find(items, "/History/Overall/LastError2")) == 5);
    CHECK(std::get<int>(*find(items, "/History/Overall/LastError4")) == 0);
    const auto empty = history_items(DailyHistory(config_in(utc_zone())));
    CHECK(std::get<int>(*find(empty, "/History/Overall/LastError1")) == 0);
}

}  // namespace
}  // namespace tristar::publisher::test
