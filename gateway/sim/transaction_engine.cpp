#include "gateway/sim/transaction_engine.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace tristar::sim {

namespace {

using modbus::ExceptionCode;

const char* transport_name(Transport t) {
    return t == Transport::tcp ? "tcp" : "rtu";
}

}  // namespace

TransactionEngine::TransactionEngine(DeviceModel& model, Quirks& quirks, Stats& stats,
                                     const EngineConfig& config)
    : model_(model), quirks_(quirks), stats_(stats), config_(config), shaper_(quirks, stats) {}

bool TransactionEngine::submit(Incoming request) {
    if (stats_.hung) {
        ++stats_.ignored;
        spdlog::debug("[sim engine] hung: ignoring a {} request",
                      transport_name(request.origin.transport));
        return false;
    }
    if (current_ || !queue_.empty()) {
        ++stats_.overlaps;
        spdlog::info("[sim engine] overlap: {} request arrived while another is being served",
                     transport_name(request.origin.transport));
    } else {
        next_start_.reset();  // an idle device starts it when run_due() is next called
    }
    queue_.push_back(std::move(request));
    const std::size_t waiting = current_ ? queue_.size() : queue_.size() - 1;  // behind the head
    stats_.max_queue = std::max(stats_.max_queue, waiting);
    return true;
}

std::vector<Outgoing> TransactionEngine::run_due(Clock::time_point now) {
    std::vector<Outgoing> done;
    while (done.empty()) {
        if (current_) {
            if (current_->due > now) break;
            done.push_back(std::move(current_->out));
            // Whoever waited starts when the device became free, not when the loop noticed.
            if (!queue_.empty()) next_start_ = current_->due;
            current_.reset();
            continue;
        }
        if (queue_.empty()) break;
        const Incoming request = std::move(queue_.front());
        queue_.pop_front();
        start(request, next_start_.value_or(now));
        next_start_.reset();
    }
    return done;
}

std::optional<Clock::time_point> TransactionEngine::next_deadline() const {
    if (current_) return current_->due;
    if (!queue_.empty()) return next_start_;
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

void TransactionEngine::withhold_all() {
    discard_all();
    if (current_) current_->out.frame.reset();
}

bool TransactionEngine::serving(Transport transport) const {
    const auto from = [transport](const Origin& origin) { return origin.transport == transport; };
    return (current_ && from(current_->out.origin)) ||
           std::ranges::any_of(queue_, [&](const Incoming& r) { return from(r.origin); });
}

void TransactionEngine::hang() {
    stats_.hung = true;
    stats_.ignored += 1 + queue_.size();
    queue_.clear();
    spdlog::warn("[sim engine] comm server hung after {} transactions (--hang-after)",
                 stats_.transactions);
}

void TransactionEngine::start(const Incoming& request, Clock::time_point at) {
    if (quirks_.hangs_after(stats_.transactions)) {
        hang();
        return;
    }
    ++stats_.transactions;
    const auto unexecuted = answer_unexecuted(request);
    const ServiceOutcome outcome = unexecuted ? *unexecuted : execute(request);
    stats_.record_outcome(outcome);
    Outgoing out = shaper_.shape(request, outcome, !unexecuted);
    const std::chrono::microseconds delay = delay_for(out, outcome);
    spdlog::debug("[sim engine] {} fc {:#04x} unit {} -> {}{} after {} us",
                  transport_name(request.origin.transport), outcome.function, request.unit_id,
                  outcome.exception ? "exception " : "ok",
                  outcome.exception ? std::to_string(static_cast<int>(*outcome.exception)) : "",
                  delay.count());
    current_ = InFlight{at + delay, std::move(out)};
}

std::optional<ServiceOutcome> TransactionEngine::answer_unexecuted(const Incoming& request) {
    const std::uint8_t function = request.pdu.empty() ? 0 : request.pdu[0];
    if (quirks_.roll_busy()) return exception_outcome(function, ExceptionCode::server_device_busy);
    if (modbus::is_read(function) && quirks_.roll_bad_exception()) {
        ++stats_.bad_exceptions;
        const auto code = static_cast<ExceptionCode>(quirks_.config().bad_exception_code);
        return exception_outcome(function, code);
    }
    return std::nullopt;
}

ServiceOutcome TransactionEngine::execute(const Incoming& request) {
    const bool tcp = request.origin.transport == Transport::tcp;
    if (tcp && request.unit_id != model_.unit_id()) {
        return exception_outcome(request.pdu.empty() ? 0 : request.pdu[0],
                                 ExceptionCode::gateway_target_failed);
    }
    ServiceOutcome outcome = execute_request(model_, request.pdu, config_.service);
    if (outcome.refused) {
        spdlog::debug("[sim engine] refused {} (--refuse-undocumented / --refuse)",
                      outcome.refused->key());
    }
    for (const auto& w : outcome.writes) {
        spdlog::info("[sim engine] write fc {} address {:#06x} value {:#06x}", w.function,
                     w.address, w.value);
    }
    return outcome;
}

std::chrono::microseconds TransactionEngine::delay_for(const Outgoing& out,
                                                       const ServiceOutcome& outcome) {
    std::chrono::microseconds delay = quirks_.response_delay();
    delay += quirks_.slow_delay(stats_.transactions);  // --slow-every: counted from 1
    if (quirks_.config().wire_time && out.frame) {
        // The reply as it would go out on the serial line: unit + PDU + CRC.
        delay += modbus::wire_time(outcome.response.size() + 3, config_.serial);
    }
    return delay;
}

}  // namespace tristar::sim
