#include "gateway/daemon/read_path.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "gateway/daemon/elapsed.h"
#include "gateway/daemon/translate.h"

namespace tristar::gateway {
namespace {

bool is_bits(Table table) {
    return table == Table::coils || table == Table::discrete;
}

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
    if (error.code() == v1::MODBUS_EXCEPTION)
        text += " " + std::to_string(error.modbus_exception());
    return text + (error.message().empty() ? "" : ": " + error.message());
}

}  // namespace

std::optional<Span> ReadPath::span_of(const v1::Request& request) const {
    const auto unit = static_cast<std::uint8_t>(
        request.unit() == 0 ? static_cast<std::uint32_t>(p_.device.unit) : request.unit());
    const auto make = [&](const auto& body) {
        return Span{p_.planner.table_of(static_cast<int>(body.function())), unit,
                    static_cast<std::uint16_t>(body.address()),
                    static_cast<std::uint16_t>(body.count())};
    };
    if (request.has_read_registers()) return make(request.read_registers());
    if (request.has_read_bits()) return make(request.read_bits());
    return std::nullopt;
}

bool ReadPath::serve_from_cache(const Pending& pending, Clock::time_point now) {
    const auto words = p_.planner.cached(*pending.span, now,
                                         std::chrono::milliseconds{pending.request.max_age_ms()});
    if (!words) return false;
    ++p_.health.counters.cache_hits;
    auto reply = read_reply(pending.request, *words);
    reply.set_from_cache(true);
    p_.health.queue_time.add(us_between(pending.arrival, Clock::now()));
    p_.replies.answer(pending, reply);
    return true;
}

// A read covered by the try on the wire is answered by it: no transaction of its own. Only a
// first try is joined: one that already failed waits for its own retry.
bool ReadPath::join_in_flight(Pending& pending, std::optional<InFlight>& in_flight,
                              Ticket& next_ticket) {
    if (!in_flight || !in_flight->span ||
        !ReadPlanner::answers(*in_flight->span, *pending.span, pending.alone))
        return false;
    ++p_.health.counters.merged_reads;
    ++pending.tries;
    const Ticket ticket = next_ticket++;
    in_flight->waiters.push_back(ticket);
    p_.pending.emplace(ticket, std::move(pending));
    return true;
}

// A read widened as the planner says, carrying every queued read it covers.
void ReadPath::plan_read(InFlight& plan, const Pending& first, Clock::time_point now) {
    plan.span = first.alone ? *first.span : p_.planner.plan(*first.span, now);
    plan.widened = plan.span->count != first.span->count;
    plan.link = read_transaction(*plan.span, read_function(first.request));
    std::vector<Ticket> covered;
    p_.link.queues(p_.slot).for_each([&](const Job& job) {
        const auto& other = p_.pending.at(job.ticket);
        if (other.span && ReadPlanner::answers(*plan.span, *other.span, other.alone))
            covered.push_back(job.ticket);
    });
    for (auto t : covered) {
        p_.link.queues(p_.slot).remove(t);
        plan.waiters.push_back(t);
        auto& rider = p_.pending.at(t);
        ++rider.tries;
        p_.health.queue_time.add(us_between(rider.arrival, Clock::now()));
    }
    p_.health.counters.merged_reads += covered.size();
}

void ReadPath::finish(const InFlight& done, const LinkResult& result) {
    const bool refused =
        result.status == LinkStatus::exception && result.exception == 2;  // illegal address
    if (refused && done.widened) {
        // The device would not serve the whole block: read every waiter as it asked, and do not
        // widen there again until the planner's re-probe time.
        ++p_.health.counters.read_ahead_refusals;
        if (p_.planner.refused(*done.span, Clock::now()))
            spdlog::warn(
                "[reads] {}the device refused a read-ahead of {} words at {:#06x}; reading as "
                "asked there for now (probed again later)",
                p_.log_prefix, done.span->count, done.span->address);
        requeue_riders(done, true);
        return;
    }
    // The device refused the range as a whole: the reads that asked for less rode along and may
    // be fine on their own. Only the reads of exactly the refused range get the exception.
    const auto riders = refused ? requeue_riders(done, false) : std::vector<Ticket>{};
    std::vector<std::uint16_t> words;
    if (result.status == LinkStatus::ok) {
        words = words_of(result, is_bits(done.span->table));
        p_.planner.store(*done.span, words, done.started);
        for (const auto& ended : p_.failures.succeeded(*done.span))
            spdlog::info("[reads] {}fc {} {:#06x}+{} reads again (failed {} times)", p_.log_prefix,
                         ended.function, ended.span.address, ended.span.count, ended.failures);
    }
    for (auto ticket : done.waiters) {
        if (std::ranges::find(riders, ticket) != riders.end()) continue;
        if (result.status != LinkStatus::ok && retry(ticket, result)) continue;
        auto it = p_.pending.find(ticket);
        if (it == p_.pending.end()) continue;
        v1::Reply reply;
        if (result.status == LinkStatus::ok) {
            const auto offset =
                static_cast<std::size_t>(it->second.span->address - done.span->address);
            reply = read_reply(it->second.request,
                               std::span(words).subspan(offset, it->second.span->count));
            reply.set_device_us(result.device_us);
        } else {
            reply = *it->second.last_failure;
            note_failure(it->second, reply);
        }
        p_.replies.answer(it->second, reply);
        p_.pending.erase(it);
    }
}

// Puts waiters of `done` back at the head of their lanes: all of them (each read as it asked),
// or only the riders (those that asked for less than the try read), then read alone.
std::vector<Ticket> ReadPath::requeue_riders(const InFlight& done, bool all) {
    std::vector<Ticket> requeued;
    const auto now = Clock::now();
    for (auto ticket : done.waiters) {
        auto it = p_.pending.find(ticket);
        if (it == p_.pending.end() || (!all && it->second.span->count == done.span->count))
            continue;
        auto& pending = it->second;
        pending.alone = !all;
        pending.tries = 0;  // a refusal is not a failed try
        p_.link.requeue_retry(
            Job{ticket, pending.client, pending.lane, pending.deadline, pending.arrival}, now,
            p_.slot);
        requeued.push_back(ticket);
    }
    return requeued;
}

// A failed try of a read goes back to the head of its lane while the retry budget and its
// deadline allow; the answer it would get now is kept for when they do not.
bool ReadPath::retry(Ticket ticket, const LinkResult& result) {
    auto it = p_.pending.find(ticket);
    if (it == p_.pending.end()) return true;
    Pending& pending = it->second;
    pending.last_failure = reply_of(pending.request, result);
    const auto now = Clock::now();
    if (!p_.link.may_retry(result.status, pending.tries) || now >= pending.deadline) return false;
    p_.link.requeue_retry(
        Job{ticket, pending.client, pending.lane, pending.deadline, pending.arrival}, now, p_.slot);
    return true;
}

// A read answered with an error after every try: the first failure of its range is logged,
// every one counted (FailureLog). A deadline of the client's own is not the device's failure.
void ReadPath::note_failure(const Pending& pending, const v1::Reply& reply) {
    const auto code = reply.error().code();
    if (code != v1::MODBUS_EXCEPTION && code != v1::DEVICE_TIMEOUT) return;
    const auto answer = answer_text(reply.error());
    const auto function = read_function(pending.request);
    if (p_.failures.failed(function, *pending.span, answer, pending.request.client_name(),
                           unix_ms_now()))
        spdlog::warn(
            "[reads] {}fc {} {:#06x}+{} for '{}' failed: {} (logged once; see tristar-ctl status)",
            p_.log_prefix, function, pending.span->address, pending.span->count,
            pending.request.client_name(), answer);
}

}  // namespace tristar::gateway
