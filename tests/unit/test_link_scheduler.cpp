// The link's time (LinkScheduler): writes get the link as soon as its gap or recovery pause
// ends, retries go to the head of their own lane, deadlines are checked when the link is free,
// and an open breaker fails requests fast.
#include <doctest/doctest.h>

#include "gateway/daemon/link_scheduler.h"
#include "gateway/daemon/status.h"

namespace tristar::gateway {
namespace {

using namespace std::chrono_literals;
const Clock::time_point t0 = Clock::time_point{} + 1h;

LinkTiming tcp_timing() {
    LinkTiming timing;
    timing.gap = 50ms;
    timing.recovery_pause = 500ms;
    timing.read_retries = 2;
    timing.backoff_min = 100ms;
    timing.backoff_max = 1000ms;
    return timing;
}

Job job(Ticket ticket, const char* client, Lane lane, Clock::time_point deadline = t0 + 10s) {
    return Job{ticket, client, lane, deadline};
}

LinkResult result(LinkStatus status, bool fresh = false) {
    LinkResult r;
    r.status = status;
    r.fresh_connection = fresh;
    return r;
}

}  // namespace

TEST_CASE("a write issued during a swallowed read goes first once the recovery pause ends") {
    LinkScheduler link(tcp_timing(), 64);
    link.queues().submit(job(1, "reader", Lane::interactive));
    auto d = link.next(t0);
    REQUIRE(d.action == LinkScheduler::Action::dispatch);
    link.started(t0);
    link.queues().submit(job(2, "writer", Lane::write));  // 0.3 s later
    CHECK(link.next(t0 + 300ms).action ==
          LinkScheduler::Action::idle);  // busy: one try on the wire
    const auto end = t0 + 1s;            // the read timed out
    link.finished(result(LinkStatus::timeout), end);
    REQUIRE(link.may_retry(LinkStatus::timeout, 1));
    link.requeue_retry(*d.job, end);
    d = link.next(end + 100ms);
    CHECK(d.action == LinkScheduler::Action::wait);
    CHECK(d.until == end + 500ms);
    CHECK(link.wake_at(end) == end + 500ms);
    d = link.next(end + 500ms);
    REQUIRE(d.action == LinkScheduler::Action::dispatch);
    CHECK(d.job->ticket == 2);  // the write, not the read's retry
    link.started(end + 500ms);
    link.finished(result(LinkStatus::ok), end + 520ms);
    d = link.next(end + 570ms);
    REQUIRE(d.action == LinkScheduler::Action::dispatch);
    CHECK(d.job->ticket == 1);
}

TEST_CASE(
    "the gap is kept between tries; a request whose deadline passes meanwhile is never sent") {
    LinkScheduler link(tcp_timing(), 64);
    link.queues().submit(job(1, "a", Lane::poll));
    link.started(t0);
    link.queues().next();
    link.finished(result(LinkStatus::ok), t0 + 20ms);
    link.queues().submit(job(2, "b", Lane::poll, t0 + 40ms));
    CHECK(link.next(t0 + 30ms).action == LinkScheduler::Action::wait);
    const auto expired = link.expire(t0 + 70ms);
    REQUIRE(expired.size() == 1);
    CHECK(expired[0].ticket == 2);
    CHECK(link.next(t0 + 70ms).action == LinkScheduler::Action::idle);
}

TEST_CASE("a retry goes to the head of its lane, ahead of its own and others' queued reads") {
    LinkScheduler link(tcp_timing(), 64);
    link.queues().submit(job(1, "a", Lane::poll));
    link.queues().submit(job(2, "b", Lane::poll));
    link.queues().submit(job(3, "a", Lane::poll));
    auto first = link.next(t0);
    REQUIRE(first.job->ticket == 1);
    link.started(t0);
    link.finished(result(LinkStatus::corrupt), t0 + 10ms);
    link.requeue_retry(*first.job, t0 + 10ms);
    const auto d = link.next(t0 + 10ms + 500ms);
    REQUIRE(d.action == LinkScheduler::Action::dispatch);
    CHECK(d.job->ticket == 1);
}

TEST_CASE("reads are tried 1 + read_retries times, and only for failures worth another try") {
    LinkScheduler link(tcp_timing(), 64);
    CHECK(link.may_retry(LinkStatus::timeout, 1));
    CHECK(link.may_retry(LinkStatus::corrupt, 2));
    CHECK_FALSE(link.may_retry(LinkStatus::timeout, 3));
    CHECK(link.may_retry(LinkStatus::closed, 1));
    CHECK_FALSE(link.may_retry(LinkStatus::exception, 1));
    CHECK_FALSE(link.may_retry(LinkStatus::unavailable, 1));
    CHECK_FALSE(link.may_retry(LinkStatus::outcome_unknown, 1));
}

TEST_CASE(
    "refused or unanswered connections open the breaker: requests fail fast until the probe") {
    LinkScheduler link(tcp_timing(), 64);
    link.queues().submit(job(1, "a", Lane::interactive));
    link.next(t0);
    link.started(t0);
    link.finished(result(LinkStatus::closed, true), t0 + 5ms);  // accepted, closed unanswered
    CHECK(link.circuit_open(t0 + 6ms));
    link.queues().submit(job(2, "a", Lane::interactive));
    link.queues().submit(job(3, "w", Lane::write));
    auto d = link.next(t0 + 6ms);
    CHECK(d.action == LinkScheduler::Action::fail_fast);
    CHECK(d.job->ticket == 3);
    CHECK(link.next(t0 + 6ms).action == LinkScheduler::Action::fail_fast);
    CHECK(link.next(t0 + 6ms).action == LinkScheduler::Action::idle);
    link.queues().submit(job(4, "a", Lane::interactive));
    d = link.next(link.next_attempt());
    CHECK(d.action == LinkScheduler::Action::dispatch);  // the probe
    link.started(link.next_attempt());
    link.finished(result(LinkStatus::ok), link.next_attempt() + 1ms);
    CHECK_FALSE(link.circuit_open(t0 + 2s));
}

TEST_CASE("a kept connection that went stale is reopened, not taken for an outage") {
    LinkScheduler link(tcp_timing(), 64);
    link.started(t0);
    link.finished(result(LinkStatus::closed, false), t0 + 5ms);
    CHECK_FALSE(link.circuit_open(t0 + 6ms));
    link.finished(result(LinkStatus::unavailable), t0 + 10ms);
    CHECK(link.circuit_open(t0 + 11ms));
}

TEST_CASE("on a serial line the recovery pause is the worker's: only t3.5 is kept here") {
    LinkTiming timing = tcp_timing();
    timing.gap = 4ms;
    timing.recovery_pause = 0ms;
    LinkScheduler link(timing, 64);
    link.queues().submit(job(1, "a", Lane::interactive));
    link.next(t0);
    link.started(t0);
    link.finished(result(LinkStatus::timeout), t0 + 1500ms);
    link.queues().submit(job(2, "a", Lane::interactive));
    CHECK(link.next(t0 + 1503ms).action == LinkScheduler::Action::wait);
    CHECK(link.next(t0 + 1504ms).action == LinkScheduler::Action::dispatch);
}

TEST_CASE("read budget: every try with its gap, and the recovery pauses between them") {
    DeviceConfig device;  // the defaults: 3 tries of 1000 ms, 50 ms gap, 2 pauses of 500 ms
    CHECK(read_budget(device) == 4150ms);
    device.read_retries = 0;
    CHECK(read_budget(device) == 1050ms);
    device.address = RtuDevice{};
    device.read_retries = 2;
    device.rtu_pause = 10ms;
    CHECK(read_budget(device) == 3 * 1010ms + 2 * 500ms);
}

// Several devices on one link (distinct unit ids on one serial line).

namespace {

LinkTiming rtu_timing() {
    LinkTiming timing = tcp_timing();
    timing.gap = 4ms;
    timing.recovery_pause = 0ms;
    return timing;
}

// Runs the try the scheduler picks to its end with `status`; returns the device it was for.
std::size_t run_next(LinkScheduler& link, Clock::time_point at, LinkStatus status) {
    auto d = link.next(at);
    REQUIRE(d.action == LinkScheduler::Action::dispatch);
    link.started(at, d.device);
    link.finished(result(status), at + 10ms);
    return d.device;
}

}  // namespace

TEST_CASE("a shared link takes turns between its devices, round robin") {
    LinkScheduler link(rtu_timing(), 64, 0ms, 3);
    for (Ticket t = 1; t <= 3; ++t) {
        link.queues(0).submit(job(t, "a", Lane::poll));
        link.queues(1).submit(job(10 + t, "a", Lane::poll));
        link.queues(2).submit(job(20 + t, "a", Lane::poll));
    }
    CHECK(link.queued() == 9);
    std::vector<std::size_t> order;
    auto at = t0;
    for (int i = 0; i < 6; ++i, at += 20ms) order.push_back(run_next(link, at, LinkStatus::ok));
    CHECK(order == std::vector<std::size_t>{1, 2, 0, 1, 2, 0});
}

TEST_CASE("a device of a shared link that times out fails fast; the others keep the wire") {
    LinkScheduler link(rtu_timing(), 64, 0ms, 2);
    link.queues(1).submit(job(1, "a", Lane::poll));
    REQUIRE(run_next(link, t0, LinkStatus::timeout) == 1);
    const auto after = t0 + 20ms;
    CHECK(link.circuit_open(after, 1));
    CHECK_FALSE(link.circuit_open(after, 0));
    CHECK(link.suspect(1));
    link.queues(1).submit(job(2, "a", Lane::poll));
    link.queues(0).submit(job(3, "a", Lane::poll));
    auto d = link.next(after);
    CHECK(d.action == LinkScheduler::Action::fail_fast);
    CHECK(d.device == 1);
    CHECK(d.job->ticket == 2);
    d = link.next(after);
    REQUIRE(d.action == LinkScheduler::Action::dispatch);
    CHECK(d.device == 0);
}

TEST_CASE("the probe of a silent unit waits behind the answering units' work") {
    LinkScheduler link(rtu_timing(), 64, 0ms, 2);
    link.queues(1).submit(job(1, "a", Lane::poll));
    run_next(link, t0, LinkStatus::timeout);
    const auto probe_time = link.next_attempt(1);
    link.queues(1).submit(job(2, "a", Lane::interactive));
    link.queues(0).submit(job(3, "a", Lane::background));
    link.queues(0).submit(job(4, "a", Lane::background));
    // Its backoff has ended, but unit 0 has work: unit 0 first, whatever the lanes.
    CHECK(run_next(link, probe_time, LinkStatus::ok) == 0);
    CHECK(run_next(link, probe_time + 20ms, LinkStatus::ok) == 0);
    // Now the probe; it answers and the unit is back in the rotation.
    CHECK(run_next(link, probe_time + 40ms, LinkStatus::ok) == 1);
    CHECK_FALSE(link.suspect(1));
    CHECK_FALSE(link.circuit_open(probe_time + 60ms, 1));
}

TEST_CASE("a silent unit passed over for a whole backoff_max is probed in its turn") {
    LinkScheduler link(rtu_timing(), 64, 0ms, 2);
    link.queues(1).submit(job(1, "a", Lane::poll));
    run_next(link, t0, LinkStatus::timeout);
    const auto overdue = link.next_attempt(1) + tcp_timing().backoff_max;
    link.queues(1).submit(job(2, "a", Lane::poll, overdue + 10s));
    link.queues(0).submit(job(3, "a", Lane::poll, overdue + 10s));
    link.queues(0).submit(job(4, "a", Lane::poll, overdue + 10s));
    // The last try was unit 1's: unit 0 has its turn, then unit 1's probe, although unit 0
    // still has work.
    CHECK(run_next(link, overdue, LinkStatus::ok) == 0);
    CHECK(run_next(link, overdue + 20ms, LinkStatus::ok) == 1);
}

TEST_CASE("on a link of one device a timeout is retried, never a fast failure") {
    LinkScheduler link(rtu_timing(), 64);
    link.queues().submit(job(1, "a", Lane::poll));
    run_next(link, t0, LinkStatus::timeout);
    CHECK_FALSE(link.circuit_open(t0 + 20ms));
    CHECK_FALSE(link.suspect(0));
}

TEST_CASE("a refused connection holds every device of the link") {
    LinkScheduler link(tcp_timing(), 64, 0ms, 2);
    link.queues(0).submit(job(1, "a", Lane::poll));
    run_next(link, t0, LinkStatus::unavailable);
    CHECK(link.circuit_open(t0 + 20ms, 0));
    CHECK(link.circuit_open(t0 + 20ms, 1));
}

}  // namespace tristar::gateway
