#include "gateway/daemon/backoff.h"

#include <algorithm>

namespace tristar::gateway {

Backoff::Backoff(std::chrono::milliseconds min, std::chrono::milliseconds max, std::uint64_t seed)
    : min_(min), max_(std::max(min, max)), random_(seed) {}

void Backoff::failed(Clock::time_point now) {
    const unsigned shift = std::min(failures_, 30u);
    const auto base = std::min<std::int64_t>(min_.count() << shift, max_.count());
    std::uniform_real_distribution<double> jitter(0.5, 1.0);
    const auto wait = std::chrono::milliseconds{
        static_cast<std::int64_t>(static_cast<double>(base) * jitter(random_))};
    next_attempt_ = now + wait;
    ++failures_;
}

void Backoff::succeeded() {
    failures_ = 0;
    next_attempt_ = Clock::time_point{};
}

}  // namespace tristar::gateway
