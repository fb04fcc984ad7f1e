#pragma once
// Backoff: when the link may try to connect again (design.md 3.2: exponential, with jitter,
// 100 ms to 30 s). Pure: the caller passes the time; the jitter comes from a seeded generator.
#include <chrono>
#include <cstdint>
#include <random>

namespace tristar::gateway {

class Backoff {
  public:
    using Clock = std::chrono::steady_clock;
    Backoff(std::chrono::milliseconds min, std::chrono::milliseconds max, std::uint64_t seed);

    // A connection attempt failed at `now`: the next one waits min * 2^failures, capped at
    // max, scaled by a random factor in [0.5, 1] so that restarted peers do not move in step.
    void failed(Clock::time_point now);
    void succeeded();

    bool may_try(Clock::time_point now) const { return now >= next_attempt_; }
    Clock::time_point next_attempt() const { return next_attempt_; }
    unsigned failures() const { return failures_; }

  private:
    std::chrono::milliseconds min_;
    std::chrono::milliseconds max_;
    std::mt19937_64 random_;
    unsigned failures_ = 0;
    Clock::time_point next_attempt_{};
};

}  // namespace tristar::gateway
