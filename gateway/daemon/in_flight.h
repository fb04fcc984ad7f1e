#pragma once
// InFlight: the one try on the wire and every request it will answer, and PendingMap: the
// requests between admission and their answer, by ticket. Shared by the Front (dispatch, writes)
// and the ReadPath (merging, read results).
#include <optional>
#include <unordered_map>
#include <vector>

#include "gateway/daemon/link_types.h"
#include "gateway/daemon/pending.h"

namespace tristar::gateway {

struct InFlight {
    LinkRequest link;
    std::optional<Span> span;  // reads: what is being read (maybe widened)
    bool widened = false;
    std::vector<Ticket> waiters;
    Clock::time_point started;
};

using PendingMap = std::unordered_map<Ticket, Pending>;

}  // namespace tristar::gateway
