#pragma once
// LinkScheduler: owns the time of one link (design.md 3.3). It decides, at the moment the link
// is free and its gap or recovery pause has passed, which queued request goes on the wire:
// writes first, then the read lanes, round robin across clients. Deadlines are checked at that
// moment: an expired request is handed back to be answered, never sent. A failed read is tried
// again as a re-queued attempt at the head of its own lane, so a write never waits behind a
// read's retries, only behind the one try on the wire. While the circuit breaker is open
// (the device refused connections or closed them unanswered) requests fail fast.
//
// Pure: no I/O, every time-dependent call takes `now`. One per link; the queues and the
// breaker are per device (one device per link today).
#include <chrono>
#include <optional>
#include <vector>

#include "gateway/daemon/backoff.h"
#include "gateway/daemon/link_types.h"
#include "gateway/daemon/scheduler.h"

namespace tristar::gateway {

struct LinkTiming {
    std::chrono::microseconds gap{0};  // between the end of a try and the next (TCP gap; t3.5)
    // Quiet time after a timeout or a corrupt reply, kept by the scheduler (TCP). On a serial
    // line the worker spends it listening to the line instead, so it is 0 here.
    std::chrono::milliseconds recovery_pause{0};
    int read_retries = 2;  // extra tries of a read
    std::chrono::milliseconds backoff_min{100};
    std::chrono::milliseconds backoff_max{30000};
    std::uint64_t seed = 0;  // backoff jitter
};

class LinkScheduler {
  public:
    // fair_after: see Scheduler (the fair-share queue); 0 = strict lanes.
    LinkScheduler(LinkTiming timing, std::size_t max_queue_per_client,
                  std::chrono::milliseconds fair_after = std::chrono::milliseconds{0});

    Scheduler& queues() { return queues_; }
    const Scheduler& queues() const { return queues_; }

    // A request that may be tried again goes back to the head of its lane (see the header).
    void requeue_retry(Job job, Clock::time_point now) {
        queues_.submit_front(std::move(job), now);
    }

    enum class Action { idle, wait, dispatch, fail_fast };
    struct Decision {
        Action action = Action::idle;
        std::optional<Job> job;     // dispatch, fail_fast
        Clock::time_point until{};  // wait: when to ask again
    };
    // Call after expire(now). Reads that have waited fair_after are promoted first. dispatch: put
    // the job on the wire now (then call started); fail_fast: answer it DEVICE_UNAVAILABLE; wait:
    // nothing before `until`; idle: no work.
    Decision next(Clock::time_point now);
    std::vector<Job> expire(Clock::time_point now) { return queues_.expire(now); }

    void started(Clock::time_point now);
    // The try ended at `now` with `result`: pacing, recovery pause and the breaker follow.
    void finished(const LinkResult& result, Clock::time_point now);
    bool busy() const { return busy_; }

    // Whether a read whose try ended with `status` after `tries` tries may be tried again.
    bool may_retry(LinkStatus status, int tries) const {
        return retryable(status) && tries <= timing_.read_retries;
    }

    // When the loop must wake for the link (a pause or the breaker ending), if it waits.
    std::optional<Clock::time_point> wake_at(Clock::time_point now) const;
    bool circuit_open(Clock::time_point now) const { return !breaker_.may_try(now); }
    Clock::time_point next_attempt() const { return breaker_.next_attempt(); }
    // Reads promoted to the fair-share queue so far: how often a client's read waited
    // fair_after behind other requests.
    std::uint64_t fair_share_reads() const { return fair_share_reads_; }

  private:
    Clock::time_point ready_at() const { return std::max(last_end_ + timing_.gap, quiet_until_); }

    LinkTiming timing_;
    Scheduler queues_;
    Backoff breaker_;
    bool busy_ = false;
    Clock::time_point last_end_{};
    Clock::time_point quiet_until_{};
    std::uint64_t fair_share_reads_ = 0;
};

}  // namespace tristar::gateway
