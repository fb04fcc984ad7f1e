#include "gateway/daemon/client_table.h"

namespace tristar::gateway {

void ClientTable::note(const ClientId& client, const std::string& name, Clock::time_point now,
                       const Busy& busy) {
    if (capacity_ == 0) return;
    if (!clients_.contains(client))
        while (clients_.size() >= capacity_) evict_one(busy);
    auto& info = clients_[client];
    info.name = name;
    ++info.requests;
    info.last_seen = now;
}

// The least recently seen idle client, else the least recently seen of all: the bound holds
// even when every remembered client has work queued.
void ClientTable::evict_one(const Busy& busy) {
    auto oldest_idle = clients_.end();
    auto oldest = clients_.begin();
    for (auto it = clients_.begin(); it != clients_.end(); ++it) {
        if (it->second.last_seen < oldest->second.last_seen) oldest = it;
        if (!busy(it->first) &&
            (oldest_idle == clients_.end() || it->second.last_seen < oldest_idle->second.last_seen))
            oldest_idle = it;
    }
    clients_.erase(oldest_idle != clients_.end() ? oldest_idle : oldest);
}

}  // namespace tristar::gateway
