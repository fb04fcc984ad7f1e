#pragma once
// LogLimit: one kind of log line that a client can cause at will (a refused write, a malformed
// request), rate-limited so that a flood costs a few lines instead of thousands. The first
// occurrence in a window is logged in full; the rest of the window is counted, and
// flush_log_limits() logs one summary line per limit when its window ends ("[write] refused
// writes: 1999 more in the last 60 s, not logged"). The counters in status still count each one.
// Thread-safe: a limit may be shared; flush from any thread.
#include <chrono>
#include <mutex>
#include <string>

#include "gateway/base/rate_limiter.h"

namespace tristar {

class LogLimit {
  public:
    // `what` names the lines in the summary, e.g. "[write] refused writes".
    explicit LogLimit(std::string what,
                      std::chrono::milliseconds interval = std::chrono::seconds{60});
    ~LogLimit();
    LogLimit(const LogLimit&) = delete;
    LogLimit& operator=(const LogLimit&) = delete;

    // Counts an occurrence; true when it should be logged in full.
    bool allow(RateLimiter::Time now = RateLimiter::Time::clock::now());
    // Logs the summary if this limit's window has ended with lines left out.
    void flush(RateLimiter::Time now);

  private:
    std::string what_;
    std::mutex mutex_;
    RateLimiter limiter_;
};

// Flushes every LogLimit alive; call from a loop that wakes at least every minute.
void flush_log_limits(RateLimiter::Time now = RateLimiter::Time::clock::now());

}  // namespace tristar
