// Unit tests of the daily history's days (design.md 8, venus-dbus.md 8): rollover at local
// midnight with an injected clock, in several zones and on DST days, the 30-day window, days
// without samples, a clock set back, the local-day helpers and the Venus timezone setting.
// Yield: test_history_counter.cpp; totals: test_history_totals.cpp; errors:
// test_history_errors.cpp; persistence: test_history_store.cpp.
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#include "gateway/base/local_zone.h"
#include "publisher/history.h"
#include "tests/unit/history_test_support.h"

namespace tristar::publisher::test {
namespace {

TEST_CASE("the first sample starts today as Daily/0 with Nr 0") {
    DailyHistory h(config_in(utc_zone()));
    CHECK(h.days_available() == 0);
    h.add(power_at(utc(2024, 6, 10, 12), 100));
    REQUIRE(h.days_available() == 1);
    CHECK(h.days().front().date == date(2024, 6, 10));
    CHECK(h.days().front().nr == 0);
    CHECK(h.save_points() == 1);
}

TEST_CASE("at local midnight today becomes Daily/1 and keeps its own extremes") {
    DailyHistory h(config_in(utc_zone()));
    Sample s = power_at(utc(2024, 6, 10, 23, 59, 59), 100);
    s.pv_v = 40;
    h.add(s);
    s.time = utc(2024, 6, 11);
    s.pv_v = 50;
    h.add(s);
    REQUIRE(h.days_available() == 2);
    CHECK(h.days()[0].date == date(2024, 6, 11));
    CHECK(h.days()[0].nr == 1);
    CHECK(h.days()[0].max_pv_v == 50.0);
    CHECK(h.days()[1].date == date(2024, 6, 10));
    CHECK(h.days()[1].max_pv_v == 40.0);
    CHECK(h.save_points() == 2);
}

struct MidnightCase {
    const char* tz;
    TimePoint midnight;  // the UTC instant of local midnight
    sys_days local_date;
};

TEST_CASE("local midnight follows the zone through the C library (TZ)") {
    const MidnightCase cases[] = {
        {"Europe/Amsterdam", utc(2024, 6, 9, 22), date(2024, 6, 10)},  // CEST, +2
        {"Europe/Amsterdam", utc(2024, 1, 9, 23), date(2024, 1, 10)},  // CET, +1
        {"America/New_York", utc(2024, 6, 10, 4), date(2024, 6, 10)},  // EDT, -4
        {"America/New_York", utc(2024, 1, 10, 5), date(2024, 1, 10)},  // EST, -5
        {"UTC", utc(2024, 6, 10), date(2024, 6, 10)},
    };
    for (const auto& c : cases) {
        CAPTURE(c.tz);
        TzGuard tz(c.tz);
        DailyHistory h(HistoryConfig{});  // the default zone: the process's, as TZ says
        h.add(power_at(c.midnight - seconds{1}, 100));
        CHECK(h.days_available() == 1);
        CHECK(h.days().front().date == c.local_date - days{1});
        h.add(power_at(c.midnight, 100));
        CHECK(h.days_available() == 2);
        CHECK(h.days().front().date == c.local_date);
        CHECK(local_midnight(c.local_date, system_zone()) == c.midnight);
    }
}

struct DstCase {
    const char* tz;
    TimePoint start;  // local midnight of the DST day, UTC
    TimePoint end;    // local midnight of the next day, UTC
    double hours;
};

// A whole local day in float, one sample every 30 s: the day's length is what the clocks say,
// so 23 h or 25 h in float; the minutes are capped at 1439 for Venus.
TEST_CASE("DST days have 23 and 25 hours of time in state") {
    const DstCase cases[] = {
        {"Europe/Amsterdam", utc(2024, 3, 30, 23), utc(2024, 3, 31, 22), 23},
        {"Europe/Amsterdam", utc(2024, 10, 26, 22), utc(2024, 10, 27, 23), 25},
        {"America/New_York", utc(2024, 3, 10, 5), utc(2024, 3, 11, 4), 23},
        {"America/New_York", utc(2024, 11, 3, 4), utc(2024, 11, 4, 5), 25},
    };
    for (const auto& c : cases) {
        CAPTURE(c.tz);
        CAPTURE(c.hours);
        TzGuard tz(c.tz);
        DailyHistory h(HistoryConfig{});
        feed(h, c.start, c.end - seconds{30}, seconds{30}, 100, 7);
        CHECK(h.days_available() == 1);
        h.add(power_at(c.end, 100, 7));
        REQUIRE(h.days_available() == 2);
        const DayRecord& dst_day = h.days()[1];
        CHECK(dst_day.float_s == doctest::Approx(c.hours * 3600));
        CHECK(day_minutes(dst_day.float_s) == (c.hours < 24 ? 1380 : 1439));
        CHECK(h.days()[0].float_s == doctest::Approx(0));
    }
}

TEST_CASE("an interval across midnight is split at midnight, its time counted once") {
    DailyHistory h(config_in(utc_zone()));
    h.add(power_at(utc(2024, 6, 10, 23, 59, 30), 3600));
    h.add(power_at(utc(2024, 6, 11, 0, 0, 30), 3600));
    REQUIRE(h.days_available() == 2);
    CHECK(h.days()[1].bulk_s == doctest::Approx(30));
    CHECK(h.days()[0].bulk_s == doctest::Approx(30));
}

TEST_CASE("an interval longer than max_gap adds no time in state") {
    DailyHistory h(config_in(utc_zone()));
    h.add(power_at(utc(2024, 6, 10, 12), 100, 7));
    h.add(power_at(utc(2024, 6, 10, 12, 5), 100, 7));
    CHECK(h.days().front().float_s == 0.0);
}

TEST_CASE("a 31st day drops the oldest: 30 days kept, numbered on") {
    DailyHistory h(config_in(utc_zone()));
    for (int d = 0; d < 31; ++d) h.add(power_at(utc(2024, 5, 1, 12) + days{d}, 100));
    REQUIRE(h.days_available() == 30);
    CHECK(h.days().front().nr == 30);
    CHECK(h.days().front().date == date(2024, 5, 31));
    CHECK(h.days().back().nr == 1);
    CHECK(h.days().back().date == date(2024, 5, 2));
}

TEST_CASE("days without samples are held empty, so Daily/<n> stays n days ago") {
    DailyHistory h(config_in(utc_zone()));
    h.add(device_at(utc(2024, 6, 1, 12), 100));
    h.add(device_at(utc(2024, 6, 1, 13), 360));
    h.add(power_at(utc(2024, 6, 4, 12), 100));
    REQUIRE(h.days_available() == 4);
    for (int n = 0; n < 4; ++n) {
        CAPTURE(n);
        CHECK(h.days()[static_cast<std::size_t>(n)].date == date(2024, 6, 4) - days{n});
        CHECK(h.days()[static_cast<std::size_t>(n)].nr == 3 - n);
    }
    CHECK(h.days()[1].yield_wh == 0.0);
    CHECK_FALSE(h.days()[1].max_power_w.has_value());
    CHECK(h.days()[3].yield_wh == 360.0);
    CHECK(h.save_points() == 3);  // two local days begun, and the device counter's first day
}

TEST_CASE("a jump longer than the history keeps the newest 30 days, numbered as if all passed") {
    DailyHistory h(config_in(utc_zone()));
    h.add(power_at(utc(2024, 1, 1, 12), 100));
    h.add(power_at(utc(2024, 1, 1, 12) + days{100}, 100));
    REQUIRE(h.days_available() == 30);
    CHECK(h.days().front().nr == 100);
    CHECK(h.days().back().nr == 71);
    CHECK(h.days().back().date == date(2024, 1, 1) + days{71});
}

TEST_CASE("a clock set back never goes back a day: the samples count into today") {
    DailyHistory h(config_in(utc_zone()));
    h.add(device_at(utc(2024, 6, 10, 12), 1000));
    h.add(device_at(utc(2024, 6, 10, 12, 0, 10), 1000));
    h.add(device_at(utc(2024, 6, 9, 23), 1010));  // the clock jumps back over midnight
    h.add(device_at(utc(2024, 6, 9, 23, 0, 10), 1020));
    REQUIRE(h.days_available() == 1);
    CHECK(h.days().front().date == date(2024, 6, 10));
    CHECK(h.days().front().yield_wh == 1020.0);
    CHECK(h.totals().system_kwh == doctest::Approx(1.02));
}

TEST_CASE("local_day and local_midnight in a fixed zone") {
    const FixedZone plus_two{hours{2}};
    CHECK(local_day(utc(2024, 6, 9, 21, 59, 59), plus_two) == date(2024, 6, 9));
    CHECK(local_day(utc(2024, 6, 9, 22), plus_two) == date(2024, 6, 10));
    CHECK(local_midnight(date(2024, 6, 10), plus_two) == utc(2024, 6, 9, 22));
    const FixedZone minus_five{hours{-5}};
    CHECK(local_day(utc(2024, 6, 10, 4, 59, 59), minus_five) == date(2024, 6, 9));
    CHECK(local_midnight(date(2024, 6, 10), minus_five) == utc(2024, 6, 10, 5));
}

TEST_CASE("a Venus timezone setting is applied as TZ, a bad one is refused") {
    TzGuard restore("UTC");
    CHECK(apply_timezone("Europe/Berlin"));
    const std::string tz = std::getenv("TZ");
    CHECK(tz.find("Europe/Berlin") != std::string::npos);
    CHECK(system_zone().utc_offset(time_point_cast<seconds>(utc(2024, 6, 10))) == hours{2});
    CHECK(system_zone().utc_offset(time_point_cast<seconds>(utc(2024, 1, 10))) == hours{1});
    CHECK_FALSE(apply_timezone("Not/A_Zone"));
    CHECK_FALSE(apply_timezone("../../etc/passwd"));
    CHECK_FALSE(apply_timezone("/etc/localtime"));
    CHECK_FALSE(apply_timezone(""));
    CHECK(std::string(std::getenv("TZ")) == tz);  // refused settings leave TZ alone
}

}  // namespace
}  // namespace tristar::publisher::test
