#pragma once
// Housekeeping: the front loop's chores off the per-message path. Daily maintenance (design.md
// 3.2): the TriStar's network processor is known to hang after weeks, so at the configured local
// hour the gateway resets its communication server by writing coil 0x10FF (queued as a write;
// the device drops the connection when it obeys, so a lost reply counts as done). And once a
// minute: the rate-limited log lines' summaries, and free heap pages back to the system
// (malloc_trim): glibc keeps what a thread's arena once held, and the link worker's connections
// (one per transaction on a TriStar) fragment it, so the resident set crept for hours although
// the heap in use is flat.
#include <chrono>
#include <optional>

#include "gateway/daemon/maintenance.h"
#include "gateway/daemon/pending.h"

namespace tristar::gateway {

class Housekeeping {
  public:
    // `comm_reset_hour` < 0: no daily maintenance. `deadline`: the reset write's queue deadline.
    Housekeeping(int comm_reset_hour, std::chrono::milliseconds deadline);

    // Milliseconds until the next maintenance (at most a minute), -1 when there is none.
    int timeout_ms() const;
    // The comm-server reset to queue when it is due.
    std::optional<Pending> maintenance_due();
    void every_minute();

  private:
    DailySchedule maintenance_;
    std::optional<DailySchedule::TimePoint> next_maintenance_;
    std::chrono::milliseconds deadline_;
    Clock::time_point next_minute_ = Clock::now() + std::chrono::minutes{1};
};

}  // namespace tristar::gateway
