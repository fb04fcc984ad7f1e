#pragma once
// ConnectionWatch: the ROUTER's connections as ZeroMQ's socket monitor reports them, kept in a
// PeerTable. It tells the front loop which clients went away (their connection closed) and
// closes connections beyond max_connections (the longest silent first) by shutting their socket
// down; ZeroMQ then closes it like any connection its peer dropped.
//
// Ordering: ZeroMQ reports a disconnection before it closes the fd, so draining the monitor
// before reading each client message means a message always meets the table's current owner of
// its fd, even when the fd number was reused at once.
#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>
#include <zmq.hpp>

#include "gateway/daemon/peer_table.h"

namespace tristar::gateway {

class ConnectionWatch {
  public:
    // Attaches a monitor to `router`; call before binding it, so no connection is missed.
    ConnectionWatch(zmq::context_t& context, zmq::socket_t& router, std::size_t max_connections);

    zmq::socket_t& socket() { return monitor_; }  // readable when events wait

    struct Events {
        std::vector<ClientId> departed;  // clients whose connection closed
        std::size_t evicted = 0;         // connections closed to stay within the bound
    };
    // Handles every event waiting, without blocking.
    Events drain(Clock::time_point now);

    // A message arrived on `fd` (ZMQ_SRCFD of the message; -1 for none) from `client`.
    void spoke(int fd, const ClientId& client, Clock::time_point now) {
        if (fd >= 0) peers_.spoke(fd, client, now);
    }
    std::size_t connections() const { return peers_.open(); }
    std::size_t max_connections() const { return peers_.max_connections(); }

  private:
    bool evict(int fd);

    zmq::socket_t monitor_;
    PeerTable peers_;
    std::unordered_map<int, std::string> endpoints_;  // fd -> the endpoint that accepted it
};

// The connections the gateway may accept: `configured`, but never so many that, with `reserve`
// descriptors kept for the device link, logs and the process itself, the soft RLIMIT_NOFILE
// would be reached (ZeroMQ spins when accept() fails with EMFILE).
std::size_t connection_bound(std::size_t configured, std::size_t reserve = 64);

}  // namespace tristar::gateway
