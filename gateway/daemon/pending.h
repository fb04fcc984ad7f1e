#pragma once
// Pending: a client's request between admission and its answer, with what the gateway learned
// about it on the way (the span it reads, its tries on the wire, the last failed try's reply).
#include <optional>
#include <string>
#include <vector>

#include "gateway.pb.h"
#include "gateway/daemon/device_profile.h"
#include "gateway/daemon/scheduler.h"

namespace tristar::gateway {

struct Pending {
    std::vector<std::string>
        envelope;  // routing frames, echoed before the reply; empty: the gateway's own
    v1::Request request;
    ClientId client;
    std::size_t device = 0;  // index into Config::devices
    Clock::time_point arrival;
    Lane lane = Lane::interactive;
    Clock::time_point deadline;
    std::optional<Span> span;  // reads: what they ask for
    // Read on its own, never joined to another: a read that rode along in a bigger read the
    // device refused as a whole (exception 2), so another client's bad range cannot fail it.
    bool alone = false;
    int tries = 0;                          // tries on the wire so far
    std::optional<v1::Reply> last_failure;  // the answer if no further try happens

    bool is_internal() const { return envelope.empty(); }
};

}  // namespace tristar::gateway
