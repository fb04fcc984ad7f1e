#pragma once
// RateLimiter: keeps a log readable when the same thing happens thousands of times (a host
// opening connections in a loop, a broken master sending garbage). Per cause (an index below
// `causes`): the first occurrence is logged in full; the ones after it within `interval` are
// only counted, and reported as one summary when the interval ends. A cause quiet for a whole
// interval is logged in full again the next time. Pure: the caller passes the time and logs.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace tristar {

class RateLimiter {
  public:
    using Time = std::chrono::steady_clock::time_point;

    struct Summary {
        std::size_t cause;
        std::uint64_t suppressed;  // occurrences not logged in full during the interval
        std::uint64_t total;       // occurrences since start
    };

    RateLimiter(std::size_t causes, std::chrono::milliseconds interval);

    // Counts an occurrence; true when it should be logged in full.
    bool record(std::size_t cause, Time now);
    // The summaries due at `now`, each starting the cause's next interval.
    std::vector<Summary> due(Time now);
    // When due() next has something to do, if ever.
    std::optional<Time> next_due() const;
    std::uint64_t total(std::size_t cause) const { return state_.at(cause).total; }
    std::chrono::milliseconds interval() const { return interval_; }

  private:
    struct State {
        std::optional<Time> window_start;  // none: quiet, the next occurrence is logged in full
        std::uint64_t suppressed = 0;
        std::uint64_t total = 0;
    };
    std::vector<State> state_;
    std::chrono::milliseconds interval_;
};

}  // namespace tristar
