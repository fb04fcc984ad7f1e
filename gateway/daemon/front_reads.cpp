// The front loop's read path (design.md 3.4), wired to the ReadPlanner: cache hits, merging
// into the try on the wire or into one being planned, read-ahead, each waiter its own slice,
// refused ranges, retries, and the reads that keep failing.
#include <algorithm>

#include <spdlog/spdlog.h>

#include "gateway/daemon/front.h"
#include "gateway/daemon/translate.h"

namespace tristar::gateway {
namespace {

bool is_bits(Table table) { return table == Table::coils || table == Table::discrete; }

std::uint8_t read_function(const v1::Request& request) {
    return static_cast<std::uint8_t>(request.has_read_bits() ? request.read_bits().function()
                                                             : request.read_registers().function());
}

LinkRequest read_transaction(const Span& span, std::uint8_t function) {
    LinkRequest link;
    link.function = function;
    link.unit = span.unit;
    link.address = span.address;
    link.count = span.count;
    return link;
}

std::string answer_text(const v1::Error& error) {
    std::string text = v1::ErrorCode_Name(error.code());
    if (error.code() == v1::MODBUS_EXCEPTION) text += " " + std::to_string(error.modbus_exception());
    return text + (error.message().empty() ? "" : ": " + error.message());
}

}  // namespace

std::optional<Span> Front::span_of(const v1::Request& request) const {
    const auto unit = static_cast<std::uint8_t>(request.unit() == 0 ? static_cast<std::uint32_t>(config_.device.unit)
                                                                    : request.unit());
    const auto make = [&](const auto& body) {
        return Span{planner_.table_of(static_cast<int>(body.function())), unit,
                    static_cast<std::uint16_t>(body.address()), static_cast<std::uint16_t>(body.count())};
    };
    if (request.has_read_registers()) return make(request.read_registers());
    if (request.has_read_bits()) return make(request.read_bits());
    return std::nullopt;
}

bool Front::serve_from_cache(const Pending& pending, Clock::time_point now) {
    const auto words = planner_.cached(*pending.span, now, std::chrono::milliseconds{pending.request.max_age_ms()});
    if (!words) return false;
    ++health_.counters.cache_hits;
    auto reply = read_reply(pending.request, *words);
    reply.set_from_cache(true);
    health_.queue_time.add(us_between(pending.arrival, Clock::now()));
    answer(pending, reply);
    return true;
}

// A read covered by the try on the wire is answered by it: no transaction of its own. Only a
// first try is joined: one that already failed waits for its own retry.
bool Front::join_in_flight(Pending& pending) {
    if (!in_flight_ || !in_flight_->span || !ReadPlanner::answers(*in_flight_->span, *pending.span, pending.alone))
        return false;
    ++health_.counters.merged_reads;
    ++pending.tries;
    const Ticket ticket = next_ticket_++;
    in_flight_->waiters.push_back(ticket);
    pending_.emplace(ticket, std::move(pending));
    return true;
}

// The try for the job the scheduler chose: a write as it is; a read widened as the planner
// says, carrying every queued read it covers.
Front::InFlight Front::plan_transaction(Ticket ticket, Clock::time_point now) {
    auto& first = pending_.at(ticket);
    health_.queue_time.add(us_between(first.arrival, Clock::now()));
    if (first.tries++ > 0) ++health_.counters.retries;
    InFlight plan;
    plan.waiters.push_back(ticket);
    if (!first.span) {
        plan.link = link_request_of(first.request, static_cast<std::uint8_t>(config_.device.unit));
        return plan;
    }
    plan.span = first.alone ? *first.span : planner_.plan(*first.span, now);
    plan.widened = plan.span->count != first.span->count;
    plan.link = read_transaction(*plan.span, read_function(first.request));
    std::vector<Ticket> covered;
    link_.queues().for_each([&](const Job& job) {
        const auto& other = pending_.at(job.ticket);
        if (other.span && ReadPlanner::answers(*plan.span, *other.span, other.alone)) covered.push_back(job.ticket);
    });
    for (auto t : covered) {
        link_.queues().remove(t);
        plan.waiters.push_back(t);
        auto& rider = pending_.at(t);
        ++rider.tries;
        health_.queue_time.add(us_between(rider.arrival, Clock::now()));
    }
    health_.counters.merged_reads += covered.size();
    return plan;
}

void Front::finish_read(const InFlight& done, const LinkResult& result) {
    const bool refused = result.status == LinkStatus::exception && result.exception == 2;  // illegal address
    if (refused && done.widened) {
        // The device would not serve the whole block: read every waiter as it asked, and do not
        // widen there again until the planner's re-probe time.
        ++health_.counters.read_ahead_refusals;
        if (planner_.refused(*done.span, Clock::now()))
            spdlog::warn("[reads] the device refused a read-ahead of {} words at {:#06x}; reading as "
                         "asked there for now (probed again later)", done.span->count, done.span->address);
        requeue_riders(done, true);
        return;
    }
    // The device refused the range as a whole: the reads that asked for less rode along and may
    // be fine on their own. Only the reads of exactly the refused range get the exception.
    const auto riders = refused ? requeue_riders(done, false) : std::vector<Ticket>{};
    std::vector<std::uint16_t> words;
    if (result.status == LinkStatus::ok) {
        words = words_of(result, is_bits(done.span->table));
        planner_.store(*done.span, words, done.started);
        for (const auto& ended : failures_.succeeded(*done.span))
            spdlog::info("[reads] fc {} {:#06x}+{} reads again (failed {} times)", ended.function,
                         ended.span.address, ended.span.count, ended.failures);
    }
    for (auto ticket : done.waiters) {
        if (std::ranges::find(riders, ticket) != riders.end()) continue;
        if (result.status != LinkStatus::ok && retry(ticket, result)) continue;
        auto it = pending_.find(ticket);
        if (it == pending_.end()) continue;
        v1::Reply reply;
        if (result.status == LinkStatus::ok) {
            const auto offset = static_cast<std::size_t>(it->second.span->address - done.span->address);
            reply = read_reply(it->second.request, std::span(words).subspan(offset, it->second.span->count));
            reply.set_device_us(result.device_us);
        } else {
            reply = *it->second.last_failure;
            note_read_failure(it->second, reply);
        }
        answer(it->second, reply);
        pending_.erase(it);
    }
}

// Puts waiters of `done` back at the head of their lanes: all of them (each read as it asked),
// or only the riders (those that asked for less than the try read), then read alone.
std::vector<Ticket> Front::requeue_riders(const InFlight& done, bool all) {
    std::vector<Ticket> requeued;
    const auto now = Clock::now();
    for (auto ticket : done.waiters) {
        auto it = pending_.find(ticket);
        if (it == pending_.end() || (!all && it->second.span->count == done.span->count)) continue;
        auto& pending = it->second;
        pending.alone = !all;
        pending.tries = 0;  // a refusal is not a failed try
        link_.requeue_retry(Job{ticket, pending.client, pending.lane, pending.deadline, pending.arrival}, now);
        requeued.push_back(ticket);
    }
    return requeued;
}

// A read answered with an error after every try: the first failure of its range is logged,
// every one counted (FailureLog). A deadline of the client's own is not the device's failure.
void Front::note_read_failure(const Pending& pending, const v1::Reply& reply) {
    const auto code = reply.error().code();
    if (code != v1::MODBUS_EXCEPTION && code != v1::DEVICE_TIMEOUT) return;
    const auto answer = answer_text(reply.error());
    const auto function = read_function(pending.request);
    if (failures_.failed(function, *pending.span, answer, pending.request.client_name(), unix_ms_now()))
        spdlog::warn("[reads] fc {} {:#06x}+{} for '{}' failed: {} (logged once; see tristar-ctl status)",
                     function, pending.span->address, pending.span->count,
                     pending.request.client_name(), answer);
}

}  // namespace tristar::gateway
