#include "gateway/daemon/peer_table.h"

#include <stdexcept>
#include <tuple>

namespace tristar::gateway {

PeerTable::PeerTable(std::size_t max_connections) : max_(max_connections) {
    if (max_ == 0) throw std::invalid_argument("peer table: max_connections is 0");
}

std::vector<int> PeerTable::accepted(int fd, Clock::time_point now) {
    if (const auto old = peers_.find(fd); old != peers_.end()) {  // its close went unreported
        if (old->second.closing) --closing_;
        peers_.erase(old);
    }
    peers_.emplace(fd, Peer{now, std::nullopt, false});
    std::vector<int> victims;
    while (open() > max_) {
        const auto chosen = victim(fd);
        if (!chosen) break;
        peers_.at(*chosen).closing = true;
        ++closing_;
        victims.push_back(*chosen);
    }
    return victims;
}

void PeerTable::spoke(int fd, const ClientId& client, Clock::time_point now) {
    const auto found = peers_.find(fd);
    if (found == peers_.end()) return;
    found->second.since = now;
    found->second.client = client;
}

std::optional<ClientId> PeerTable::closed(int fd) {
    const auto found = peers_.find(fd);
    if (found == peers_.end()) return std::nullopt;
    auto client = std::move(found->second.client);
    if (found->second.closing) --closing_;
    peers_.erase(found);
    return client;
}

// Silent connections before speaking ones, then the longest silent; ties by fd, so the choice
// does not depend on the hash table's order.
std::optional<int> PeerTable::victim(int spare) const {
    std::optional<int> best;
    std::tuple<bool, Clock::time_point, int> best_key{};
    for (const auto& [fd, peer] : peers_) {
        if (fd == spare || peer.closing) continue;
        const std::tuple<bool, Clock::time_point, int> key{peer.client.has_value(), peer.since, fd};
        if (!best || key < best_key) {
            best = fd;
            best_key = key;
        }
    }
    return best;
}

}  // namespace tristar::gateway
