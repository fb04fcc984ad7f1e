#pragma once
// LinkScheduler: owns the time of one link (design.md 3.3). It decides, at the moment the link
// is free and its gap or recovery pause has passed, which queued request goes on the wire:
// writes first, then the read lanes, round robin across clients. Deadlines are checked at that
// moment: an expired request is handed back to be answered, never sent. A failed read is tried
// again as a re-queued attempt at the head of its own lane, so a write never waits behind a
// read's retries, only behind the one try on the wire. While the circuit breaker is open
// (the device refused connections or closed them unanswered) requests fail fast.
//
// Several devices on one link (distinct unit ids on one serial line or behind one TCP address):
// each has its own queues and its own unit breaker; the link's time (gap, recovery pause, the
// one try on the wire) and its connection breaker are shared. The link takes turns between its
// devices, round robin. On such a link a timeout opens the device's unit breaker: until its
// backoff ends that device's requests fail fast, then one of them is the probe, sent only when
// no answering device of the link has work waiting (or once it has been passed over for a whole
// backoff_max). So one dead unit costs its own requests a fast failure, not the others' time.
//
// Pure: no I/O, every time-dependent call takes `now`. One per link.
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
    // The first wait before a silent unit of a shared link is probed: at least the response
    // timeout, so a dead unit never holds more than about half of the wire.
    std::chrono::milliseconds unit_backoff_min{1000};
    std::uint64_t seed = 0;  // backoff jitter
};

class LinkScheduler {
  public:
    // fair_after: see Scheduler (the fair-share queue); 0 = strict lanes. `devices` >= 1.
    LinkScheduler(LinkTiming timing, std::size_t max_queue_per_client,
                  std::chrono::milliseconds fair_after = std::chrono::milliseconds{0},
                  std::size_t devices = 1);

    std::size_t devices() const { return units_.size(); }
    Scheduler& queues(std::size_t device = 0) { return units_.at(device).queues; }
    const Scheduler& queues(std::size_t device = 0) const { return units_.at(device).queues; }
    std::size_t queued() const;  // all devices together

    // A request that may be tried again goes back to the head of its lane (see the header).
    void requeue_retry(Job job, Clock::time_point now, std::size_t device = 0) {
        queues(device).submit_front(std::move(job), now);
    }

    enum class Action { idle, wait, dispatch, fail_fast };
    struct Decision {
        Action action = Action::idle;
        std::optional<Job> job;     // dispatch, fail_fast
        Clock::time_point until{};  // wait: when to ask again
        std::size_t device = 0;     // dispatch, fail_fast: whose job
    };
    // Call after expire(now). Reads that have waited fair_after are promoted first. dispatch: put
    // the job on the wire now (then call started); fail_fast: answer it DEVICE_UNAVAILABLE; wait:
    // nothing before `until`; idle: no work.
    Decision next(Clock::time_point now);
    // Every device's expired jobs.
    std::vector<Job> expire(Clock::time_point now);

    void started(Clock::time_point now, std::size_t device = 0);
    // The try of the device passed to started() ended at `now` with `result`: pacing, recovery
    // pause and the breakers follow.
    void finished(const LinkResult& result, Clock::time_point now);
    bool busy() const { return busy_; }

    // Whether a read whose try ended with `status` after `tries` tries may be tried again.
    bool may_retry(LinkStatus status, int tries) const {
        return retryable(status) && tries <= timing_.read_retries;
    }

    // When the loop must wake for the link (a pause or a breaker ending), if it waits.
    std::optional<Clock::time_point> wake_at(Clock::time_point now) const;
    // Whether `device`'s requests fail fast now: the link's breaker or the unit's is open.
    bool circuit_open(Clock::time_point now, std::size_t device = 0) const;
    // When the open breaker that holds `device` lets the next try through.
    Clock::time_point next_attempt(std::size_t device = 0) const;
    // A unit of a shared link that timed out and has not answered since (it is probed).
    bool suspect(std::size_t device) const { return units_.at(device).breaker.failures() > 0; }
    // Earliest deadline of every device's queues.
    std::optional<Clock::time_point> earliest_deadline() const;
    // Reads promoted to the fair-share queue so far: how often a client's read waited
    // fair_after behind other requests.
    std::uint64_t fair_share_reads() const { return fair_share_reads_; }

  private:
    struct Unit {
        Scheduler queues;
        Backoff breaker;  // a unit of a shared link that stopped answering
    };
    Clock::time_point ready_at() const { return std::max(last_end_ + timing_.gap, quiet_until_); }
    bool unit_open(const Unit& unit, Clock::time_point now) const {
        return shared() && !unit.breaker.may_try(now);
    }
    bool shared() const { return units_.size() > 1; }
    std::optional<std::size_t> pick(Clock::time_point now) const;

    LinkTiming timing_;
    std::vector<Unit> units_;
    Backoff breaker_;  // the link's: refused or dropped connections
    bool busy_ = false;
    std::size_t on_wire_ = 0;  // the device of the try on the wire
    std::size_t turn_ = 0;     // the device served last (round robin)
    Clock::time_point last_end_{};
    Clock::time_point quiet_until_{};
    std::uint64_t fair_share_reads_ = 0;
};

}  // namespace tristar::gateway
