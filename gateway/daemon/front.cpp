#include "gateway/daemon/front.h"

#include <sys/signalfd.h>
#include <unistd.h>

#include <cstring>

#include <spdlog/spdlog.h>

#include "gateway/daemon/endpoints.h"
#include "gateway/daemon/link_worker.h"

namespace tristar::gateway {
namespace {

using std::chrono::duration_cast;
using std::chrono::microseconds;

std::uint64_t us_between(Clock::time_point from, Clock::time_point to) {
    return static_cast<std::uint64_t>(std::max<std::int64_t>(0, duration_cast<microseconds>(to - from).count()));
}

// Bounded memory for per-client figures: clients come and go (every ctl run is a new one).
constexpr std::size_t max_remembered_clients = 256;
constexpr std::int64_t hard_frame_limit = 1 << 20;

// "auto" read-ahead: whole blocks on TCP, where a bigger reply costs nothing; only small reads
// on a serial line, where every register costs 2.3 ms at 9600 baud.
ReadAhead resolved_read_ahead(const DeviceConfig& device) {
    if (device.read_ahead != ReadAhead::automatic) return device.read_ahead;
    return std::holds_alternative<RtuDevice>(device.address) ? ReadAhead::small : ReadAhead::block;
}

}  // namespace

Front::Front(zmq::context_t& context, const Config& config, const std::string& link_endpoint)
    : config_(config),
      limits_{static_cast<std::uint32_t>(config.scheduler.max_deadline.count())},
      router_(context, zmq::socket_type::router),
      link_(context, zmq::socket_type::pair),
      scheduler_(config.scheduler.max_queue_per_client),
      profile_(tristar_device_profile()),
      write_policy_(config.write_policy),
      maintenance_(config.maintenance.comm_reset_hour),
      next_maintenance_(maintenance_.next_after(std::chrono::system_clock::now())),
      read_ahead_(resolved_read_ahead(config.device)) {
    router_.set(zmq::sockopt::linger, 0);
    // ZeroMQ disconnects a peer whose message exceeds this; frames between max_frame_bytes and
    // it get a proper INVALID_REQUEST instead.
    router_.set(zmq::sockopt::maxmsgsize, hard_frame_limit);
    for (const auto& endpoint : config.server.endpoints)
        endpoints_.push_back(bind_endpoint(router_, endpoint));
    link_.set(zmq::sockopt::linger, 0);
    link_.bind(link_endpoint);
}

bool Front::run(int signal_fd) {
    for (;;) {
        zmq::pollitem_t items[] = {{router_.handle(), 0, ZMQ_POLLIN, 0},
                                   {link_.handle(), 0, ZMQ_POLLIN, 0},
                                   {nullptr, signal_fd, ZMQ_POLLIN, 0}};
        zmq::poll(items, 3, std::chrono::milliseconds{poll_timeout_ms()});
        if ((items[2].revents & ZMQ_POLLIN) != 0) {
            signalfd_siginfo info{};
            [[maybe_unused]] auto n = ::read(signal_fd, &info, sizeof info);
            spdlog::info("[front] signal {}: stopping", info.ssi_signo);
            return true;
        }
        if ((items[1].revents & ZMQ_POLLIN) != 0 && !on_link_result()) return false;
        if ((items[0].revents & ZMQ_POLLIN) != 0) on_client_frames();
        run_maintenance();
        expire(Clock::now());
        dispatch();
    }
}

void Front::stop_link() { LinkWorker::send_stop(link_); }

int Front::poll_timeout_ms() const {
    const auto deadline = scheduler_.earliest_deadline();
    const int maintenance = maintenance_timeout_ms();
    if (!deadline) return maintenance;
    const auto left = duration_cast<std::chrono::milliseconds>(*deadline - Clock::now()).count();
    const int queue = static_cast<int>(std::clamp<std::int64_t>(left + 1, 0, 60'000));
    return maintenance < 0 ? queue : std::min(queue, maintenance);
}

// Drains the ROUTER: every message is [routing frames...][payload].
void Front::on_client_frames() {
    for (int budget = 0; budget < 1000; ++budget) {
        std::vector<std::string> envelope;
        zmq::message_t frame;
        if (!router_.recv(frame, zmq::recv_flags::dontwait)) return;
        while (frame.more()) {
            envelope.push_back(frame.to_string());
            if (!router_.recv(frame)) return;
        }
        if (envelope.empty()) continue;  // cannot happen on a ROUTER; nothing to answer to
        admit(std::move(envelope), frame);
    }
}

void Front::admit(std::vector<std::string> envelope, const zmq::message_t& payload) {
    const auto now = Clock::now();
    Pending pending{std::move(envelope), {}, {}, now, Lane::interactive, now, std::nullopt};
    pending.client = pending.envelope.front();
    ++health_.counters.requests;
    if (!pending.request.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
        ++health_.counters.invalid_requests;
        spdlog::debug("[front] dropped a frame that is not a Request ({} bytes)", payload.size());
        return;
    }
    // Parsed first (under ZeroMQ's hard limit) only so that the refusal can carry the id.
    if (payload.size() > config_.server.max_frame_bytes) {
        ++health_.counters.invalid_requests;
        return answer_error(pending, v1::INVALID_REQUEST,
                            "frame of " + std::to_string(payload.size()) +
                                " bytes is over the limit of " +
                                std::to_string(config_.server.max_frame_bytes));
    }
    note_client(pending.client, pending.request.client_name(), now);
    if (auto problem = validate(pending.request, limits_)) {
        ++health_.counters.invalid_requests;
        return answer_error(pending, v1::INVALID_REQUEST, *problem);
    }
    if (auto refusal = write_policy_.refuse(pending.request)) {
        ++health_.counters.refused_writes;
        return answer_error(pending, v1::WRITE_DENIED, *refusal);
    }
    if (pending.request.has_status()) {
        v1::Reply reply;
        reply.set_id(pending.request.id());
        *reply.mutable_status() = status();
        return send_reply(pending.envelope, reply);
    }
    const auto wait = pending.request.deadline_ms() == 0
                          ? config_.scheduler.default_deadline
                          : std::chrono::milliseconds{pending.request.deadline_ms()};
    pending.lane = lane_of(pending.request);
    pending.deadline = now + wait;
    pending.span = span_of(pending.request);
    if (pending.span && (serve_from_cache(pending, now) || join_in_flight(pending))) return;
    enqueue(std::move(pending), now);
}

void Front::enqueue(Pending pending, Clock::time_point now) {
    const Ticket ticket = next_ticket_++;
    Job job{ticket, pending.client, pending.lane, pending.deadline};
    if (scheduler_.submit(std::move(job)) == Scheduler::Admission::busy) {
        ++health_.counters.busy_rejects;
        return answer_error(pending, v1::BUSY, "client queue is full");
    }
    (void)now;
    pending_.emplace(ticket, std::move(pending));
}

bool Front::on_link_result() {
    zmq::message_t message;
    if (!link_.recv(message, zmq::recv_flags::dontwait)) return true;
    if (message.size() != sizeof(LinkResult)) {
        spdlog::critical("[front] the link worker stopped: exiting");
        return false;
    }
    LinkResult result;
    std::memcpy(&result, message.data(), sizeof result);
    link_info_ = result.info;
    if (!in_flight_ || in_flight_->link.seq != result.seq) return true;
    const InFlight done = std::move(*in_flight_);
    in_flight_.reset();
    health_.device_time.add(result.device_us);
    if (result.status != LinkStatus::ok) last_error_ = result.error.data();
    if (result.status == LinkStatus::exception) {
        ++health_.counters.exceptions;
        ++health_.counters.exceptions_by_code[result.exception];
    }
    if (result.status == LinkStatus::outcome_unknown) ++health_.counters.outcome_unknown;
    if (done.span) finish_read(done, result);
    else finish_write(done, result);
    return true;
}

void Front::expire(Clock::time_point now) {
    for (const auto& job : scheduler_.expire(now)) {
        auto it = pending_.find(job.ticket);
        if (it == pending_.end()) continue;
        ++health_.counters.deadline_misses;
        answer_error(it->second, v1::DEADLINE_EXCEEDED, "deadline passed while queued");
        pending_.erase(it);
    }
}

void Front::dispatch() {
    if (in_flight_) return;
    auto job = scheduler_.next();
    if (!job) return;
    in_flight_ = plan_transaction(job->ticket);
    in_flight_->link.seq = job->ticket;
    in_flight_->started = Clock::now();
    if (in_flight_->link.is_write()) ++health_.counters.writes;
    link_.send(zmq::buffer(&in_flight_->link, sizeof(LinkRequest)), zmq::send_flags::none);
}

void Front::answer(const Pending& pending, v1::Reply& reply) {
    reply.set_id(pending.request.id());
    const auto total = us_between(pending.arrival, Clock::now());
    reply.set_queue_us(total > reply.device_us() ? total - reply.device_us() : 0);
    if (lane_of(pending.request) == Lane::write) log_write(pending, reply);
    send_reply(pending.envelope, reply);
}

void Front::answer_error(const Pending& pending, v1::ErrorCode code, const std::string& message) {
    v1::Reply reply;
    auto* error = reply.mutable_error();
    error->set_code(code);
    error->set_message(message);
    answer(pending, reply);
}

void Front::send_reply(const std::vector<std::string>& envelope, const v1::Reply& reply) {
    if (envelope.empty()) return;  // the gateway's own request: nobody to answer
    for (const auto& frame : envelope) router_.send(zmq::buffer(frame), zmq::send_flags::sndmore);
    const std::string payload = reply.SerializeAsString();
    router_.send(zmq::buffer(payload), zmq::send_flags::dontwait);
}

void Front::log_write(const Pending& pending, const v1::Reply& reply) const {
    const auto link = link_request_of(pending.request, static_cast<std::uint8_t>(config_.device.unit));
    const auto value = link.function == 5 ? (link.coil_value ? 1u : 0u) : link.values[0];
    const std::string outcome = reply.has_error() ? v1::ErrorCode_Name(reply.error().code()) : "ok";
    spdlog::info("[write] client '{}' fc {} address {} value {}{} -> {}",
                 pending.request.client_name(), link.function, link.address, value,
                 link.function == 16 ? " (+" + std::to_string(link.count - 1) + " more)" : "",
                 outcome);
}

void Front::note_client(const ClientId& client, const std::string& name, Clock::time_point now) {
    if (clients_.size() >= max_remembered_clients && !clients_.contains(client)) {
        auto oldest = clients_.end();
        for (auto it = clients_.begin(); it != clients_.end(); ++it)
            if (scheduler_.depth(it->first) == 0 &&
                (oldest == clients_.end() || it->second.last_seen < oldest->second.last_seen))
                oldest = it;
        if (oldest != clients_.end()) clients_.erase(oldest);
    }
    auto& info = clients_[client];
    info.name = name;
    ++info.requests;
    info.last_seen = now;
}

}  // namespace tristar::gateway
