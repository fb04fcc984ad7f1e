#include "publisher/poll_plan.h"

#include <algorithm>

namespace tristar::publisher {
namespace {

// Live and coil reads are periodic and cheap to repeat; for the rest a quick retry matters (the
// identity is needed to register), unless the failure is persistent: then the regular period
// set by sent() stands, and network and status wait for the next reconnect.
bool quick_retry(Poll poll) {
    return poll != Poll::live && poll != Poll::coils && poll != Poll::coil_equalize &&
           poll != Poll::coil_disconnect;
}

constexpr std::array coil_parts{Poll::coil_equalize, Poll::coil_disconnect};

}  // namespace

std::span<const Poll> split_parts(Poll poll) {
    if (poll == Poll::coils) return coil_parts;
    return {};
}

PollPlan::PollPlan(PollPeriods periods, SteadyTime start) : periods_(periods) {
    for (auto& s : slots_) s.next = start;
    for (std::size_t i = 0; i < poll_kinds; ++i)
        for (const Poll part : split_parts(static_cast<Poll>(i))) slot(part).enabled = false;
}

milliseconds PollPlan::period(Poll poll) const {
    switch (poll) {
        case Poll::live: return periods_.live;
        case Poll::coils:
        case Poll::coil_equalize:
        case Poll::coil_disconnect: return periods_.coils;
        case Poll::counters:
        case Poll::serial:
        case Poll::model: return periods_.counters;
        case Poll::network:
        case Poll::status: break;
    }
    return milliseconds::max();  // asked again only after a reconnect
}

std::vector<Poll> PollPlan::due(SteadyTime now) const {
    std::vector<Poll> polls;
    for (std::size_t i = 0; i < poll_kinds; ++i)
        if (waiting(slots_[i]) && slots_[i].next <= now) polls.push_back(static_cast<Poll>(i));
    return polls;
}

SteadyTime PollPlan::next_due() const {
    auto next = SteadyTime::max();
    for (const auto& s : slots_)
        if (waiting(s)) next = std::min(next, s.next);
    return next;
}

void PollPlan::sent(Poll poll, SteadyTime now) {
    Slot& s = slot(poll);
    s.outstanding = true;
    // Keep the rhythm: the next one is due a period after this one was due, or a period from
    // now when the loop fell behind by more than a period.
    const auto p = period(poll);
    if (p == milliseconds::max()) {
        s.next = SteadyTime::max();
        return;
    }
    s.next = (now - s.next < p) ? s.next + p : now + p;
}

void PollPlan::finished(Poll poll, Outcome outcome, SteadyTime now) {
    Slot& s = slot(poll);
    s.outstanding = false;
    if (outcome == Outcome::failed && quick_retry(poll)) s.next = now + periods_.live;
}

void PollPlan::split(Poll poll, SteadyTime now) {
    slot(poll).enabled = false;
    for (const Poll part : split_parts(poll)) {
        slot(part).enabled = true;
        slot(part).next = now;
    }
}

void PollPlan::reconnected(SteadyTime now) {
    for (const Poll poll : {Poll::counters, Poll::serial, Poll::model, Poll::network, Poll::status})
        slot(poll).next = now;
}

}  // namespace tristar::publisher
