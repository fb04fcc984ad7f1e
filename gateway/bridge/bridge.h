#pragma once
// Bridge: tristar-bridge's one loop (design.md 5). It wires the Listener, the Connections and
// the gateway client together: each complete request ADU becomes one gateway request (or an
// immediate exception), each gateway reply becomes the answer in its connection's queue, and a
// request the gateway leaves unanswered for gateway_timeout is answered 0x0B. One thread: the
// loop polls the gateway's DEALER socket, a stop fd, the listening socket and every connection
// together (zmq::poll), so nothing needs a lock and nothing blocks. Which connections stay open
// (caps, eviction, timeouts) is the ConnectionTable's business.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "gateway/bridge/config.h"
#include "gateway/bridge/connection.h"
#include "gateway/bridge/connection_table.h"
#include "gateway/bridge/listener.h"
#include "gateway/bridge/translate.h"
#include "gateway/client/client.h"

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
    // A request sent to the gateway and not answered yet.
    struct Outstanding {
        std::uint64_t connection;
        std::uint64_t slot;
        modbus::Request request;
        Target target;
        SteadyTime sent;
    };

    // Sockets (bridge.cpp).
    void connect_gateway();
    void poll_once(int stop_fd, bool& stop);
    void accept_all();
    void serve(std::uint64_t id, short revents);
    void deliver(std::uint64_t connection, std::uint64_t slot, const modbus::Bytes& pdu);
    std::chrono::milliseconds wait_time(SteadyTime now) const;

    // Requests and replies (bridge_requests.cpp).
    void dispatch(std::uint64_t id, Connection& connection, const modbus::TcpAdu& adu);
    void receive_replies();
    void on_reply(const v1::Reply& reply);
    void expire_overdue(SteadyTime now);
    void log_outcome(const Outstanding& done, const modbus::Bytes& pdu,
                     const v1::Reply* reply) const;

    BridgeConfig config_;
    TranslateOptions translate_;
    zmq::context_t& context_;
    Listener listener_;
    // Read once at start (a key file that cannot be read stops the program with its name).
    std::optional<client::CurveKeys> curve_ = client::load_curve_keys(client::CurveKeyFiles{
        config_.server_public_key_file, config_.client_secret_key_file, config_.client_public_key_file});
    std::unique_ptr<client::GatewayClient> gateway_;
    ConnectionTable connections_;
    std::map<std::uint64_t, Outstanding> outstanding_;  // by request id: the oldest first
    std::uint64_t next_request_ = 1;
    SteadyTime last_reply_{};
    bool gateway_silent_ = false;  // logged once per outage
};

// Runs tristar-bridge with argv; returns the exit code (0 ok, 1 runtime failure, 2 usage).
int bridge_main(int argc, char** argv);

}  // namespace tristar::bridge
