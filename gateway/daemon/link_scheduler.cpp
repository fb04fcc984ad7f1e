#include "gateway/daemon/link_scheduler.h"

#include <algorithm>
#include <iterator>
#include <stdexcept>

namespace tristar::gateway {

LinkScheduler::LinkScheduler(LinkTiming timing, std::size_t max_queue_per_client,
                             std::chrono::milliseconds fair_after, std::size_t devices)
    : timing_(timing), breaker_(timing.backoff_min, timing.backoff_max, timing.seed) {
    if (devices == 0) throw std::invalid_argument("a link serves at least one device");
    units_.reserve(devices);
    for (std::size_t i = 0; i < devices; ++i)
        units_.push_back({Scheduler(max_queue_per_client, fair_after),
                          Backoff(std::min(timing.unit_backoff_min, timing.backoff_max),
                                  timing.backoff_max, timing.seed + i + 1)});
}

std::size_t LinkScheduler::queued() const {
    std::size_t total = 0;
    for (const auto& unit : units_) total += unit.queues.size();
    return total;
}

std::vector<Job> LinkScheduler::expire(Clock::time_point now) {
    std::vector<Job> expired;
    for (auto& unit : units_) {
        auto jobs = unit.queues.expire(now);
        std::move(jobs.begin(), jobs.end(), std::back_inserter(expired));
    }
    return expired;
}

std::optional<Clock::time_point> LinkScheduler::earliest_deadline() const {
    std::optional<Clock::time_point> earliest;
    for (const auto& unit : units_)
        if (const auto deadline = unit.queues.earliest_deadline())
            earliest = earliest ? std::min(*earliest, *deadline) : *deadline;
    return earliest;
}

// The device whose turn it is: round robin from the one after the last served, answering units
// first; a suspect unit (its probe) only when no answering one has work, or when it has waited
// a whole backoff_max past its next attempt.
std::optional<std::size_t> LinkScheduler::pick(Clock::time_point now) const {
    std::optional<std::size_t> probe;
    for (std::size_t step = 1; step <= units_.size(); ++step) {
        const std::size_t i = (turn_ + step) % units_.size();
        const Unit& unit = units_[i];
        if (unit.queues.empty()) continue;
        const bool overdue = now - unit.breaker.next_attempt() >= timing_.backoff_max;
        if (!suspect(i) || overdue) return i;
        if (!probe) probe = i;
    }
    return probe;
}

LinkScheduler::Decision LinkScheduler::next(Clock::time_point now) {
    if (busy_ || queued() == 0) return {};
    for (auto& unit : units_) fair_share_reads_ += unit.queues.promote(now);
    // While a breaker is open nothing reaches that device: fail fast rather than queue for the
    // whole backoff. When it ends, the next request is the probe.
    for (std::size_t i = 0; i < units_.size(); ++i) {
        auto& unit = units_[i];
        if (!unit.queues.empty() && (!breaker_.may_try(now) || unit_open(unit, now)))
            return {Action::fail_fast, unit.queues.next(), {}, i};
    }
    if (now < ready_at()) return {Action::wait, std::nullopt, ready_at()};
    const auto device = pick(now);
    if (!device) return {};
    return {Action::dispatch, units_[*device].queues.next(), {}, *device};
}

void LinkScheduler::started(Clock::time_point, std::size_t device) {
    busy_ = true;
    on_wire_ = device;
    turn_ = device;
}

void LinkScheduler::finished(const LinkResult& result, Clock::time_point now) {
    busy_ = false;
    last_end_ = now;
    Backoff& unit = units_.at(on_wire_).breaker;
    if (result.status == LinkStatus::ok || result.status == LinkStatus::exception) {
        breaker_.succeeded();
        unit.succeeded();
        return;
    }
    if (result.status == LinkStatus::timeout || result.status == LinkStatus::corrupt)
        quiet_until_ = now + timing_.recovery_pause;
    // On a shared link a unit that does not answer is taken off the wire until its probe.
    if (shared() && result.status == LinkStatus::timeout) unit.failed(now);
    // Refused connections, and connections the device accepted and closed before answering
    // anything on them (a TriStar resetting, a comm server restarting), mean the device is
    // away: back off. A kept connection that went stale is only reopened.
    const bool refused = result.status == LinkStatus::unavailable ||
                         (result.status == LinkStatus::closed && result.fresh_connection);
    if (refused) breaker_.failed(now);
}

bool LinkScheduler::circuit_open(Clock::time_point now, std::size_t device) const {
    return !breaker_.may_try(now) || unit_open(units_.at(device), now);
}

Clock::time_point LinkScheduler::next_attempt(std::size_t device) const {
    return std::max(breaker_.next_attempt(),
                    shared() ? units_.at(device).breaker.next_attempt() : Clock::time_point{});
}

std::optional<Clock::time_point> LinkScheduler::wake_at(Clock::time_point now) const {
    if (busy_ || queued() == 0) return std::nullopt;
    for (const auto& unit : units_)
        if (!unit.queues.empty() && (!breaker_.may_try(now) || unit_open(unit, now))) return now;
    return ready_at();
}

}  // namespace tristar::gateway
