#pragma once
// ReadPath: the front loop's read path (design.md 3.4), carrying out what the ReadPlanner decides:
// cache hits, merging into the try on the wire or into one being planned, read-ahead, each waiter
// its own slice, refused ranges, retries, and the reads that keep failing (FailureLog). One per
// device; it works on the Front's pending requests and on its device's queues (references: it
// lives and dies with the Front).
#include <optional>
#include <vector>

#include "gateway/daemon/config.h"
#include "gateway/daemon/failure_log.h"
#include "gateway/daemon/health.h"
#include "gateway/daemon/in_flight.h"
#include "gateway/daemon/link_scheduler.h"
#include "gateway/daemon/read_planner.h"
#include "gateway/daemon/replies.h"

namespace tristar::gateway {

class ReadPath {
  public:
    // One device's: its config, planner, queues (its slot in its link's scheduler), health and
    // failures; the pending requests and the replies are the front's.
    struct Parts {
        const DeviceConfig& device;
        ReadPlanner& planner;
        LinkScheduler& link;
        std::size_t slot;
        Health& health;
        FailureLog& failures;
        PendingMap& pending;
        Replies& replies;
        std::string log_prefix;  // "" with one device, "device NAME: " with several
    };
    explicit ReadPath(const Parts& parts) : p_(parts) {}

    // What a read request reads; nothing for any other request.
    std::optional<Span> span_of(const v1::Request& request) const;
    // Answers `pending` from the cache when it holds fresh enough words.
    bool serve_from_cache(const Pending& pending, Clock::time_point now);
    // Joins `pending` to the try on the wire when that answers it (under a new ticket).
    bool join_in_flight(Pending& pending, std::optional<InFlight>& in_flight, Ticket& next_ticket);
    // Fills in `plan` for the read `first`: the span to read and every queued read it covers.
    void plan_read(InFlight& plan, const Pending& first, Clock::time_point now);
    void finish(const InFlight& done, const LinkResult& result);

  private:
    bool retry(Ticket ticket, const LinkResult& result);
    std::vector<Ticket> requeue_riders(const InFlight& done, bool all);
    void note_failure(const Pending& pending, const v1::Reply& reply);

    Parts p_;
};

}  // namespace tristar::gateway
