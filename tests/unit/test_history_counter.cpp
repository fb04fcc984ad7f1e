// Unit tests of where a day's yield comes from (tristar-modbus.md 5, history_counter.h): the
// device's whc_daily, frozen from midnight until dawn, reset at dawn and by a controller reset,
// turned into local days, on a first start, across restarts and across midnights not seen.
// Totals: test_history_totals.cpp; errors: test_history_errors.cpp.
#include <doctest/doctest.h>

#include "publisher/history.h"
#include "tests/unit/history_test_support.h"

namespace tristar::publisher::test {
namespace {

constexpr int mppt = 5;
constexpr int disconnect = 2;
constexpr int night = 3;

// The state a restart would load: what a save at `t` held.
HistoryState saved_at(TimePoint t, double whc_wh, int charge_state = mppt) {
    DailyHistory h(config_in(utc_zone()));
    h.add(device_at(t, whc_wh, charge_state));
    return h.state();
}

double today(const DailyHistory& h) {
    return h.days().front().yield_wh;
}

TEST_CASE("a first start mid-day publishes the device's counter at once") {
    DailyHistory h(config_in(utc_zone()));
    h.add(device_at(utc(2024, 6, 10, 14), 1910));
    CHECK(today(h) == 1910.0);
    CHECK(h.totals().system_kwh == doctest::Approx(1.91));
    h.add(device_at(utc(2024, 6, 10, 14, 0, 1), 1920));
    CHECK(today(h) == 1920.0);
}

TEST_CASE("power alone adds no energy: the yield is the device's, not integrated") {
    DailyHistory h(config_in(utc_zone()));
    feed(h, utc(2024, 6, 10, 12), utc(2024, 6, 10, 13), seconds{10}, 1000);
    CHECK(today(h) == 0.0);
    CHECK(h.days().front().bulk_s == doctest::Approx(3600));  // time in state still from samples
    CHECK(h.days().front().max_power_w == 1000.0);
}

TEST_CASE("a restart keeps today's yield equal to the counter, however old the save") {
    for (const int saved_minutes_before : {0, 1, 5, 60}) {
        CAPTURE(saved_minutes_before);
        const TimePoint restart = utc(2024, 6, 10, 13);
        // 600 W: 10 Wh a minute.
        const double saved_wh = 1910.0 - 10.0 * (saved_minutes_before + 1);
        DailyHistory h(config_in(utc_zone()),
                       saved_at(restart - minutes{saved_minutes_before + 1}, saved_wh));
        h.add(device_at(restart, 1910));
        CHECK(today(h) == 1910.0);
        h.add(device_at(restart + seconds{5}, 1920));
        CHECK(today(h) == 1920.0);
    }
}

TEST_CASE(
    "after midnight the frozen counter gives today 0; yesterday keeps its yield; dawn starts "
    "today") {
    DailyHistory h(config_in(utc_zone()));
    counting(h, utc(2024, 6, 10, 6), utc(2024, 6, 10, 20), utc(2024, 6, 10, 6), 500);  // 7000 Wh
    hold(h, utc(2024, 6, 10, 20, 0, 30), utc(2024, 6, 11, 5), seconds{30}, 7000);
    REQUIRE(h.days_available() == 2);
    CHECK(h.days()[1].yield_wh == 7000.0);
    CHECK(today(h) == 0.0);
    // Dawn: the counter is reset; one low reading waits for the next to agree.
    h.add(device_at(utc(2024, 6, 11, 5, 0, 30), 0, mppt));
    h.add(device_at(utc(2024, 6, 11, 5, 1), 0, mppt));
    counting(h, utc(2024, 6, 11, 5, 1, 30), utc(2024, 6, 11, 7), utc(2024, 6, 11, 5, 1), 600);
    CHECK(today(h) == doctest::Approx(1190).epsilon(0.01));
    CHECK(h.days()[1].yield_wh == 7000.0);
    CHECK(h.totals().system_kwh == doctest::Approx((7000 + today(h)) / 1000));
}

TEST_CASE("a controller reset mid-day keeps the energy counted before it") {
    DailyHistory h(config_in(utc_zone()));
    h.add(device_at(utc(2024, 6, 10, 12), 3000));
    h.add(device_at(utc(2024, 6, 10, 12, 0, 30), 3010));
    h.add(device_at(utc(2024, 6, 10, 12, 1), 0));  // cleared by coil 0xFF
    CHECK(today(h) == 3010.0);
    h.add(device_at(utc(2024, 6, 10, 12, 1, 30), 0));
    h.add(device_at(utc(2024, 6, 10, 12, 2), 10));
    CHECK(today(h) == 3020.0);
    CHECK(h.totals().system_kwh == doctest::Approx(3.02));
}

TEST_CASE("a single bad read neither resets nor inflates the day") {
    DailyHistory h(config_in(utc_zone()));
    h.add(device_at(utc(2024, 6, 10, 12), 3000));
    SUBCASE("one low read: not a reset") {
        h.add(device_at(utc(2024, 6, 10, 12, 0, 1), 0));
        h.add(device_at(utc(2024, 6, 10, 12, 0, 2), 3010));
        CHECK(today(h) == 3010.0);
    }
    SUBCASE("one impossible rise (1 kWh in a second): ignored") {
        h.add(device_at(utc(2024, 6, 10, 12, 0, 1), 4000));
        CHECK(today(h) == 3000.0);
        h.add(device_at(utc(2024, 6, 10, 12, 0, 2), 3010));
        CHECK(today(h) == 3010.0);
    }
    CHECK(h.totals().system_kwh == doctest::Approx(3.01));
}

TEST_CASE("a rise faster than the bound is believed one reading late, when the next one agrees") {
    DailyHistory h(config_in(utc_zone()));
    h.add(device_at(utc(2024, 6, 10, 12), 3000));
    h.add(device_at(utc(2024, 6, 10, 12, 0, 1), 3030));  // 108 kW: a simulator's compressed day
    CHECK(today(h) == 3000.0);
    h.add(device_at(utc(2024, 6, 10, 12, 0, 2), 3060));
    CHECK(today(h) == 3060.0);
    h.add(device_at(utc(2024, 6, 10, 12, 0, 3), 3090));
    CHECK(today(h) == 3060.0);
    h.add(device_at(utc(2024, 6, 10, 12, 0, 4), 3090));
    CHECK(today(h) == 3090.0);
}

TEST_CASE("a restart across midnight in a night state: the counter still belongs to the old day") {
    DailyHistory h(config_in(utc_zone()), saved_at(utc(2024, 6, 10, 18), 4800));
    h.add(device_at(utc(2024, 6, 11, 2), 5000, night));  // the last 200 Wh came after the save
    REQUIRE(h.days_available() == 2);
    CHECK(h.days()[1].yield_wh == 5000.0);
    CHECK(today(h) == 0.0);
    hold(h, utc(2024, 6, 11, 2, 0, 30), utc(2024, 6, 11, 5), seconds{30}, 5000);
    CHECK(today(h) == 0.0);
    h.add(device_at(utc(2024, 6, 11, 5, 0, 30), 0, mppt));
    h.add(device_at(utc(2024, 6, 11, 5, 1), 100, mppt));
    CHECK(today(h) == 100.0);
    CHECK(h.days()[1].yield_wh == 5000.0);
    CHECK(h.totals().system_kwh == doctest::Approx(5.1));
}

TEST_CASE("a restart across midnight in a day state: the counter is today's") {
    DailyHistory h(config_in(utc_zone()), saved_at(utc(2024, 6, 10, 18), 4800));
    h.add(device_at(utc(2024, 6, 11, 9), 700, mppt));
    REQUIRE(h.days_available() == 2);
    CHECK(today(h) == 700.0);
    CHECK(h.days()[1].yield_wh == 4800.0);  // what came after the save is not known
    CHECK(h.totals().system_kwh == doctest::Approx(5.5));
}

TEST_CASE("a restart across midnight in DISCONNECT: before noon as night, after noon as day") {
    DailyHistory h(config_in(utc_zone()), saved_at(utc(2024, 6, 10, 18), 4800));
    SUBCASE("07:00: the count may still be frozen, it stays yesterday's (never counted twice)") {
        h.add(device_at(utc(2024, 6, 11, 7), 4800, disconnect));
        CHECK(today(h) == 0.0);
        CHECK(h.days()[1].yield_wh == 4800.0);
        CHECK(h.totals().system_kwh == doctest::Approx(4.8));
    }
    SUBCASE("15:00: dawn has come, the count is today's") {
        h.add(device_at(utc(2024, 6, 11, 15), 2500, disconnect));
        CHECK(today(h) == 2500.0);
        CHECK(h.days()[1].yield_wh == 4800.0);
    }
}

TEST_CASE("a restart across midnight in a night state after a controller reset in the gap") {
    DailyHistory h(config_in(utc_zone()), saved_at(utc(2024, 6, 10, 14), 3000));
    h.add(device_at(utc(2024, 6, 11, 3), 1500, night));  // reset at 15:00, 1500 Wh counted since
    CHECK(h.days()[1].yield_wh == 4500.0);
    CHECK(today(h) == 0.0);
}

TEST_CASE("a restart two days later in the night: the frozen count is all of yesterday's") {
    DailyHistory h(config_in(utc_zone()), saved_at(utc(2024, 6, 10, 18), 4800));
    h.add(device_at(utc(2024, 6, 12, 3), 3000, night));
    REQUIRE(h.days_available() == 3);
    CHECK(today(h) == 0.0);
    CHECK(h.days()[1].yield_wh == 3000.0);
    CHECK(h.days()[2].yield_wh == 4800.0);
    CHECK(h.totals().system_kwh == doctest::Approx(7.8));
}

TEST_CASE("a gap across dawn within one day: a frozen count that changed is today's") {
    for (const double after_dawn : {400.0, 5600.0, 0.0}) {  // below, above the frozen 5000, and 0
        CAPTURE(after_dawn);
        DailyHistory h(config_in(utc_zone()));
        h.add(device_at(utc(2024, 6, 10, 23, 59, 30), 5000, night));
        hold(h, utc(2024, 6, 11), utc(2024, 6, 11, 2), seconds{30}, 5000);
        h.add(device_at(utc(2024, 6, 11, 9), after_dawn, mppt));  // back at 09:00
        h.add(device_at(utc(2024, 6, 11, 9, 0, 1), after_dawn, mppt));
        CHECK(today(h) == after_dawn);
        CHECK(h.days()[1].yield_wh == 5000.0);  // first seen after dusk: the count was that day's
    }
}

TEST_CASE("a first start in the night keeps the frozen count out of today") {
    DailyHistory h(config_in(utc_zone()));
    h.add(device_at(utc(2024, 6, 10, 3), 2500, night));
    CHECK(today(h) == 0.0);
    hold(h, utc(2024, 6, 10, 3, 0, 30), utc(2024, 6, 10, 5), seconds{30}, 2500);
    h.add(device_at(utc(2024, 6, 10, 5, 0, 30), 0, mppt));
    h.add(device_at(utc(2024, 6, 10, 5, 1), 20, mppt));
    CHECK(today(h) == 20.0);
}

TEST_CASE("a first start at dusk (night state after noon): the count is today's") {
    DailyHistory h(config_in(utc_zone()));
    h.add(device_at(utc(2024, 6, 10, 21), 6400, night));
    CHECK(today(h) == 6400.0);
}

TEST_CASE("the day follows local time: midnight at 22:00 UTC in UTC+2") {
    const FixedZone plus_two{hours{2}};
    DailyHistory h(config_in(plus_two));
    h.add(device_at(utc(2024, 6, 10, 21, 59, 30), 6000, night));  // 23:59:30 local, after dusk
    h.add(device_at(utc(2024, 6, 10, 22), 6000, night));          // local midnight
    REQUIRE(h.days_available() == 2);
    CHECK(h.days()[1].yield_wh == 6000.0);
    CHECK(today(h) == 0.0);
}

TEST_CASE(
    "a restart continues the same day with what the device counted meanwhile, totals never down") {
    DailyHistory h(config_in(utc_zone()));
    double last_total = 0;
    double last_today = 0;
    HistoryState save = h.state();
    for (int minute = 0; minute < 240; ++minute) {
        const TimePoint t = utc(2024, 6, 10, 10) + minutes{minute};
        if (minute % 37 == 36)
            h = DailyHistory(config_in(utc_zone()), save);  // kill -9: back to the save
        h.add(device_at(t, 10.0 * minute, mppt));
        if (minute % 5 == 0) save = h.state();
        CHECK(today(h) == 10.0 * minute);
        CHECK(h.totals().system_kwh >= last_total);
        CHECK(today(h) >= last_today);
        last_total = h.totals().system_kwh;
        last_today = today(h);
    }
}

}  // namespace
}  // namespace tristar::publisher::test
