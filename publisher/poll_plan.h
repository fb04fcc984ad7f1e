#pragma once
// PollPlan: when the publisher reads what (design.md 8; the reads themselves are in
// poll_reads.h): the live block every second (configurable), coils 0 and 2 every 10 s, the
// identity (serial, model and hardware version) and the stored lifetime counters at start, after
// a reconnect and every 30 minutes, the network processor's version at start and after a
// reconnect, and the gateway's status (the transport for /Mgmt/Connection, the device URI for a
// fallback id; no device transaction) likewise. Each poll is one gateway request, and at most one
// of each kind is outstanding. A poll the device may refuse as a whole (coils 0-2: coil 1 is
// undocumented) can be split for good into its parts (coil 0, coil 2). Pure: the caller passes
// the time.
#include <array>
#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <vector>

namespace tristar::publisher {

using SteadyTime = std::chrono::steady_clock::time_point;
using std::chrono::milliseconds;

enum class Poll : std::size_t {
    live,
    coils,  // 0-2 in one read, until split into the next two
    coil_equalize,
    coil_disconnect,
    counters,
    serial,
    model,
    network,
    status,
};
inline constexpr std::size_t poll_kinds = 9;

// The polls that replace `poll` once the device has refused its span (spec 6.5: coils 0 and 2
// read back a state, coil 1 between them is undocumented); empty for a poll that never splits.
std::span<const Poll> split_parts(Poll poll);

// How a poll ended. A persistent failure (the device refused it, or it kept failing: see
// read_failures.h) waits for the poll's next regular turn instead of a quick retry.
enum class Outcome { ok, failed, failed_persistently };

struct PollPeriods {
    milliseconds live{1000};
    milliseconds coils{10000};
    milliseconds counters{30 * 60 * 1000};
    bool operator==(const PollPeriods&) const = default;
};

class PollPlan {
  public:
    PollPlan(PollPeriods periods, SteadyTime start);

    // The polls due at `now` and not outstanding, live first.
    std::vector<Poll> due(SteadyTime now) const;
    // The earliest moment a poll not outstanding falls due (the loop sleeps until then).
    SteadyTime next_due() const;

    void sent(Poll poll, SteadyTime now);
    // A reply (ok or error) or the caller gave up waiting. A failed identity, counters, network
    // or status request is tried again one live period later, unless it failed persistently; a
    // live or coil read keeps its rhythm.
    void finished(Poll poll, Outcome outcome, SteadyTime now);
    // The link came back: identity, network version and status are asked again at once.
    void reconnected(SteadyTime now);
    // From now on `poll` is never due again and its split_parts() are, at once.
    void split(Poll poll, SteadyTime now);
    bool outstanding(Poll poll) const { return slot(poll).outstanding; }

  private:
    struct Slot {
        SteadyTime next;
        bool outstanding = false;
        bool enabled = true;  // false: replaced by its parts, or a part not in use yet
    };
    static bool waiting(const Slot& s) { return s.enabled && !s.outstanding; }
    Slot& slot(Poll poll) { return slots_[static_cast<std::size_t>(poll)]; }
    const Slot& slot(Poll poll) const { return slots_[static_cast<std::size_t>(poll)]; }
    milliseconds period(Poll poll) const;

    PollPeriods periods_;
    std::array<Slot, poll_kinds> slots_;
};

}  // namespace tristar::publisher
