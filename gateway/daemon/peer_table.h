#pragma once
// PeerTable: the ROUTER's client connections, by file descriptor, as ZeroMQ's socket monitor
// reports them (accepted, disconnected) and as messages arrive on them. It answers two
// questions the ROUTER cannot: which client went away when a connection closed (its queued
// requests are dropped), and which connections to close when there are more than
// max_connections (idle connections would otherwise exhaust the process's file descriptors).
//
// Victims, never the connection just accepted: first the connections that never sent a
// message, oldest first (an idle flood); then the one silent longest. Pure: the caller passes
// the time and closes the victims; a victim counts no more from the moment it is chosen.
#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "gateway/daemon/scheduler.h"

namespace tristar::gateway {

class PeerTable {
  public:
    explicit PeerTable(std::size_t max_connections);

    // A connection was accepted on `fd`; returns the fds to close now (never `fd` itself).
    std::vector<int> accepted(int fd, Clock::time_point now);
    // A message arrived on `fd` from `client` (the ROUTER's routing id). Unknown fds are ignored.
    void spoke(int fd, const ClientId& client, Clock::time_point now);
    // The connection on `fd` closed: the client it carried, if it sent anything.
    std::optional<ClientId> closed(int fd);

    std::size_t open() const { return peers_.size() - closing_; }  // not counting victims
    std::size_t max_connections() const { return max_; }

  private:
    struct Peer {
        Clock::time_point since;  // accepted, then the last message
        std::optional<ClientId> client;
        bool closing = false;
    };
    std::optional<int> victim(int spare) const;

    std::size_t max_;
    std::unordered_map<int, Peer> peers_;
    std::size_t closing_ = 0;
};

}  // namespace tristar::gateway
