// Unit tests of the daily maintenance schedule (the comm-server reset hour, design.md 3.2):
// plain days, the local offset, days when the clocks spring forward or fall back, a skipped
// day; first against zones described here, then through the C library with TZ set.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "gateway/daemon/maintenance.h"
#include "tests/support/tz_guard.h"

namespace tristar::gateway {
namespace {

using namespace std::chrono;
using TimePoint = DailySchedule::TimePoint;

// A UTC instant from a calendar date and a time of day.
sys_seconds utc(int y, unsigned m, unsigned d, hours h, minutes min = minutes{0}) {
    return sys_days{year{y} / month{m} / day{d}} + h + min;
}

// A zone made of steps: `initial` until the first step, then each step's offset from its instant.
struct StepZone final : LocalZone {
    seconds initial{0};
    std::vector<std::pair<sys_seconds, seconds>> steps;

    seconds utc_offset(sys_seconds at) const override {
        seconds offset = initial;
        for (const auto& [from, step_offset] : steps) {
            if (at >= from) offset = step_offset;
        }
        return offset;
    }
};

StepZone fixed(seconds offset) {
    StepZone zone;
    zone.initial = offset;
    return zone;
}

// Central Europe in 2024: CEST from 31 March 01:00 UTC (02:00 -> 03:00) until 27 October
// 01:00 UTC (03:00 -> 02:00).
StepZone central_europe_2024() {
    StepZone zone = fixed(hours{1});
    zone.steps = {{utc(2024, 3, 31, hours{1}), hours{2}}, {utc(2024, 10, 27, hours{1}), hours{1}}};
    return zone;
}

// Samoa skipped 30 December 2011: 29 December 23:59:59 at -10 h was followed by 31 December.
StepZone samoa_2011() {
    StepZone zone = fixed(hours{-10});
    zone.steps = {{utc(2011, 12, 30, hours{10}), hours{14}}};
    return zone;
}

std::optional<TimePoint> next(int hour, sys_seconds now, const LocalZone& zone) {
    return DailySchedule(hour).next_after(now, zone);
}

// The first `n` runs strictly after `from`, each asked after the previous one.
std::vector<TimePoint> runs(int hour, sys_seconds from, int n, const LocalZone& zone) {
    const DailySchedule schedule(hour);
    std::vector<TimePoint> out;
    TimePoint now = from;
    for (int i = 0; i < n; ++i) {
        const auto run = schedule.next_after(now, zone);
        REQUIRE(run.has_value());
        out.push_back(*run);
        now = *run;
    }
    return out;
}

using tristar::test::TzGuard;

}  // namespace

TEST_CASE("off (-1) never runs; hours outside 0..23 are refused") {
    const DailySchedule schedule(DailySchedule::off);
    CHECK_FALSE(schedule.enabled());
    CHECK_FALSE(schedule.next_after(utc(2024, 5, 10, hours{3}), fixed(hours{0})).has_value());
    CHECK(DailySchedule(0).enabled());
    CHECK(DailySchedule(23).local_hour() == 23);
    CHECK_THROWS_AS(DailySchedule(24), std::invalid_argument);
    CHECK_THROWS_AS(DailySchedule(-2), std::invalid_argument);
}

TEST_CASE("a plain day: the configured hour today if still ahead, else tomorrow") {
    const StepZone zone = fixed(hours{0});
    CHECK(next(3, utc(2024, 5, 10, hours{1}, minutes{30}), zone) == utc(2024, 5, 10, hours{3}));
    CHECK(next(3, utc(2024, 5, 10, hours{5}), zone) == utc(2024, 5, 11, hours{3}));
    CHECK(next(0, utc(2024, 5, 10, hours{23}, minutes{59}), zone) == utc(2024, 5, 11, hours{0}));
}

TEST_CASE("strictly after now: asking at the run's own instant gives the next day") {
    const StepZone zone = fixed(hours{0});
    const sys_seconds at = utc(2024, 5, 10, hours{3});
    CHECK(next(3, at, zone) == utc(2024, 5, 11, hours{3}));
    CHECK(DailySchedule(3).next_after(TimePoint{at} - nanoseconds{1}, zone) == TimePoint{at});
    CHECK(DailySchedule(3).next_after(TimePoint{at} + nanoseconds{1}, zone) ==
          utc(2024, 5, 11, hours{3}));
}

TEST_CASE("the hour is local: east and west of UTC, across the UTC date line") {
    // 03:00 at +02:00 is 01:00 UTC.
    CHECK(next(3, utc(2024, 5, 10, hours{0}), fixed(hours{2})) == utc(2024, 5, 10, hours{1}));
    // At 02:00 UTC on 10 May it is 21:00 on 9 May at -05:00: 22:00 local is 03:00 UTC.
    CHECK(next(22, utc(2024, 5, 10, hours{2}), fixed(hours{-5})) == utc(2024, 5, 10, hours{3}));
    // 23:00 at +05:30 is 17:30 UTC.
    CHECK(next(23, utc(2024, 5, 10, hours{18}), fixed(hours{5} + minutes{30})) ==
          utc(2024, 5, 11, hours{17}, minutes{30}));
}

TEST_CASE("spring forward over the hour: the run happens once, when the clocks jump") {
    const StepZone zone = central_europe_2024();
    // 02:00 does not exist on 31 March: 01:59:59 CET is followed by 03:00:00 CEST (01:00 UTC).
    const auto got = runs(2, utc(2024, 3, 30, hours{12}), 3, zone);
    const std::vector<TimePoint> expected{utc(2024, 3, 31, hours{1}), utc(2024, 4, 1, hours{0}),
                                          utc(2024, 4, 2, hours{0})};
    CHECK(got == expected);
    // Hours that exist that day are unaffected: 01:00 CET and 03:00 CEST.
    CHECK(next(1, utc(2024, 3, 30, hours{12}), zone) == utc(2024, 3, 31, hours{0}));
    CHECK(next(3, utc(2024, 3, 30, hours{12}), zone) == utc(2024, 3, 31, hours{1}));
}

TEST_CASE("fall back over the hour: the run happens once, at its first occurrence") {
    const StepZone zone = central_europe_2024();
    // 02:00 happens twice on 27 October: at 00:00 UTC (CEST) and at 01:00 UTC (CET).
    const auto got = runs(2, utc(2024, 10, 26, hours{12}), 2, zone);
    const std::vector<TimePoint> expected{utc(2024, 10, 27, hours{0}), utc(2024, 10, 28, hours{1})};
    CHECK(got == expected);
    // Asked between the two occurrences (the clock shows 02:30 for the first time): tomorrow.
    CHECK(next(2, utc(2024, 10, 27, hours{0}, minutes{30}), zone) == utc(2024, 10, 28, hours{1}));
}

TEST_CASE("a skipped local day: one run where its hour would have been, none twice") {
    const StepZone zone = samoa_2011();
    // Midnight of 30 December never came: the jump at 10:00 UTC made it 31 December 00:00,
    // which is also 31 December's own midnight. One run.
    const auto midnight = runs(0, utc(2011, 12, 28, hours{12}), 3, zone);
    const std::vector<TimePoint> at_midnight{
        utc(2011, 12, 29, hours{10}), utc(2011, 12, 30, hours{10}), utc(2011, 12, 31, hours{10})};
    CHECK(midnight == at_midnight);
    // Noon of 30 December never came either: the run is at the jump, then 31 December's noon.
    const auto noon = runs(12, utc(2011, 12, 29, hours{12}), 3, zone);
    const std::vector<TimePoint> at_noon{utc(2011, 12, 29, hours{22}), utc(2011, 12, 30, hours{10}),
                                         utc(2011, 12, 30, hours{22})};
    CHECK(noon == at_noon);
}

TEST_CASE("SystemZone follows TZ through the C library") {
    {
        const TzGuard tz("UTC0");
        CHECK(system_zone().utc_offset(utc(2024, 7, 1, hours{12})) == seconds{0});
    }
    const TzGuard tz("CET-1CEST,M3.5.0,M10.5.0/3");
    CHECK(system_zone().utc_offset(utc(2024, 1, 15, hours{12})) == hours{1});
    CHECK(system_zone().utc_offset(utc(2024, 7, 1, hours{12})) == hours{2});
    // The same transitions as the zone described above, now from the C library's rules.
    CHECK(DailySchedule(2).next_after(utc(2024, 3, 30, hours{12})) == utc(2024, 3, 31, hours{1}));
    CHECK(DailySchedule(2).next_after(utc(2024, 10, 27, hours{0})) == utc(2024, 10, 28, hours{1}));
}

TEST_CASE("through the C library: US fall back at 02:00 runs 01:00 once") {
    const TzGuard tz("EST5EDT,M3.2.0,M11.1.0");
    // 3 November 2024: 01:00 EDT (05:00 UTC), then 01:00 EST (06:00 UTC) again.
    const DailySchedule schedule(1);
    CHECK(schedule.next_after(utc(2024, 11, 2, hours{12})) == utc(2024, 11, 3, hours{5}));
    CHECK(schedule.next_after(utc(2024, 11, 3, hours{5})) == utc(2024, 11, 4, hours{6}));
}

TEST_CASE("through the C library: a half-hour spring forward (Lord Howe Island)") {
    const TzGuard tz("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0");
    // 6 October 2024 02:00 at +10:30 (5 October 15:30 UTC) became 02:30 at +11.
    const DailySchedule schedule(2);
    CHECK(schedule.next_after(utc(2024, 10, 5, hours{0})) ==
          utc(2024, 10, 5, hours{15}, minutes{30}));
    CHECK(schedule.next_after(utc(2024, 10, 5, hours{15}, minutes{30})) ==
          utc(2024, 10, 6, hours{15}));
}

}  // namespace tristar::gateway
