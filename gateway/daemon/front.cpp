#include "gateway/daemon/front.h"

#include <spdlog/spdlog.h>

#include "gateway/base/log_limit.h"
#include "gateway/daemon/device_list.h"
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
    timing.unit_backoff_min = std::max(device.backoff_min, device.response_timeout);
    timing.seed = static_cast<std::uint64_t>(Clock::now().time_since_epoch().count());
    return timing;
}

}  // namespace

Front::Front(zmq::context_t& context, const Config& config, std::vector<LinkMailbox*> mailboxes)
    : config_(config),
      router_(context, zmq::socket_type::router),
      watch_(context, router_, connection_bound(config.server.max_connections)),
      admission_(config_, health_.counters,
                 [this](const ClientId& client) { return has_queued(client); }),
      replies_(router_, health_),
      housekeeping_(config_.maintenance.comm_reset_hour, config_.scheduler.default_deadline) {
    const auto groups = group_links(config_.devices);
    if (mailboxes.size() != groups.size())
        throw std::invalid_argument("one mailbox per link is needed");
    const bool named = config_.devices.size() > 1;
    devices_.resize(config_.devices.size());
    for (std::size_t l = 0; l < groups.size(); ++l) {
        const auto& first = config_.devices[groups[l].devices.front()];
        links_.push_back(std::make_unique<ServedLink>(
            groups[l].key, *mailboxes[l],
            LinkScheduler(link_timing(first), config_.scheduler.max_queue_per_client,
                          config_.scheduler.fair_share_after, groups[l].devices.size())));
        links_.back()->devices = groups[l].devices;
        for (std::size_t slot = 0; slot < groups[l].devices.size(); ++slot) {
            const auto index = groups[l].devices[slot];
            devices_[index] =
                std::make_unique<ServedDevice>(config_.devices[index], l, slot, named);
            devices_[index]->wire(*links_.back(), pending_, replies_);
        }
    }
    configure_router(router_, config_.server.max_frame_bytes,
                     config_.scheduler.max_queue_per_client);
    endpoints_ = bind_endpoints(router_, config_);
}

bool Front::run(SignalFd& signals) {
    std::vector<zmq::pollitem_t> items;
    for (;;) {
        items = {{router_.handle(), 0, ZMQ_POLLIN, 0},
                 {nullptr, signals.fd(), ZMQ_POLLIN, 0},
                 {watch_.socket().handle(), 0, ZMQ_POLLIN, 0}};
        for (const auto& link : links_)
            items.push_back({nullptr, link->mailbox.result_fd(), ZMQ_POLLIN, 0});
        zmq::poll(items.data(), items.size(), milliseconds{poll_timeout_ms()});
        if ((items[1].revents & ZMQ_POLLIN) != 0) {
            spdlog::info("[front] signal {}: stopping", signals.read().value_or(0));
            return true;
        }
        for (std::size_t l = 0; l < links_.size(); ++l)
            if ((items[3 + l].revents & ZMQ_POLLIN) != 0 && !on_link_result(*links_[l]))
                return false;
        if ((items[2].revents & ZMQ_POLLIN) != 0) on_connection_events(Clock::now());
        if ((items[0].revents & ZMQ_POLLIN) != 0) on_client_frames();
        run_maintenance();
        housekeeping_.every_minute();
        for (const auto& link : links_) service_link(*link, Clock::now());
    }
}

// Until the earliest of: a queued deadline, the end of a link's gap, pause or backoff, the next
// maintenance.
int Front::poll_timeout_ms() const {
    const auto now = Clock::now();
    std::optional<Clock::time_point> wake;
    const auto earliest = [&wake](std::optional<Clock::time_point> at) {
        if (at) wake = wake ? std::min(*wake, *at) : *at;
    };
    for (const auto& link : links_) {
        earliest(link->scheduler.earliest_deadline());
        earliest(link->scheduler.wake_at(now));
    }
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
    route_by_unit(*pending);
    auto& device = *devices_[pending->device];
    ++device.health.counters.requests;
    pending->span = device.reads->span_of(pending->request);
    if (pending->span &&
        (device.reads->serve_from_cache(*pending, now) ||
         device.reads->join_in_flight(*pending, links_[device.link]->in_flight, next_ticket_)))
        return;
    enqueue(std::move(*pending));
}

// A request that names a unit id of another device on its device's link is that device's: a
// client that addressed units directly (Request.unit) reaches the same cache and queues as one
// that names the device. Any other unit id is sent as asked, on the named device's link.
void Front::route_by_unit(Pending& pending) const {
    const auto unit = pending.request.unit();
    const auto& link = *links_[devices_[pending.device]->link];
    if (unit == 0 || unit == static_cast<std::uint32_t>(devices_[pending.device]->config.unit))
        return;
    for (const auto index : link.devices)
        if (static_cast<std::uint32_t>(devices_[index]->config.unit) == unit)
            pending.device = index;
}

bool Front::has_queued(const ClientId& client) const {
    for (const auto& link : links_)
        for (std::size_t slot = 0; slot < link->scheduler.devices(); ++slot)
            if (link->scheduler.queues(slot).depth(client) > 0) return true;
    return false;
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
    for (const auto& link : links_) {
        for (std::size_t slot = 0; slot < link->scheduler.devices(); ++slot) {
            for (const auto& job : link->scheduler.queues(slot).drop_client(client)) {
                auto it = pending_.find(job.ticket);
                if (it == pending_.end()) continue;
                ++health_.counters.departed_requests;
                if (job.lane == Lane::write && unsent_writes_log().allow())
                    spdlog::info("[write] client '{}' {} -> not executed: the client disconnected",
                                 it->second.request.client_name(),
                                 describe_write(it->second.request));
                pending_.erase(it);
            }
        }
    }
}

void Front::enqueue(Pending pending) {
    const Ticket ticket = next_ticket_++;
    auto& device = *devices_[pending.device];
    Job job{ticket, pending.client, pending.lane, pending.deadline, pending.arrival};
    auto& queues = links_[device.link]->scheduler.queues(device.slot);
    if (queues.submit(std::move(job)) == Scheduler::Admission::busy) {
        ++device.health.counters.busy_rejects;
        return replies_.answer_error(pending, v1::BUSY, "client queue is full");
    }
    pending_.emplace(ticket, std::move(pending));
}

// Expired requests are answered, never sent: with their last try's failure when they had one.
void Front::expire(ServedLink& link, Clock::time_point now) {
    for (const auto& job : link.scheduler.expire(now)) {
        auto it = pending_.find(job.ticket);
        if (it == pending_.end()) continue;
        if (it->second.last_failure) {
            replies_.answer(it->second,
                            *it->second.last_failure);  // its tries failed; no time for another
        } else {
            ++devices_[it->second.device]->health.counters.deadline_misses;
            replies_.answer_error(it->second, v1::DEADLINE_EXCEEDED,
                                  "deadline passed while queued");
        }
        pending_.erase(it);
    }
}

// Expired requests are answered first, then the link gets its next try when it is free and its
// pause has passed; while a breaker is open the requests it holds fail fast.
void Front::service_link(ServedLink& link, Clock::time_point now) {
    expire(link, now);
    for (;;) {
        auto decision = link.scheduler.next(now);
        if (decision.action == LinkScheduler::Action::dispatch)
            return dispatch(link, decision.device, *decision.job, now);
        if (decision.action != LinkScheduler::Action::fail_fast) return;
        fail_fast(link, decision, now);
    }
}

// A request for a device behind an open breaker. A read whose try already failed gets that
// failure; any other request DEVICE_UNAVAILABLE, with when the next attempt is.
void Front::fail_fast(ServedLink& link, const LinkScheduler::Decision& decision,
                      Clock::time_point now) {
    auto it = pending_.find(decision.job->ticket);
    if (it == pending_.end()) return;
    auto& device = *devices_[link.devices[decision.device]];
    if (it->second.last_failure) {
        replies_.answer(it->second, *it->second.last_failure);
    } else {
        const auto wait =
            duration_cast<milliseconds>(link.scheduler.next_attempt(decision.device) - now).count();
        replies_.answer_error(it->second, v1::DEVICE_UNAVAILABLE,
                              device.log_prefix + "device unavailable (" +
                                  device.answering.last_error() + "); next attempt in " +
                                  std::to_string(wait) + " ms");
    }
    pending_.erase(it);
}

void Front::dispatch(ServedLink& link, std::size_t slot, const Job& job, Clock::time_point now) {
    auto& device = *devices_[link.devices[slot]];
    link.in_flight = plan_transaction(device, job.ticket, now);
    link.in_flight->link.seq = job.ticket;
    link.in_flight->started = now;
    link.on_wire = slot;
    if (link.in_flight->link.is_write()) ++device.health.counters.writes;
    link.scheduler.started(now, slot);
    link.mailbox.post(link.in_flight->link);
}

bool Front::on_link_result(ServedLink& link) {
    auto result = link.mailbox.collect();
    if (!result) return true;
    if (result->seq == 0) {
        spdlog::critical("[front] the link worker of {} stopped: exiting", link.key);
        return false;
    }
    const auto now = Clock::now();
    auto& device = *devices_[link.devices[link.on_wire]];
    link.scheduler.finished(*result, now);
    link.info = result->info;
    device.answering.note(*result, link.scheduler.circuit_open(now, device.slot), unix_ms_now());
    note_try(device, *result);
    if (!link.in_flight || link.in_flight->link.seq != result->seq) return true;
    const InFlight done = std::move(*link.in_flight);
    link.in_flight.reset();
    device.health.device_time.add(result->device_us);
    if (result->status == LinkStatus::exception) {
        ++device.health.counters.exceptions;
        ++device.health.counters.exceptions_by_code[result->exception];
    }
    if (result->status == LinkStatus::outcome_unknown) ++device.health.counters.outcome_unknown;
    if (done.span)
        device.reads->finish(done, *result);
    else
        finish_write(device, done, *result);
    return true;
}

void Front::note_try(ServedDevice& device, const LinkResult& result) {
    ++device.tries.transactions;
    if (result.status == LinkStatus::timeout) ++device.tries.timeouts;
    if (result.status == LinkStatus::corrupt) ++device.tries.corrupt;
}

void Front::finish_write(ServedDevice& device, const InFlight& done, const LinkResult& result) {
    if (result.status == LinkStatus::ok || result.status == LinkStatus::outcome_unknown)
        device.planner.wrote(done.link);
    for (auto ticket : done.waiters) {
        auto it = pending_.find(ticket);
        if (it == pending_.end()) continue;
        auto reply = reply_of(it->second.request, result);
        replies_.answer(it->second, reply);
        pending_.erase(it);
    }
}

// The try for the job the scheduler chose: a write as it is; a read as the ReadPath plans it.
InFlight Front::plan_transaction(ServedDevice& device, Ticket ticket, Clock::time_point now) {
    auto& first = pending_.at(ticket);
    device.health.queue_time.add(us_between(first.arrival, Clock::now()));
    if (first.tries++ > 0) ++device.health.counters.retries;
    InFlight plan;
    plan.waiters.push_back(ticket);
    if (!first.span) {
        plan.link = link_request_of(first.request, static_cast<std::uint8_t>(device.config.unit));
        return plan;
    }
    device.reads->plan_read(plan, first, now);
    return plan;
}

// The daily comm-server reset, once per device.
void Front::run_maintenance() {
    auto pending = housekeeping_.maintenance_due();
    if (!pending) return;
    for (std::size_t i = 0; i < devices_.size(); ++i) {
        pending->device = i;
        enqueue(*pending);
    }
}

const char* Front::state_of(const ServedDevice& device, Clock::time_point now) const {
    const auto& link = *links_[device.link];
    if (link.scheduler.circuit_open(now, device.slot)) return "backoff";
    if (link.in_flight && link.on_wire == device.slot && !link.info.connected) return "connecting";
    return device.answering.connected() ? "connected" : "idle";
}

v1::Status Front::status() const {
    const auto now = Clock::now();
    std::vector<DeviceView> devices;
    for (const auto& device : devices_) {
        const auto& link = *links_[device->link];
        devices.push_back({device->config, state_of(*device, now),
                           device->answering.connected_since_unix_ms(), device->health,
                           device->tries, device->failures, device->answering.last_error(),
                           link.scheduler.queues(device->slot).size(), link.key});
    }
    std::vector<LinkView> links;
    for (const auto& link : links_) {
        LinkView view{
            link->key, link->info, link->scheduler.busy(), {}, link->scheduler.fair_share_reads()};
        for (const auto index : link->devices) view.devices.push_back(devices_[index]->config.name);
        links.push_back(std::move(view));
    }
    auto result = make_status({devices, links, now - started_, health_,
                               [this](const ClientId& client) {
                                   std::size_t depth = 0;
                                   for (const auto& link : links_)
                                       for (std::size_t s = 0; s < link->scheduler.devices(); ++s)
                                           depth += link->scheduler.queues(s).depth(client);
                                   return depth;
                               },
                               admission_.clients()});
    result.set_connections(static_cast<std::uint32_t>(watch_.connections()));
    result.set_max_connections(static_cast<std::uint32_t>(watch_.max_connections()));
    return result;
}

}  // namespace tristar::gateway
