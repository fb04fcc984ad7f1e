#pragma once
// DailySchedule: when the daily maintenance is next due (design.md 3.2: the TriStar's network
// processor is known to hang after weeks, so the gateway may reset its communication server,
// coil 0x10FF, once a day at a configured local hour). Pure: the caller passes the time and the
// zone; the schedule only answers "when next".
#include <chrono>
#include <optional>

#include "gateway/base/local_zone.h"

namespace tristar::gateway {

class DailySchedule {
  public:
    using TimePoint = std::chrono::system_clock::time_point;
    static constexpr int off = -1;

    // `local_hour`: 0..23, or -1 (off). Anything else throws std::invalid_argument.
    explicit DailySchedule(int local_hour);

    bool enabled() const { return hour_ != off; }
    int local_hour() const { return hour_; }

    // The first run strictly after `now`, nothing when off. A run is at local_hour:00:00 local
    // time, once per local day: on a day when that time does not exist (the clocks spring
    // forward over it) at the moment the clocks jump; on a day when it happens twice (they fall
    // back) only the first time. Two local days that map to the same instant (a skipped day)
    // give one run. After a run at T, ask next_after(T); after the system clock jumps, ask again.
    std::optional<TimePoint> next_after(TimePoint now, const LocalZone& zone = system_zone()) const;

  private:
    std::chrono::sys_seconds run_on(std::chrono::sys_days local_day, const LocalZone& zone) const;

    int hour_;
};

}  // namespace tristar::gateway
