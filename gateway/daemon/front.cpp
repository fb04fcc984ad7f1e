#include "gateway/daemon/front.h"

#include <spdlog/spdlog.h>

#include "gateway/base/log_limit.h"
#include "gateway/daemon/elapsed.h"
#include "gateway/daemon/endpoints.h"
#include "gateway/daemon/router_io.h"
#include "gateway/daemon/status.h"
#include "gateway/daemon/translate.h"
#include "gateway/daemon/zap.h"
#include "proto/modbus/framing.h"

namespace tristar::gateway {
namespace {

using std::chrono::duration_cast;
using std::chrono::microseconds;
using std::chrono::milliseconds;

LinkTiming link_timing(const DeviceConfig& device) {
    LinkTiming timing;
    if (const auto* rtu = std::get_if<RtuDevice>(&device.address)) {
        const modbus::SerialFormat format{static_cast<unsigned>(rtu->baud), rtu->parity,
                                          static_cast<unsigned>(rtu->stop_bits),
                                          static_cast<unsigned>(rtu->data_bits)};
        timing.gap = modbus::t3_5(format) + duration_cast<microseconds>(device.rtu_pause);
        timing.recovery_pause = milliseconds{0};  // the worker listens to the line instead
    } else {
        timing.gap = duration_cast<microseconds>(device.tcp_gap);
        timing.recovery_pause = device.recovery_pause;
    }
    timing.read_retries = device.read_retries;
    timing.backoff_min = device.backoff_min;
    timing.backoff_max = device.backoff_max;
    timing.seed = static_cast<std::uint64_t>(Clock::now().time_since_epoch().count());
    return timing;
}

}  // namespace

Front::Front(zmq::context_t& context, const Config& config, LinkMailbox& mailbox)
    : config_(config),
      router_(context, zmq::socket_type::router),
      mailbox_(mailbox),
      watch_(context, router_, connection_bound(config.server.max_connections)),
      link_(link_timing(config_.device), config_.scheduler.max_queue_per_client,
            config_.scheduler.fair_share_after),
      link_health_(config_.device.read_retries),
      admission_(config_, health_.counters, link_.queues()),
      planner_(tristar_device_profile(), resolved_read_ahead(config_.device),
               config_.device.read_ahead_reprobe),
      replies_(router_, health_),
      reads_({config_, planner_, link_, health_, failures_, pending_, replies_}),
      housekeeping_(config_.maintenance.comm_reset_hour, config_.scheduler.default_deadline) {
    configure_router(router_, config_.server.max_frame_bytes,
                     config_.scheduler.max_queue_per_client);
    endpoints_ = bind_endpoints(router_, config_);
}

bool Front::run(SignalFd& signals) {
    for (;;) {
        zmq::pollitem_t items[] = {{router_.handle(), 0, ZMQ_POLLIN, 0},
                                   {nullptr, mailbox_.result_fd(), ZMQ_POLLIN, 0},
                                   {nullptr, signals.fd(), ZMQ_POLLIN, 0},
                                   {watch_.socket().handle(), 0, ZMQ_POLLIN, 0}};
        zmq::poll(items, 4, milliseconds{poll_timeout_ms()});
        if ((items[2].revents & ZMQ_POLLIN) != 0) {
            spdlog::info("[front] signal {}: stopping", signals.read().value_or(0));
            return true;
        }
        if ((items[1].revents & ZMQ_POLLIN) != 0 && !on_link_result()) return false;
        if ((items[3].revents & ZMQ_POLLIN) != 0) on_connection_events(Clock::now());
        if ((items[0].revents & ZMQ_POLLIN) != 0) on_client_frames();
        run_maintenance();
        housekeeping_.every_minute();
        service_link(Clock::now());
    }
}

// Until the earliest of: a queued deadline, the end of the link's gap, pause or backoff, the
// next maintenance.
int Front::poll_timeout_ms() const {
    const auto now = Clock::now();
    std::optional<Clock::time_point> wake = link_.queues().earliest_deadline();
    if (const auto link = link_.wake_at(now)) wake = wake ? std::min(*wake, *link) : *link;
    const int maintenance = housekeeping_.timeout_ms();
    if (!wake) return maintenance;
    const auto left = duration_cast<microseconds>(*wake - now).count();
    const int ms = static_cast<int>(std::clamp<std::int64_t>((left + 999) / 1000, 0, 60'000));
    return maintenance < 0 ? ms : std::min(ms, maintenance);
}

// Drains the ROUTER: every message is [routing frames...][payload], bounded as a whole.
void Front::on_client_frames() {
    const auto limit = message_limit(config_.server.max_frame_bytes);
    for (int budget = 0; budget < 1000; ++budget) {
        // Connection events first: a message then meets its fd's current owner
        // (connection_watch.h).
        on_connection_events(Clock::now());
        auto received = receive_bounded(router_, limit);
        if (received.oversize) {
            ++health_.counters.oversize_messages;
            spdlog::debug("[front] dropped a message over {} bytes", limit);
            continue;
        }
        if (!received.message) return;
        watch_.spoke(received.message->fd, received.message->envelope.front(), Clock::now());
        admit(std::move(received.message->envelope), received.message->payload);
    }
}

void Front::admit(std::vector<std::string> envelope, const zmq::message_t& payload) {
    const auto now = Clock::now();
    const auto bytes = std::span(static_cast<const std::uint8_t*>(payload.data()), payload.size());
    auto verdict = admission_.admit(envelope, bytes, now, authenticated_as(payload));
    if (auto* reply = std::get_if<v1::Reply>(&verdict)) return replies_.send(envelope, *reply);
    if (std::holds_alternative<Admission::StatusWanted>(verdict)) {
        v1::Reply reply;
        reply.set_id(std::get<Admission::StatusWanted>(verdict).id);
        *reply.mutable_status() = status();
        return replies_.send(envelope, reply);
    }
    auto* pending = std::get_if<Pending>(&verdict);
    if (pending == nullptr) return;
    pending->span = reads_.span_of(pending->request);
    if (pending->span && (reads_.serve_from_cache(*pending, now) ||
                          reads_.join_in_flight(*pending, in_flight_, next_ticket_)))
        return;
    enqueue(std::move(*pending));
}

void Front::on_connection_events(Clock::time_point now) {
    auto events = watch_.drain(now);
    if (events.evicted > 0) {
        health_.counters.evicted_connections += events.evicted;
        spdlog::debug("[front] closed {} silent connection(s): {} is the most allowed",
                      events.evicted, watch_.max_connections());
    }
    for (const auto& client : events.departed) drop_departed(client);
}

// A client whose connection closed gets no replies: what it still had queued is dropped, never
// sent. A write it queued is not executed (it is logged, like every write).
void Front::drop_departed(const ClientId& client) {
    for (const auto& job : link_.queues().drop_client(client)) {
        auto it = pending_.find(job.ticket);
        if (it == pending_.end()) continue;
        ++health_.counters.departed_requests;
        if (job.lane == Lane::write && unsent_writes_log().allow())
            spdlog::info("[write] client '{}' {} -> not executed: the client disconnected",
                         it->second.request.client_name(), describe_write(it->second.request));
        pending_.erase(it);
    }
}

void Front::enqueue(Pending pending) {
    const Ticket ticket = next_ticket_++;
    Job job{ticket, pending.client, pending.lane, pending.deadline, pending.arrival};
    if (link_.queues().submit(std::move(job)) == Scheduler::Admission::busy) {
        ++health_.counters.busy_rejects;
        return replies_.answer_error(pending, v1::BUSY, "client queue is full");
    }
    pending_.emplace(ticket, std::move(pending));
}

// Expired requests are answered first (never sent), then the link gets its next try when it is
// free and its pause has passed; while the breaker is open every queued request fails fast.
void Front::service_link(Clock::time_point now) {
    for (const auto& job : link_.expire(now)) {
        auto it = pending_.find(job.ticket);
        if (it == pending_.end()) continue;
        if (it->second.last_failure) {
            replies_.answer(it->second,
                            *it->second.last_failure);  // its tries failed; no time for another
        } else {
            ++health_.counters.deadline_misses;
            replies_.answer_error(it->second, v1::DEADLINE_EXCEEDED,
                                  "deadline passed while queued");
        }
        pending_.erase(it);
    }
    for (;;) {
        auto decision = link_.next(now);
        if (decision.action == LinkScheduler::Action::dispatch) return dispatch(*decision.job, now);
        if (decision.action != LinkScheduler::Action::fail_fast) return;
        auto it = pending_.find(decision.job->ticket);
        if (it == pending_.end()) continue;
        const auto wait = duration_cast<milliseconds>(link_.next_attempt() - now).count();
        replies_.answer_error(it->second, v1::DEVICE_UNAVAILABLE,
                              "device unavailable (" + link_health_.last_error() +
                                  "); next attempt in " + std::to_string(wait) + " ms");
        pending_.erase(it);
    }
}

void Front::dispatch(const Job& job, Clock::time_point now) {
    in_flight_ = plan_transaction(job.ticket, now);
    in_flight_->link.seq = job.ticket;
    in_flight_->started = now;
    if (in_flight_->link.is_write()) ++health_.counters.writes;
    link_.started(now);
    mailbox_.post(in_flight_->link);
}

bool Front::on_link_result() {
    auto result = mailbox_.collect();
    if (!result) return true;
    if (result->seq == 0) {
        spdlog::critical("[front] the link worker stopped: exiting");
        return false;
    }
    const auto now = Clock::now();
    link_.finished(*result, now);
    link_health_.note(*result, link_.circuit_open(now), unix_ms_now());
    if (!in_flight_ || in_flight_->link.seq != result->seq) return true;
    const InFlight done = std::move(*in_flight_);
    in_flight_.reset();
    health_.device_time.add(result->device_us);
    if (result->status == LinkStatus::exception) {
        ++health_.counters.exceptions;
        ++health_.counters.exceptions_by_code[result->exception];
    }
    if (result->status == LinkStatus::outcome_unknown) ++health_.counters.outcome_unknown;
    if (done.span)
        reads_.finish(done, *result);
    else
        finish_write(done, *result);
    return true;
}

void Front::finish_write(const InFlight& done, const LinkResult& result) {
    if (result.status == LinkStatus::ok || result.status == LinkStatus::outcome_unknown)
        planner_.wrote(done.link);
    for (auto ticket : done.waiters) {
        auto it = pending_.find(ticket);
        if (it == pending_.end()) continue;
        auto reply = reply_of(it->second.request, result);
        replies_.answer(it->second, reply);
        pending_.erase(it);
    }
}

// The try for the job the scheduler chose: a write as it is; a read as the ReadPath plans it.
InFlight Front::plan_transaction(Ticket ticket, Clock::time_point now) {
    auto& first = pending_.at(ticket);
    health_.queue_time.add(us_between(first.arrival, Clock::now()));
    if (first.tries++ > 0) ++health_.counters.retries;
    InFlight plan;
    plan.waiters.push_back(ticket);
    if (!first.span) {
        plan.link = link_request_of(first.request, static_cast<std::uint8_t>(config_.device.unit));
        return plan;
    }
    reads_.plan_read(plan, first, now);
    return plan;
}

void Front::run_maintenance() {
    if (auto pending = housekeeping_.maintenance_due()) enqueue(std::move(*pending));
}

v1::Status Front::status() const {
    const auto now = Clock::now();
    const char* state = link_.circuit_open(now)                        ? "backoff"
                        : in_flight_ && !link_health_.info().connected ? "connecting"
                        : link_health_.connected()                     ? "connected"
                                                                       : "idle";
    auto result =
        make_status({config_, link_health_.info(), state, link_health_.connected_since_unix_ms(),
                     now - started_, health_, link_.queues(), admission_.clients(), failures_,
                     link_health_.last_error()});
    result.mutable_counters()->set_fair_share_reads(link_.fair_share_reads());
    result.set_connections(static_cast<std::uint32_t>(watch_.connections()));
    result.set_max_connections(static_cast<std::uint32_t>(watch_.max_connections()));
    return result;
}

}  // namespace tristar::gateway
