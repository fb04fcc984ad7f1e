#include "gateway/daemon/maintenance.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace tristar::gateway {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

namespace {

// The first instant in [low, high] whose wall time is at least `target`, for an interval where
// the wall clock only moves forward (around a spring-forward jump).
sys_seconds first_at_or_after(sys_seconds low, sys_seconds high, sys_seconds target,
                              const LocalZone& zone) {
    while (low < high) {
        const sys_seconds mid = low + (high - low) / 2;
        if (wall_time(mid, zone) >= target) {
            high = mid;
        } else {
            low = mid + std::chrono::seconds{1};
        }
    }
    return high;
}

}  // namespace

DailySchedule::DailySchedule(int local_hour) : hour_(local_hour) {
    if (local_hour < off || local_hour > 23) {
        throw std::invalid_argument("the daily maintenance hour must be -1 (off) or 0..23, got " +
                                    std::to_string(local_hour));
    }
}

// The instant of the run on `local_day`. Zone offsets stay within +-14 h, so the offsets in
// force a day before and a day after the target wall time are the only candidates: a candidate
// whose wall time is the target is a real occurrence (two of them when the clocks fall back:
// the earlier wins); none means the target lies in a spring-forward gap, whose end is found.
sys_seconds DailySchedule::run_on(sys_days local_day, const LocalZone& zone) const {
    const sys_seconds target = local_day + hours{hour_};
    const sys_seconds before = target - zone.utc_offset(target - days{1});
    const sys_seconds after = target - zone.utc_offset(target + days{1});
    std::optional<sys_seconds> first;
    for (const sys_seconds candidate : {before, after}) {
        if (wall_time(candidate, zone) == target) {
            first = std::min(first.value_or(candidate), candidate);
        }
    }
    if (first) return *first;
    return first_at_or_after(std::min(before, after), std::max(before, after), target, zone);
}

std::optional<DailySchedule::TimePoint> DailySchedule::next_after(TimePoint now,
                                                                  const LocalZone& zone) const {
    if (!enabled()) return std::nullopt;
    const sys_days today = local_day(now, zone);
    std::optional<TimePoint> next;
    for (int d = -1; d <= 2; ++d) {  // wide enough for any offset change and a skipped day
        const TimePoint run = run_on(today + days{d}, zone);
        if (run > now && (!next || run < *next)) next = run;
    }
    return next;
}

}  // namespace tristar::gateway
