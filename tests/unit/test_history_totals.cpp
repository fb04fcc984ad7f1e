// Unit tests of where the history's energy comes from and of the totals (design.md 8,
// venus-dbus.md 5 and 8, tristar-modbus.md 5): the publisher integrates its own power and does
// not take whc_daily as the day's yield; the device counters only fill gaps and seed/catch up
// /Yield/System; totals are monotonic and never double-count; the D-Bus items.
#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <variant>

#include "publisher/history.h"
#include "publisher/history_items.h"
#include "tests/unit/history_test_support.h"

namespace tristar::publisher::test {
namespace {

Sample counted(TimePoint t, std::optional<double> watts, double whc_wh) {
    Sample s;
    s.time = t;
    s.power_w = watts;
    s.whc_daily_wh = whc_wh;
    return s;
}

Sample with_total(TimePoint t, double watts, double kwh_total) {
    Sample s = power_at(t, watts);
    s.kwh_total = kwh_total;
    return s;
}

// The decision this test pins down: whc_daily stays frozen after midnight and resets at dawn or
// on a controller reset, so taking it as the day's yield would put yesterday's energy into
// today and lose today's at a reset. The day's yield is the integrated power instead.
TEST_CASE("the day's yield is integrated power, not the device's whc_daily") {
    DailyHistory h(config_in(utc_zone()));
    feed(h, utc(2024, 6, 10, 12), utc(2024, 6, 10, 13), seconds{10}, 1000);
    h.add(counted(utc(2024, 6, 10, 23, 59, 50), 0, 5000));
    for (int s = 0; s <= 60; s += 10) h.add(counted(utc(2024, 6, 11, 0, 0, s), 0, 5000));  // frozen
    CHECK(h.days().front().yield_wh == doctest::Approx(0));
    h.add(counted(utc(2024, 6, 11, 5), 0, 0));  // the device's day starts at dawn
    for (int m = 0; m <= 60; ++m) {
        const double whc = 10.0 * static_cast<int>(m * 600 / 60 / 10);  // 10 Wh steps
        h.add(counted(utc(2024, 6, 11, 6, m), 600, whc));
    }
    h.add(counted(utc(2024, 6, 11, 7, 1), 600, 0));  // controller reset clears whc_daily
    h.add(counted(utc(2024, 6, 11, 7, 2), 0, 0));
    CHECK(h.days()[0].yield_wh == doctest::Approx(600 + 10 + 5));
    CHECK(h.days()[1].yield_wh == doctest::Approx(1000));
    CHECK(h.totals().system_kwh == doctest::Approx(1.615));
}

TEST_CASE("a gap is credited from the device counter only when it vouches for it within today") {
    DailyHistory h(config_in(utc_zone()));
    SUBCASE("link lost for an hour: the counter's increase is credited, no state time") {
        h.add(counted(utc(2024, 6, 10, 11), 500, 1000));
        h.add(counted(utc(2024, 6, 10, 12), 500, 1500));
        CHECK(h.days().front().yield_wh == doctest::Approx(500));
        CHECK(h.days().front().bulk_s == 0.0);
    }
    SUBCASE("no power, the counter stepped: short intervals use it too") {
        h.add(counted(utc(2024, 6, 10, 12), std::nullopt, 100));
        h.add(counted(utc(2024, 6, 10, 12, 0, 10), std::nullopt, 110));
        CHECK(h.days().front().yield_wh == doctest::Approx(10));
    }
    SUBCASE("the counter went down (dawn or controller reset): nothing") {
        h.add(counted(utc(2024, 6, 10, 11), 500, 1000));
        h.add(counted(utc(2024, 6, 10, 12), 500, 200));
        CHECK(h.days().front().yield_wh == 0.0);
    }
    SUBCASE("an increase the charger cannot have made is a bad read: nothing") {
        h.add(counted(utc(2024, 6, 10, 11), 500, 1000));
        h.add(counted(utc(2024, 6, 10, 11, 2), 500, 2000));  // 1 kWh in 2 minutes
        CHECK(h.days().front().yield_wh == 0.0);
    }
    SUBCASE("a gap across midnight: nothing, to neither day") {
        h.add(counted(utc(2024, 6, 10, 23, 50), 500, 1000));
        h.add(counted(utc(2024, 6, 11, 0, 10), 500, 1100));
        CHECK(h.days()[0].yield_wh == 0.0);
        CHECK(h.days()[1].yield_wh == 0.0);
    }
    SUBCASE("no counter: a gap is not integrated") {
        h.add(power_at(utc(2024, 6, 10, 12), 1000));
        h.add(power_at(utc(2024, 6, 10, 12, 5), 1000));
        CHECK(h.days().front().yield_wh == 0.0);
    }
}

TEST_CASE("System is the sum credited to the days and never decreases, across rollovers and resets") {
    DailyHistory h(config_in(utc_zone()));
    double last_total = 0;
    double credited = 0;
    for (int d = 0; d < 5; ++d) {
        const TimePoint noon = utc(2024, 6, 10, 12) + days{d};
        for (int s = 0; s <= 600; s += 10) {
            const double whc = d == 2 && s > 300 ? 0 : 2.0 * s;  // a controller reset on day 2
            h.add(counted(noon + seconds{s}, 720, whc));
            CHECK(h.totals().system_kwh >= last_total);
            last_total = h.totals().system_kwh;
        }
        credited += h.days().front().yield_wh;
        CHECK(h.days().front().yield_wh == doctest::Approx(120));
    }
    CHECK(h.totals().system_kwh == doctest::Approx(credited / 1000));
    CHECK(h.totals().user_kwh == doctest::Approx(credited / 1000));
}

TEST_CASE("kwhc_t seeds and catches up System by max, never by sum; bad reads are ignored") {
    DailyHistory h(config_in(utc_zone()));
    const TimePoint t0 = utc(2024, 6, 10, 12);
    h.add(with_total(t0, 0, 1234));
    CHECK(h.totals().system_kwh == 0.0);  // one reading is not believed yet
    h.add(with_total(t0 + seconds{1}, 0, 1234));
    CHECK(h.totals().system_kwh == doctest::Approx(1234));
    h.add(with_total(t0 + seconds{2}, 0, 9999));  // a single bad read
    h.add(with_total(t0 + seconds{3}, 0, 1234));
    CHECK(h.totals().system_kwh == doctest::Approx(1234));
    h.add(with_total(t0 + seconds{4}, 0, 1000));  // a lower device counter
    h.add(with_total(t0 + seconds{5}, 0, 1000));
    CHECK(h.totals().system_kwh == doctest::Approx(1234));
    // After a gap (not integrated), an hour at 600 W: +0.6 kWh of our own.
    const TimePoint feed_start = t0 + seconds{100};
    feed(h, feed_start, feed_start + hours{1}, seconds{10}, 600);
    CHECK(h.totals().system_kwh == doctest::Approx(1234.6));
    h.add(with_total(feed_start + hours{1} + seconds{100}, 0, 1235));
    h.add(with_total(feed_start + hours{1} + seconds{101}, 0, 1235));  // includes our 0.6 kWh
    CHECK(h.totals().system_kwh == doctest::Approx(1235));
    CHECK(h.days().front().yield_wh == doctest::Approx(600));  // catching up is not a day's yield
}

TEST_CASE("resetting the user yield zeroes User only; both grow on from there") {
    DailyHistory h(config_in(utc_zone()));
    feed(h, utc(2024, 6, 10, 12), utc(2024, 6, 10, 13), seconds{10}, 1000);
    h.reset_user_yield();
    CHECK(h.totals().user_kwh == 0.0);
    CHECK(h.totals().system_kwh == doctest::Approx(1));
    feed(h, utc(2024, 6, 10, 13, 0, 10), utc(2024, 6, 10, 13, 30), seconds{10}, 1000);
    CHECK(h.totals().user_kwh == doctest::Approx(0.5));
    CHECK(h.totals().system_kwh == doctest::Approx(1.5));
}

TEST_CASE("day_minutes: whole minutes, 0..1439") {
    CHECK(day_minutes(0) == 0);
    CHECK(day_minutes(59.9) == 0);
    CHECK(day_minutes(60) == 1);
    CHECK(day_minutes(86399) == 1439);
    CHECK(day_minutes(90000) == 1439);
    CHECK(day_minutes(-5) == 0);
}

const HistoryValue* find(const std::vector<HistoryItem>& items, const std::string& path) {
    const auto it = std::find_if(items.begin(), items.end(), [&](const auto& i) { return i.path == path; });
    return it == items.end() ? nullptr : &it->value;
}

TEST_CASE("history_items: a fixed path set, today's values, invalid beyond the days held") {
    DailyHistory h(config_in(utc_zone()));
    Sample s = power_at(utc(2024, 6, 10, 12), 1200, 6);
    s.pv_v = 70;
    s.battery_v = 27.5;
    s.battery_a = 42;
    h.add(s);
    s.time += hours{2};  // a gap: extremes count, no energy
    s.battery_v = 25.1;
    h.add(s);
    const auto items = history_items(h);
    CHECK(items.size() == 30 * 10 + 4 + 2);
    CHECK(std::get<int>(*find(items, "/History/Overall/DaysAvailable")) == 1);
    CHECK(std::get<double>(*find(items, "/History/Daily/0/Yield")) == 0.0);
    CHECK(std::get<double>(*find(items, "/History/Daily/0/MaxPower")) == 1200.0);
    CHECK(std::get<double>(*find(items, "/History/Daily/0/MaxPvVoltage")) == 70.0);
    CHECK(std::get<double>(*find(items, "/History/Daily/0/MinBatteryVoltage")) == 25.1);
    CHECK(std::get<double>(*find(items, "/History/Daily/0/MaxBatteryVoltage")) == 27.5);
    CHECK(std::get<double>(*find(items, "/History/Daily/0/MaxBatteryCurrent")) == 42.0);
    CHECK(std::get<double>(*find(items, "/History/Daily/0/TimeInAbsorption")) == 0.0);
    CHECK(std::get<int>(*find(items, "/History/Daily/0/Nr")) == 0);
    CHECK(std::holds_alternative<std::monostate>(*find(items, "/History/Daily/1/Yield")));
    CHECK(std::holds_alternative<std::monostate>(*find(items, "/History/Daily/29/Nr")));
    CHECK(find(items, "/History/Daily/30/Yield") == nullptr);
    CHECK(std::get<double>(*find(items, "/History/Overall/MinBatteryVoltage")) == 25.1);
    CHECK(std::get<double>(*find(items, "/History/Overall/MaxPvVoltage")) == 70.0);
    CHECK(std::get<double>(*find(items, "/Yield/System")) == 0.0);
    CHECK(std::get<double>(*find(items, "/Yield/User")) == 0.0);
}

}  // namespace
}  // namespace tristar::publisher::test
