// The front loop's read path (design.md 3.4): cache hits, merging into the transaction in
// flight or into one being planned, read-ahead, and handing every waiter its own slice.
#include <spdlog/spdlog.h>

#include "gateway/daemon/front.h"

namespace tristar::gateway {
namespace {

std::uint64_t us_since(Clock::time_point from) {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - from).count();
    return static_cast<std::uint64_t>(std::max<std::int64_t>(0, us));
}

std::uint16_t max_words(Table table) {
    return table == Table::coils || table == Table::discrete ? max_read_bits : max_read_registers;
}

LinkRequest read_transaction(const Span& span, std::uint8_t function) {
    LinkRequest link;
    link.function = function;
    link.unit = span.unit;
    link.address = span.address;
    link.count = span.count;
    return link;
}

}  // namespace

std::optional<Span> Front::span_of(const v1::Request& request) const {
    const auto unit = static_cast<std::uint8_t>(request.unit() == 0 ? static_cast<std::uint32_t>(config_.device.unit) : request.unit());
    const auto make = [&](const auto& body) {
        return Span{table_of(static_cast<int>(body.function()), profile_), unit,
                    static_cast<std::uint16_t>(body.address()), static_cast<std::uint16_t>(body.count())};
    };
    if (request.has_read_registers()) return make(request.read_registers());
    if (request.has_read_bits()) return make(request.read_bits());
    return std::nullopt;
}

bool Front::serve_from_cache(const Pending& pending, Clock::time_point now) {
    if (pending.request.max_age_ms() == 0) return false;
    auto words = cache_.lookup(*pending.span, now, std::chrono::milliseconds{pending.request.max_age_ms()});
    if (!words) return false;
    ++health_.counters.cache_hits;
    auto reply = read_reply(pending.request, *words);
    reply.set_from_cache(true);
    health_.queue_time.add(us_since(pending.arrival));
    answer(pending, reply);
    return true;
}

// A read covered by the transaction on the wire is answered by it: no second transaction.
bool Front::join_in_flight(Pending& pending) {
    if (pending.alone || !in_flight_ || !in_flight_->span || !in_flight_->span->covers(*pending.span))
        return false;
    ++health_.counters.merged_reads;
    const Ticket ticket = next_ticket_++;
    in_flight_->waiters.push_back(ticket);
    pending_.emplace(ticket, std::move(pending));
    return true;
}

// The span read-ahead widens a read to (design.md 3.4), if any: its profile block, unless the
// device refused that block before or the mode is "small" and the read is over a quarter of it.
std::optional<Span> Front::read_ahead(const Span& span) const {
    if (read_ahead_ == ReadAhead::off) return std::nullopt;
    auto wide = widen(span, profile_, max_words(span.table));
    if (!wide || refused_widenings_.contains(wide->address)) return std::nullopt;
    if (read_ahead_ == ReadAhead::small && span.count * 4u > wide->count) return std::nullopt;
    return wide;
}

// The transaction for the job the scheduler chose: a write as it is; a read widened to its
// profile block when read-ahead allows, carrying every queued read it covers.
Front::InFlight Front::plan_transaction(Ticket ticket) {
    const auto& first = pending_.at(ticket);
    health_.queue_time.add(us_since(first.arrival));
    InFlight plan;
    plan.waiters.push_back(ticket);
    const auto unit = static_cast<std::uint8_t>(config_.device.unit);
    if (!first.span) {
        plan.link = link_request_of(first.request, unit);
        return plan;
    }
    plan.span = first.span;
    if (auto wide = read_ahead(*first.span)) {
        plan.widened = wide->count != first.span->count;
        plan.span = wide;
    }
    const auto function = static_cast<std::uint8_t>(first.request.has_read_bits()
                                                        ? first.request.read_bits().function()
                                                        : first.request.read_registers().function());
    plan.link = read_transaction(*plan.span, function);
    std::vector<Ticket> covered;
    scheduler_.for_each([&](const Job& job) {
        const auto& other = pending_.at(job.ticket);
        if (other.span && !other.alone && plan.span->covers(*other.span)) covered.push_back(job.ticket);
    });
    for (auto t : covered) {
        scheduler_.remove(t);
        plan.waiters.push_back(t);
        health_.queue_time.add(us_since(pending_.at(t).arrival));
    }
    health_.counters.merged_reads += covered.size();
    return plan;
}

void Front::finish_read(const InFlight& done, const LinkResult& result) {
    const bool refused_widening = done.widened && result.status == LinkStatus::exception &&
                                  result.exception == 2;  // illegal data address
    if (refused_widening) return retry_narrow(done);
    // The device refused the range as a whole: the reads that asked for less rode along and may
    // be fine on their own. Only the reads of exactly the refused range get the exception.
    if (result.status == LinkStatus::exception && result.exception == 2) requeue(done, true);
    std::vector<std::uint16_t> words;
    if (result.status == LinkStatus::ok) {
        words = words_of(result, done.span->table == Table::coils || done.span->table == Table::discrete);
        cache_.store(*done.span, words, done.started);
    }
    for (auto ticket : done.waiters) {
        auto it = pending_.find(ticket);
        if (it == pending_.end()) continue;
        v1::Reply reply;
        if (result.status == LinkStatus::ok) {
            const auto offset = static_cast<std::size_t>(it->second.span->address - done.span->address);
            reply = read_reply(it->second.request,
                               std::span(words).subspan(offset, it->second.span->count));
            reply.set_device_us(result.device_us);
        } else {
            reply = reply_of(it->second.request, result);
        }
        answer(it->second, reply);
        pending_.erase(it);
    }
}

// The device would not serve the whole block (firmware differs from the profile): remember that,
// and put every waiter back in the queue to be read as it asked.
void Front::retry_narrow(const InFlight& done) {
    spdlog::warn("[front] the device refused a read of {} words at {:#06x}: no read-ahead there any more",
                 done.span->count, done.span->address);
    refused_widenings_.insert(done.span->address);
    requeue(done, false);
}

// Puts waiters of `done` back in the queue: all of them, or only the riders (those that asked
// for less than the transaction read), which are then read alone, never joined to another read.
void Front::requeue(const InFlight& done, bool riders_only) {
    for (auto ticket : done.waiters) {
        auto it = pending_.find(ticket);
        if (it == pending_.end() || (riders_only && it->second.span->count == done.span->count)) continue;
        Pending pending = std::move(it->second);
        pending_.erase(it);
        pending.alone = riders_only;
        enqueue(std::move(pending), Clock::now());
    }
}

void Front::finish_write(const InFlight& done, const LinkResult& result) {
    if (result.status == LinkStatus::ok || result.status == LinkStatus::outcome_unknown) {
        if (profile_.write_invalidates_all) cache_.invalidate_unit(done.link.unit);
        const auto table = done.link.function == 5 ? Table::coils : Table::holding;
        const auto count = done.link.function == 16 ? done.link.count : std::uint16_t{1};
        cache_.invalidate(Span{table, done.link.unit, done.link.address, count});
    }
    for (auto ticket : done.waiters) {
        auto it = pending_.find(ticket);
        if (it == pending_.end()) continue;
        auto reply = reply_of(it->second.request, result);
        answer(it->second, reply);
        pending_.erase(it);
    }
}

}  // namespace tristar::gateway
