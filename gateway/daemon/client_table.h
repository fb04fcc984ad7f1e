#pragma once
// ClientTable: the clients seen lately, for status. Bounded: at capacity the least recently
// seen client is forgotten to make room, one without queued work if there is one (its queue
// depth is what status shows). Names are stored as admitted (bounded by client_name.h).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>

#include "gateway/daemon/scheduler.h"

namespace tristar::gateway {

struct ClientInfo {
    std::string name;
    std::uint64_t requests = 0;
    Clock::time_point last_seen;
};

class ClientTable {
  public:
    using Busy = std::function<bool(const ClientId&)>;  // has queued work

    explicit ClientTable(std::size_t capacity) : capacity_(capacity) {}

    void note(const ClientId& client, const std::string& name, Clock::time_point now,
              const Busy& busy);
    const std::unordered_map<ClientId, ClientInfo>& clients() const { return clients_; }

  private:
    void evict_one(const Busy& busy);

    std::size_t capacity_;
    std::unordered_map<ClientId, ClientInfo> clients_;
};

}  // namespace tristar::gateway
