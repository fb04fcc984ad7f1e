#include "gateway/bridge/connection_policy.h"

#include <algorithm>

namespace tristar::bridge {
namespace {

// Evicted first: one that never sent a request; then the least recently heard from; of two as
// quiet, the older connection.
bool idler(const ConnectionActivity& a, const ConnectionActivity& b) {
    if (a.requested != b.requested) return !a.requested;
    return a.last_input != b.last_input ? a.last_input < b.last_input : a.id < b.id;
}

template <typename Keep>
std::optional<std::uint64_t> longest_idle(std::span<const ConnectionActivity> open, Keep keep) {
    const ConnectionActivity* found = nullptr;
    for (const auto& c : open)
        if (keep(c) && (found == nullptr || idler(c, *found))) found = &c;
    if (found == nullptr) return std::nullopt;
    return found->id;
}

}  // namespace

Admission admit(std::span<const ConnectionActivity> open, std::string_view address,
                const ConnectionLimits& limits) {
    const auto same = [&](const ConnectionActivity& c) { return c.address == address; };
    const auto from_address =
        static_cast<std::size_t>(std::count_if(open.begin(), open.end(), same));
    // The address cap first: one host filling its share evicts its own connections, never
    // another host's (a master that reconnects from behind a NAT replaces its stale one).
    if (from_address >= std::min(limits.max_per_address, limits.max_connections))
        return {longest_idle(open, same), true};
    if (open.size() >= limits.max_connections)
        return {longest_idle(open, [](const ConnectionActivity&) { return true; }), false};
    return {};
}

Expiry expiry(const ConnectionActivity& connection, const ConnectionLimits& limits,
              SteadyTime now) {
    if (connection.frame_started && now - *connection.frame_started >= limits.frame_timeout)
        return Expiry::partial_frame;
    if (limits.idle_timeout.count() > 0 && now - connection.last_input >= limits.idle_timeout)
        return Expiry::idle;
    return Expiry::none;
}

std::optional<SteadyTime> deadline(const ConnectionActivity& connection,
                                   const ConnectionLimits& limits) {
    std::optional<SteadyTime> due;
    if (limits.idle_timeout.count() > 0) due = connection.last_input + limits.idle_timeout;
    if (connection.frame_started) {
        const auto frame_due = *connection.frame_started + limits.frame_timeout;
        if (!due || frame_due < *due) due = frame_due;
    }
    return due;
}

}  // namespace tristar::bridge
