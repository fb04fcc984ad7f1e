#include "gateway/bridge/connection_table.h"

#include <fmt/format.h>

namespace tristar::bridge {

ConnectionTable::ConnectionTable(const ConnectionLimits& limits, std::size_t max_pending,
                                 std::chrono::milliseconds log_interval)
    : limits_(limits), max_pending_(max_pending), log_(log_interval) {}

Connection* ConnectionTable::find(std::uint64_t id) {
    const auto it = connections_.find(id);
    return it == connections_.end() ? nullptr : &it->second;
}

const Connection* ConnectionTable::find(std::uint64_t id) const {
    const auto it = connections_.find(id);
    return it == connections_.end() ? nullptr : &it->second;
}

std::vector<ConnectionActivity> ConnectionTable::activities() const {
    std::vector<ConnectionActivity> out;
    out.reserve(connections_.size());
    for (const auto& [id, c] : connections_) {
        // A frame left unfinished because the bridge stopped reading (a pipelining master at
        // max_pending) is not the master's fault.
        const auto started = c.wants_read() ? c.frame_started() : std::nullopt;
        out.push_back({id, c.host(), c.last_input(), started, c.requests() > 0});
    }
    return out;
}

void ConnectionTable::admit(Accepted accepted, SteadyTime now) {
    drop_departed(accepted.host);
    evict(bridge::admit(activities(), accepted.host, limits_), accepted.peer, now);
    log_.note(Event::opened, now, [&] { return "connection from " + accepted.peer; });
    connections_.emplace(next_id_++, Connection(std::move(accepted.fd), std::move(accepted.peer),
                                                max_pending_, std::move(accepted.host), now));
}

// Connections their peer closed or reset never count against the caps. The loop sees the end
// of a stream it reads at once, but not of one it stopped reading (a master at max_pending),
// so the socket is asked before a cap can evict anybody.
void ConnectionTable::drop_departed(const std::string& host) {
    const bool full = connections_.size() >= limits_.max_connections;
    for (auto it = connections_.begin(); it != connections_.end();) {
        const auto id = it->first;
        const Connection& c = (it++)->second;
        if ((full || c.host() == host) && c.peer_gone())
            close(id, Event::closed_by_peer, "closed by the peer");
    }
}

void ConnectionTable::evict(const Admission& admission, const std::string& newcomer,
                            SteadyTime now) {
    if (!admission.evict) return;
    const Connection* old = find(*admission.evict);
    if (old == nullptr) return;
    const auto idle =
        std::chrono::duration_cast<std::chrono::milliseconds>(now - old->last_input());
    const auto why = fmt::format(
        "idle for {} ms, evicted for a new connection from {}: {} connections ({})", idle.count(),
        newcomer, admission.per_address ? limits_.max_per_address : limits_.max_connections,
        admission.per_address ? "max_connections_per_address" : "max_connections");
    close(*admission.evict,
          admission.per_address ? Event::evicted_per_address : Event::evicted_total, why);
}

void ConnectionTable::expire(SteadyTime now) {
    for (const auto& c : activities()) {
        const auto why = expiry(c, limits_, now);
        if (why == Expiry::idle)
            close(c.id, Event::idle,
                  fmt::format("nothing received for {} ms (idle_timeout_ms)",
                              limits_.idle_timeout.count()));
        else if (why == Expiry::partial_frame)
            close(c.id, Event::partial_frame,
                  fmt::format("MBAP frame unfinished for {} ms (frame_timeout_ms)",
                              limits_.frame_timeout.count()));
    }
    log_.summarize(now);
}

std::optional<SteadyTime> ConnectionTable::next_deadline() const {
    std::optional<SteadyTime> due = log_.next_due();
    for (const auto& c : activities())
        if (const auto d = deadline(c, limits_); d && (!due || *d < *due)) due = d;
    return due;
}

void ConnectionTable::close_failed(std::uint64_t id) {
    const Connection* c = find(id);
    if (c == nullptr) return;
    const std::string why = c->error();
    const auto event = why.starts_with("malformed")  ? Event::malformed
                       : why == "closed by the peer" ? Event::closed_by_peer
                                                     : Event::socket_error;
    close(id, event, why);
}

void ConnectionTable::close(std::uint64_t id, Event event, const std::string& why) {
    const auto it = connections_.find(id);
    if (it == connections_.end()) return;
    log_.note(event, SteadyTime::clock::now(),
              [&] { return "closing connection from " + it->second.peer() + ": " + why; });
    // Its outstanding requests stay until the gateway answers; their answers are dropped then.
    connections_.erase(it);
}

}  // namespace tristar::bridge
