#include "gateway/daemon/link_scheduler.h"

namespace tristar::gateway {

LinkScheduler::LinkScheduler(LinkTiming timing, std::size_t max_queue_per_client,
                             std::chrono::milliseconds fair_after)
    : timing_(timing),
      queues_(max_queue_per_client, fair_after),
      breaker_(timing.backoff_min, timing.backoff_max, timing.seed) {}

LinkScheduler::Decision LinkScheduler::next(Clock::time_point now) {
    if (busy_ || queues_.empty()) return {};
    fair_share_reads_ += queues_.promote(now);
    // While the breaker is open nothing reaches the device: fail fast rather than queue for
    // the whole backoff. When it ends, the next request is the probe.
    if (circuit_open(now)) return {Action::fail_fast, queues_.next(), {}};
    if (now < ready_at()) return {Action::wait, std::nullopt, ready_at()};
    return {Action::dispatch, queues_.next(), {}};
}

void LinkScheduler::started(Clock::time_point) {
    busy_ = true;
}

void LinkScheduler::finished(const LinkResult& result, Clock::time_point now) {
    busy_ = false;
    last_end_ = now;
    if (result.status == LinkStatus::ok || result.status == LinkStatus::exception) {
        breaker_.succeeded();
        return;
    }
    if (result.status == LinkStatus::timeout || result.status == LinkStatus::corrupt)
        quiet_until_ = now + timing_.recovery_pause;
    // Refused connections, and connections the device accepted and closed before answering
    // anything on them (a TriStar resetting, a comm server restarting), mean the device is
    // away: back off. A kept connection that went stale is only reopened.
    const bool refused = result.status == LinkStatus::unavailable ||
                         (result.status == LinkStatus::closed && result.fresh_connection);
    if (refused) breaker_.failed(now);
}

std::optional<Clock::time_point> LinkScheduler::wake_at(Clock::time_point now) const {
    if (busy_ || queues_.empty()) return std::nullopt;
    if (circuit_open(now)) return now;
    return ready_at();
}

}  // namespace tristar::gateway
