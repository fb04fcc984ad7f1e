#pragma once
// ConnectionLog: the bridge's log lines about connections (opened, closed, timed out, evicted,
// malformed), rate-limited per event so a host opening connections in a loop cannot flood the
// log: the first of each event in full, then at most one summary per event and interval with
// the count ("312 more in the last 60 s, 1204 since start"). The totals since start are in
// every summary and in the line the bridge logs when it stops.
#include <spdlog/spdlog.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/base/rate_limiter.h"

namespace tristar::bridge {

class ConnectionLog {
  public:
    using Time = RateLimiter::Time;
    enum class Event : std::size_t {
        opened,
        closed_by_peer,
        socket_error,
        malformed,
        idle,
        partial_frame,
        evicted_per_address,
        evicted_total,
    };
    static constexpr std::size_t event_count = 8;

    explicit ConnectionLog(std::chrono::milliseconds interval) : limiter_(event_count, interval) {}

    // Counts the event; logs make_text() (the line without the tag) when it is the first.
    template <typename MakeText>
    void note(Event event, Time now, MakeText&& make_text) {
        const auto i = static_cast<std::size_t>(event);
        if (limiter_.record(i, now) && spdlog::should_log(level(event)))
            spdlog::log(level(event), "[bridge] {}", make_text());
    }
    // Logs the summaries due at `now`.
    void summarize(Time now);
    std::optional<Time> next_due() const { return limiter_.next_due(); }
    std::uint64_t total(Event event) const {
        return limiter_.total(static_cast<std::size_t>(event));
    }
    // "opened 3, malformed 500" (events that happened), or "none".
    std::string totals() const;

  private:
    static spdlog::level::level_enum level(Event event);
    static std::string_view name(std::size_t event);

    RateLimiter limiter_;
};

}  // namespace tristar::bridge
