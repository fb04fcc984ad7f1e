#pragma once
// The Modbus TCP face: a listening socket and its connections, each with an MBAP stream parser
// and an output buffer. Policy (close after each response, one connection only, refusing during
// a reset) is decided by the caller; this class does the socket work.
#include <poll.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "gateway/base/unique_fd.h"
#include "gateway/sim/stats.h"
#include "gateway/sim/transaction_engine.h"
#include "proto/modbus/framing.h"

namespace tristar::sim {

struct TcpPolicy {
    bool refuse = false;             // resetting: accept and close at once
    bool single_connection = false;  // at most one connection open
};

class TcpServer {
  public:
    // Binds and listens; port 0 picks a free port. Throws std::runtime_error on failure.
    TcpServer(const std::string& host, std::uint16_t port, Stats& stats);

    std::string endpoint() const;  // "tcp://HOST:PORT" with the real port
    std::uint16_t port() const { return port_; }

    // The listening socket first, then one entry per connection (order kept for on_events).
    std::vector<pollfd> poll_entries();
    // Handles the revents of the entries poll_entries() returned. Requests go to `requests`;
    // connections that closed are reported in `closed` (their queued requests must go).
    void on_events(std::span<const pollfd> entries, const TcpPolicy& policy,
                   std::vector<Incoming>& requests, std::vector<std::uint64_t>& closed);
    // Queues a reply; with close_after the connection closes once it is written.
    void send(std::uint64_t id, const modbus::Bytes& frame, bool close_after,
              std::vector<std::uint64_t>& closed);
    // Drops every connection (after a last flush of what is queued).
    void close_all(std::vector<std::uint64_t>& closed);
    std::size_t connection_count() const { return connections_.size(); }

  private:
    struct Connection {
        UniqueFd fd;
        modbus::MbapStreamParser parser;
        modbus::Bytes out;
        bool closing = false;  // close once `out` is written; ignore further input
        std::string peer;
    };

    void accept_all(const TcpPolicy& policy);
    bool read_from(std::uint64_t id, Connection& c, std::vector<Incoming>& requests);
    bool flush(Connection& c);  // false: the connection failed
    void close(std::uint64_t id, std::vector<std::uint64_t>& closed);

    std::string host_;
    std::uint16_t port_ = 0;
    UniqueFd listen_fd_;
    Stats& stats_;
    std::map<std::uint64_t, Connection> connections_;
    std::vector<std::uint64_t> polled_;  // connection ids in poll_entries() order
    std::uint64_t next_id_ = 1;
};

}  // namespace tristar::sim
