#pragma once
// GatewayRequests: the bridge's request path. A complete request ADU becomes one gateway request
// (or an immediate answer: a local one, or busy when too many are in flight); a gateway reply
// becomes the answer in its connection's queue; a request the gateway leaves unanswered for
// gateway_timeout is answered 0x0B, and a gateway that answers nothing at all gets a new socket.
// Owns the gateway client (DEALER) and the requests it has not answered; answers go to the
// connections of the Bridge's ConnectionTable. The translation itself is pure (translate.h,
// scaled_view.h).
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <zmq.hpp>

#include "gateway/bridge/config.h"
#include "gateway/bridge/connection.h"
#include "gateway/bridge/connection_table.h"
#include "gateway/bridge/translate.h"
#include "gateway/client/client.h"

namespace tristar::bridge {

class GatewayRequests {
  public:
    // Loads the CURVE keys (a key file that cannot be read stops the program with its name) and
    // connects the gateway client (lazily: the gateway need not be up yet).
    GatewayRequests(const BridgeConfig& config, zmq::context_t& context,
                    ConnectionTable& connections);
    ~GatewayRequests();
    GatewayRequests(const GatewayRequests&) = delete;
    GatewayRequests& operator=(const GatewayRequests&) = delete;

    // The DEALER socket to poll for replies.
    zmq::socket_t& socket() { return gateway_->socket(); }

    // One request ADU of connection `id`.
    void dispatch(std::uint64_t id, Connection& connection, const modbus::TcpAdu& adu);
    void receive_replies();
    void expire_overdue(SteadyTime now);
    // Asks the gateway for its devices when the default mapping needs them (at start, again
    // while unanswered, then every few minutes): unit_map.h.
    void discover(SteadyTime now);
    // When the oldest outstanding request is due, or the next discovery, if any.
    std::optional<SteadyTime> next_deadline() const;
    const UnitMap& units() const { return units_; }
    std::size_t outstanding() const { return outstanding_.size(); }

  private:
    // A request sent to the gateway and not answered yet.
    struct Outstanding {
        std::uint64_t connection;
        std::uint64_t slot;
        modbus::Request request;
        Target target;
        SteadyTime sent;
    };

    void connect_gateway();
    void on_reply(const v1::Reply& reply);
    void on_devices(const v1::Status& status);
    void deliver(std::uint64_t connection, std::uint64_t slot, const modbus::Bytes& pdu);
    void answer_no_reply(const Outstanding& done);
    void log_outcome(const Outstanding& done, const modbus::Bytes& pdu,
                     const v1::Reply* reply) const;

    BridgeConfig config_;
    TranslateOptions translate_;
    UnitMap units_;
    std::optional<std::uint64_t> discovery_id_;  // the status request in flight
    std::optional<SteadyTime> next_discovery_;   // nothing: [[bridge.units]] is the mapping
    zmq::context_t& context_;
    ConnectionTable& connections_;
    // Read once at start (a key file that cannot be read stops the program with its name).
    std::optional<client::CurveKeys> curve_;
    std::unique_ptr<client::GatewayClient> gateway_;
    std::map<std::uint64_t, Outstanding> outstanding_;  // by request id: the oldest first
    std::uint64_t next_request_ = 1;
    SteadyTime last_reply_{};
    bool gateway_silent_ = false;  // logged once per outage
};

}  // namespace tristar::bridge
