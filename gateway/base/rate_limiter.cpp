#include "gateway/base/rate_limiter.h"

namespace tristar {

RateLimiter::RateLimiter(std::size_t causes, std::chrono::milliseconds interval)
    : state_(causes), interval_(interval) {}

bool RateLimiter::record(std::size_t cause, Time now) {
    State& s = state_.at(cause);
    ++s.total;
    if (!s.window_start) {
        s.window_start = now;
        return true;
    }
    ++s.suppressed;
    return false;
}

std::vector<RateLimiter::Summary> RateLimiter::due(Time now) {
    std::vector<Summary> out;
    for (std::size_t cause = 0; cause < state_.size(); ++cause) {
        State& s = state_[cause];
        if (!s.window_start || now - *s.window_start < interval_) continue;
        if (s.suppressed == 0) {
            s.window_start.reset();
            continue;
        }
        out.push_back({cause, s.suppressed, s.total});
        s.suppressed = 0;
        s.window_start = now;
    }
    return out;
}

std::optional<RateLimiter::Time> RateLimiter::next_due() const {
    std::optional<Time> next;
    for (const State& s : state_)
        if (s.window_start && (!next || *s.window_start + interval_ < *next))
            next = *s.window_start + interval_;
    return next;
}

}  // namespace tristar
