#pragma once
// ConnectionTable: the bridge's open Modbus-TCP connections, by id, and which of them stay. It
// admits every new connection (closing first the ones their peer already closed, then the one
// ConnectionPolicy evicts), closes those past the idle or frame timeout, and logs each of
// these events through ConnectionLog. The Bridge reads and answers the connections; this only
// decides who is in the table.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gateway/bridge/connection.h"
#include "gateway/bridge/connection_log.h"
#include "gateway/bridge/connection_policy.h"
#include "gateway/bridge/listener.h"

namespace tristar::bridge {

class ConnectionTable {
  public:
    using Event = ConnectionLog::Event;

    ConnectionTable(const ConnectionLimits& limits, std::size_t max_pending,
                    std::chrono::milliseconds log_interval);

    // Adds the connection; never refuses it (the policy makes room).
    void admit(Accepted accepted, SteadyTime now);
    // Closes the connections past a timeout, and logs the summaries due.
    void expire(SteadyTime now);
    // The earliest time expire() has something to do, if any.
    std::optional<SteadyTime> next_deadline() const;

    Connection* find(std::uint64_t id);
    const Connection* find(std::uint64_t id) const;
    const std::map<std::uint64_t, Connection>& all() const { return connections_; }
    std::size_t size() const { return connections_.size(); }

    // Closes a connection that failed: its peer closed it, a socket error, a malformed frame
    // (Connection::error() says which).
    void close_failed(std::uint64_t id);
    void close(std::uint64_t id, Event event, const std::string& why);
    // The connection events since start, for the stop line.
    std::string totals() const { return log_.totals(); }

  private:
    std::vector<ConnectionActivity> activities() const;
    void drop_departed(const std::string& host);
    void evict(const Admission& admission, const std::string& newcomer, SteadyTime now);

    ConnectionLimits limits_;
    std::size_t max_pending_;
    ConnectionLog log_;
    std::map<std::uint64_t, Connection> connections_;
    std::uint64_t next_id_ = 1;
};

}  // namespace tristar::bridge
