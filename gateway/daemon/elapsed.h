#pragma once
// Elapsed time as the status and the replies report it: microseconds between two steady-clock
// points (never negative) and the wall clock in Unix milliseconds.
#include <algorithm>
#include <chrono>
#include <cstdint>

#include "gateway/daemon/scheduler.h"

namespace tristar::gateway {

// Microseconds from `from` to `to`, 0 if `to` is earlier.
inline std::uint64_t us_between(Clock::time_point from, Clock::time_point to) {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(to - from).count();
    return static_cast<std::uint64_t>(std::max<std::int64_t>(0, us));
}

inline std::int64_t unix_ms_now() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace tristar::gateway
