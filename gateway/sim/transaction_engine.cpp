#include "gateway/sim/transaction_engine.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace tristar::sim {

namespace {

using modbus::ExceptionCode;

constexpr std::uint16_t corrupt_transaction_mask = 0xA5A5;

const char* transport_name(Transport t) {
    return t == Transport::tcp ? "tcp" : "rtu";
}

}  // namespace

TransactionEngine::TransactionEngine(DeviceModel& model, Quirks& quirks, Stats& stats,
                                     const EngineConfig& config)
    : model_(model), quirks_(quirks), stats_(stats), config_(config) {}

void TransactionEngine::submit(Incoming request) {
    if (stats_.hung) {
        ++stats_.ignored;
        spdlog::debug("[sim engine] hung: ignoring a {} request",
                      transport_name(request.origin.transport));
        return;
    }
    if (current_ || !queue_.empty()) {
        ++stats_.overlaps;
        spdlog::info("[sim engine] overlap: {} request arrived while another is being served",
                     transport_name(request.origin.transport));
    }
    queue_.push_back(std::move(request));
    const std::size_t waiting = current_ ? queue_.size() : queue_.size() - 1;  // behind the head
    stats_.max_queue = std::max(stats_.max_queue, waiting);
}

std::vector<Outgoing> TransactionEngine::run_due(Clock::time_point now) {
    std::vector<Outgoing> done;
    for (;;) {
        if (current_) {
            if (current_->due > now) break;
            done.push_back(std::move(current_->out));
            current_.reset();
            if (done.back().effect != CommandEffect::none) break;
            continue;
        }
        if (queue_.empty()) break;
        const Incoming request = std::move(queue_.front());
        queue_.pop_front();
        start(request, now);
    }
    return done;
}

std::optional<Clock::time_point> TransactionEngine::next_deadline() const {
    if (current_) return current_->due;
    return std::nullopt;
}

void TransactionEngine::discard(const Origin& origin) {
    std::erase_if(queue_, [&](const Incoming& r) { return r.origin == origin; });
    if (current_ && current_->out.origin == origin) current_->out.frame.reset();
}

void TransactionEngine::discard_all() {
    stats_.ignored += queue_.size();
    queue_.clear();
}

void TransactionEngine::hang() {
    stats_.hung = true;
    stats_.ignored += 1 + queue_.size();
    queue_.clear();
    spdlog::warn("[sim engine] comm server hung after {} transactions (--hang-after)",
                 stats_.transactions);
}

void TransactionEngine::start(const Incoming& request, Clock::time_point now) {
    if (quirks_.hangs_after(stats_.transactions)) {
        hang();
        return;
    }
    ++stats_.transactions;
    const bool busy = quirks_.roll_busy();
    const ServiceOutcome outcome = busy
                                       ? exception_outcome(request.pdu.empty() ? 0 : request.pdu[0],
                                                           ExceptionCode::server_device_busy)
                                       : execute(request);
    stats_.record_outcome(outcome);
    Outgoing out = reply_for(request, outcome, !busy);
    std::chrono::microseconds delay = quirks_.response_delay();
    delay += quirks_.slow_delay(stats_.transactions);  // --slow-every: counted from 1
    if (quirks_.config().wire_time && out.frame) {
        // The reply as it would go out on the serial line: unit + PDU + CRC.
        delay += modbus::wire_time(outcome.response.size() + 3, config_.serial);
    }
    spdlog::debug("[sim engine] {} fc {:#04x} unit {} -> {}{} after {} us",
                  transport_name(request.origin.transport), outcome.function, request.unit_id,
                  outcome.exception ? "exception " : "ok",
                  outcome.exception ? std::to_string(static_cast<int>(*outcome.exception)) : "",
                  delay.count());
    current_ = InFlight{now + delay, std::move(out)};
}

ServiceOutcome TransactionEngine::execute(const Incoming& request) {
    const bool tcp = request.origin.transport == Transport::tcp;
    if (tcp && request.unit_id != model_.unit_id()) {
        return exception_outcome(request.pdu.empty() ? 0 : request.pdu[0],
                                 ExceptionCode::gateway_target_failed);
    }
    ServiceOutcome outcome = execute_request(model_, request.pdu, config_.service);
    for (const auto& w : outcome.writes) {
        spdlog::info("[sim engine] write fc {} address {:#06x} value {:#06x}", w.function,
                     w.address, w.value);
    }
    return outcome;
}

Outgoing TransactionEngine::reply_for(const Incoming& request, const ServiceOutcome& outcome,
                                      bool executed) {
    Outgoing out{request.origin, std::nullopt, outcome.effect};
    const bool broadcast = request.origin.transport == Transport::rtu && request.unit_id == 0;
    if (broadcast) return out;  // Modbus serial line: no reply to broadcasts
    if (executed && (quirks_.roll_drop() || drops_write_reply(outcome))) {
        ++stats_.dropped;
        spdlog::debug("[sim engine] reply dropped (--drop-rate or --drop-write-replies)");
        return out;
    }
    const bool corrupt = quirks_.roll_corrupt();
    if (corrupt) ++stats_.corrupted;
    out.frame = frame(request, outcome.response, corrupt);
    return out;
}

bool TransactionEngine::drops_write_reply(const ServiceOutcome& outcome) const {
    return quirks_.config().drop_write_replies && !outcome.writes.empty();
}

modbus::Bytes TransactionEngine::frame(const Incoming& request, const modbus::Bytes& pdu,
                                       bool corrupt) const {
    if (request.origin.transport == Transport::tcp) {
        const std::uint16_t tid =
            corrupt ? static_cast<std::uint16_t>(request.transaction_id ^ corrupt_transaction_mask)
                    : request.transaction_id;
        return modbus::encode_tcp_adu(tid, request.unit_id, pdu);
    }
    modbus::Bytes frame = modbus::build_rtu_frame(request.unit_id, pdu);
    if (corrupt) frame.back() ^= 0xFF;
    return frame;
}

}  // namespace tristar::sim
