// Unit tests of the totals (venus-dbus.md 5, tristar-modbus.md 5, history.h): /Yield/System
// follows the days and the device's kwhc_t without counting today twice, whether kwhc_t is a
// running total or steps once a day; it never decreases, across restarts too; one bad kwhc_t
// read does not inflate it; /Yield/User; the D-Bus items.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "publisher/history.h"
#include "publisher/history_items.h"
#include "tests/unit/history_test_support.h"

namespace tristar::publisher::test {
namespace {

constexpr int mppt = 5;
constexpr int night = 3;

TEST_CASE("kwhc_t is believed when two samples agree; one bad read never inflates System") {
    DailyHistory h(config_in(utc_zone()));
    const TimePoint t0 = utc(2024, 6, 10, 12);
    h.add(device_at(t0, 0, mppt, 1234));
    CHECK(h.totals().system_kwh == 0.0);  // one reading is not believed yet
    h.add(device_at(t0 + seconds{1}, 0, mppt, 1234));
    CHECK(h.totals().system_kwh == doctest::Approx(1234));
    h.add(device_at(t0 + seconds{2}, 0, mppt, 9999));  // a single bad read
    h.add(device_at(t0 + seconds{3}, 0, mppt, 1234));
    CHECK(h.totals().system_kwh == doctest::Approx(1234));
    h.add(device_at(t0 + seconds{4}, 0, mppt, 1000));  // a lower device counter: ignored
    h.add(device_at(t0 + seconds{5}, 0, mppt, 1000));
    CHECK(h.totals().system_kwh == doctest::Approx(1234));
    h.add(device_at(t0 + hours{1}, 600, mppt));  // an hour at 600 W, no kwhc_t
    CHECK(h.totals().system_kwh == doctest::Approx(1234.6));
    h.add(device_at(t0 + hours{1} + seconds{1}, 600, mppt, 1235));
    h.add(device_at(t0 + hours{1} + seconds{2}, 600, mppt, 1235));  // includes today's 0.6 kWh
    CHECK(h.totals().system_kwh == doctest::Approx(1235));
    CHECK(h.days().front().yield_wh == 600.0);  // catching up is not a day's yield
}

TEST_CASE("a first start mid-day: System is kwhc_t, today not added on top") {
    DailyHistory h(config_in(utc_zone()));
    h.add(device_at(utc(2024, 6, 10, 14), 1910, mppt, 1521));
    h.add(device_at(utc(2024, 6, 10, 14, 0, 1), 1910, mppt, 1521));
    CHECK(h.days().front().yield_wh == 1910.0);
    CHECK(h.totals().system_kwh == doctest::Approx(1521));
    h.add(device_at(utc(2024, 6, 10, 15), 2410, mppt, 1521));
    CHECK(h.totals().system_kwh == doctest::Approx(1521.5));
}

// A TriStar over several days: dawn at 06:00 resets whc_daily (10 Wh steps), the charger
// delivers `watts` until 18:00, the counter stays frozen from midnight until dawn. kwhc_t is
// the delivered lifetime energy truncated to whole kWh, either all the time (running) or as of
// the last dawn (stepping once a day).
struct Device {
    bool running;
    double lifetime_wh = 1'519'600;
    double lifetime_at_dawn_wh = 1'519'600;
    double day_wh = 2547;  // yesterday's, frozen

    static double hour(TimePoint t) { return duration<double>(t - floor<days>(t)).count() / 3600; }

    // One minute at most: the minute ending at `t` counts.
    void advance_to(TimePoint t, TimePoint prev, double watts) {
        if (hour(prev) < 6 && hour(t) >= 6) dawn();
        if (hour(t) > 6 && hour(t) <= 18) {
            const double wh = watts * duration<double>(t - prev).count() / 3600;
            lifetime_wh += wh;
            day_wh += wh;
        }
    }
    void dawn() {
        day_wh = 0;
        lifetime_at_dawn_wh = lifetime_wh;
    }
    Sample sample(TimePoint t) const {
        const double kwh = std::floor((running ? lifetime_wh : lifetime_at_dawn_wh) / 1000);
        return device_at(t, 10 * std::floor(day_wh / 10),
                         hour(t) >= 6 && hour(t) < 18 ? mppt : night, kwh);
    }
    double today_wh(TimePoint t) const { return hour(t) < 6 ? 0 : day_wh; }
};

// Starts mid-day, runs four days on (a day at 300 W, then 360, 420, 480 W: whole Wh a minute)
// and is killed every 97 minutes: a restart loads the last save, made every 5 minutes and at
// every change save_points() counts, as the publisher's SaveSchedule does.
void run_days(bool running) {
    CAPTURE(running);
    Device device{running};
    const TimePoint start = utc(2024, 6, 10, 10);
    device.dawn();
    device.lifetime_wh += 1910;  // today's energy so far
    device.day_wh = 1910;
    DailyHistory h(config_in(utc_zone()));
    HistoryState save;
    std::uint64_t saved_points = 0;
    double published = 0;
    std::optional<double> prev_kwh;
    TimePoint t = start;
    for (int minute = 0; minute < 4 * 24 * 60; ++minute, t += minutes{1}) {
        const double watts =
            300.0 + 60.0 * static_cast<double>((floor<days>(t) - floor<days>(start)).count());
        if (minute > 0) device.advance_to(t, t - minutes{1}, watts);
        const bool killed = minute % 97 == 96;
        if (killed) {
            h = DailyHistory(config_in(utc_zone()), save);
            saved_points = 0;
        }
        const Sample sample = device.sample(t);
        h.add(sample);
        if (minute % 5 == 0 || h.save_points() != saved_points) {
            save = h.state();
            saved_points = h.save_points();
        }
        const double system_wh = h.totals().system_kwh * 1000;
        CHECK(system_wh >= published);                // never decreases
        CHECK(system_wh <= device.lifetime_wh + 10);  // never counts anything twice
        if (prev_kwh == sample.kwh_total && !killed) CHECK(system_wh >= *sample.kwh_total * 1000);
        CHECK(h.days().front().yield_wh <= device.today_wh(t));
        published = system_wh;
        prev_kwh = sample.kwh_total;
    }
    const double behind = device.lifetime_wh - published;
    CHECK(behind < 1000 + (running ? 0 : device.day_wh));  // at most kwhc_t's step (and today)
    REQUIRE(h.days_available() == 5);
    CHECK(h.days()[1].yield_wh == 12 * 480.0);
    CHECK(h.days()[2].yield_wh == 12 * 420.0);
    CHECK(h.days()[3].yield_wh == 12 * 360.0);
    CHECK(h.days()[4].yield_wh == 1910 + 8 * 300.0);
}

TEST_CASE("System never decreases and never counts today twice: kwhc_t a running total") {
    run_days(true);
}

TEST_CASE("System never decreases and never counts today twice: kwhc_t steps once a day") {
    run_days(false);
}

TEST_CASE("System grows by the days when the device has no kwhc_t") {
    DailyHistory h(config_in(utc_zone()));
    for (int d = 0; d < 3; ++d) {
        const TimePoint noon = utc(2024, 6, 10, 12) + days{d};
        h.add(device_at(noon, 0));
        h.add(device_at(noon + seconds{1}, 0));
        h.add(device_at(noon + hours{1}, 500));
    }
    CHECK(h.totals().system_kwh == doctest::Approx(1.5));
    CHECK(h.totals().user_kwh == doctest::Approx(1.5));
}

TEST_CASE("resetting the user yield zeroes User only; both grow on from there") {
    DailyHistory h(config_in(utc_zone()));
    h.add(device_at(utc(2024, 6, 10, 12), 0));
    h.add(device_at(utc(2024, 6, 10, 13), 1000));
    h.reset_user_yield();
    CHECK(h.totals().user_kwh == 0.0);
    CHECK(h.totals().system_kwh == doctest::Approx(1));
    h.add(device_at(utc(2024, 6, 10, 13, 30), 1500));
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

TEST_CASE("history_items: a fixed path set, today's values, invalid beyond the days held") {
    DailyHistory h(config_in(utc_zone()));
    Sample s = absorbing_at(utc(2024, 6, 10, 12), 1200, 70, 27.5, 42);
    h.add(s);
    s.time += hours{2};  // a gap: extremes count, no time in state
    s.battery_v = 25.1;
    h.add(s);
    const auto items = history_items(h);
    CHECK(items.size() == 30 * 14 + 4 + 4 + 2);
    CHECK(std::get<int>(*find(items, "/History/Overall/DaysAvailable")) == 1);
    CHECK(std::get<double>(*find(items, "/History/Daily/0/Yield")) == doctest::Approx(1.23));
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
    CHECK(std::get<double>(*find(items, "/Yield/System")) == doctest::Approx(1.23));
    CHECK(std::get<double>(*find(items, "/Yield/User")) == doctest::Approx(1.23));
}

TEST_CASE(
    "history_items after a restart: today's yield and the totals invalid until the counter is "
    "believed") {
    DailyHistory before(config_in(utc_zone()));
    before.add(device_at(utc(2024, 6, 10, 12), 1230));
    DailyHistory h(config_in(utc_zone()), before.state());
    auto items = history_items(h);
    CHECK(std::holds_alternative<std::monostate>(*find(items, "/History/Daily/0/Yield")));
    CHECK(std::holds_alternative<std::monostate>(*find(items, "/Yield/System")));
    CHECK(std::holds_alternative<std::monostate>(*find(items, "/Yield/User")));
    CHECK(std::get<int>(*find(items, "/History/Overall/DaysAvailable")) == 1);
    CHECK(std::get<int>(*find(items, "/History/Daily/0/Nr")) == 0);
    h.add(device_at(utc(2024, 6, 10, 12, 0, 1), 5000));  // faster than the charger can: doubted
    CHECK(std::holds_alternative<std::monostate>(*find(history_items(h), "/Yield/System")));
    h.add(device_at(utc(2024, 6, 10, 12, 5), 1290));
    h.add(device_at(utc(2024, 6, 10, 12, 5, 1), 0));  // not believed yet: a reset or a bad read
    items = history_items(h);
    CHECK(std::get<double>(*find(items, "/History/Daily/0/Yield")) == doctest::Approx(1.29));
    CHECK(std::get<double>(*find(items, "/Yield/System")) == doctest::Approx(1.29));
}

}  // namespace
}  // namespace tristar::publisher::test
