#pragma once
// Bridge: tristar-bridge's one loop (design.md 5). It wires the Listener, the Connections and
// the GatewayRequests together: each complete request ADU a connection reads goes to the request
// path, which answers it in its connection's queue. One thread: the
// loop polls the gateway's DEALER socket, a stop fd, the listening socket and every connection
// together (zmq::poll), so nothing needs a lock and nothing blocks. Which connections stay open
// (caps, eviction, timeouts) is the ConnectionTable's business.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "gateway/bridge/config.h"
#include "gateway/bridge/connection.h"
#include "gateway/bridge/connection_table.h"
#include "gateway/bridge/gateway_requests.h"
#include "gateway/bridge/listener.h"

namespace tristar::bridge {

class Bridge {
  public:
    // Binds the listening socket (throws std::runtime_error when it cannot) and connects the
    // gateway client (lazily: the gateway need not be up yet).
    Bridge(const BridgeConfig& config, zmq::context_t& context);
    ~Bridge();
    Bridge(const Bridge&) = delete;
    Bridge& operator=(const Bridge&) = delete;

    // The address it listens on, port resolved: tcp://HOST:PORT.
    std::string endpoint() const { return listener_.endpoint(); }

    // Runs until `stop_fd` becomes readable (a signalfd for SIGTERM/SIGINT). Returns 0.
    int run(int stop_fd);

  private:
    void poll_once(int stop_fd, bool& stop);
    void accept_all();
    void serve(std::uint64_t id, short revents);
    std::chrono::milliseconds wait_time(SteadyTime now) const;

    BridgeConfig config_;
    Listener listener_;
    ConnectionTable connections_;
    GatewayRequests requests_;
};

}  // namespace tristar::bridge
