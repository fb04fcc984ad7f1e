#pragma once
// GatewayRequests: the publisher's client socket to the gateway and the requests it has not
// answered yet (polls, control writes with their D-Bus caller, DVCC's writes). A request left
// unanswered for too long means the gateway is gone or stuck: the owner gives up on them all
// (give_up(): each counts as failed) and connects again, which replaces the socket and so also
// discards requests still queued in it (a control write must never run minutes later, when the
// gateway comes back). Every request is for the config's device (PublisherConfig::device). One
// thread: the publisher's loop.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>
#include <zmq.hpp>

#include "gateway/client/client.h"
#include "publisher/bus_service.h"
#include "publisher/config.h"
#include "publisher/controls.h"
#include "publisher/dvcc_write.h"
#include "publisher/poll_plan.h"

namespace tristar::publisher {

namespace v1 = tristar::gateway::v1;

// A request the gateway has not answered yet: a poll, or a control write with its caller.
struct Outstanding {
    std::optional<Poll> poll;
    SteadyTime sent;
    std::string path;  // control writes: the path set
    SetReply reply;
    std::optional<CoilWrite> write;
    std::optional<DvccWrite> dvcc;  // a write of DVCC's (dvcc_driver.h)
};

class GatewayRequests {
  public:
    // Reads the CURVE keys the config names (a key file that cannot be read stops the program
    // with its name); connects only in connect(). Its sockets are of `context`, which must
    // outlive this (one context for every device a process publishes).
    GatewayRequests(const PublisherConfig& config, zmq::context_t& context);

    // A new socket whose requests carry `deadline`; what the old one held is dropped.
    void connect(std::chrono::milliseconds deadline);
    void set_deadline(std::chrono::milliseconds deadline);
    // Sends `request` and keeps `pending` until its reply comes or give_up().
    std::uint64_t send(v1::Request request, Outstanding pending);
    // Sends without keeping it: the caller waits for the reply itself with receive().
    std::uint64_t send_untracked(v1::Request request) { return gateway_->send(std::move(request)); }
    std::optional<v1::Reply> receive(std::chrono::milliseconds timeout) {
        return gateway_->receive(timeout);
    }
    // Every reply waiting on the socket to a request still kept, with that request (no longer
    // kept when `on_reply` runs). Replies to requests given up on are dropped.
    void receive_replies(
        const std::function<void(Outstanding& done, const v1::Reply& reply)>& on_reply);

    // Some request has waited `give_up_after` or longer.
    bool overdue(SteadyTime now, std::chrono::milliseconds give_up_after) const;
    // Forgets every request and returns them; logs once per outage at warning level.
    std::vector<Outstanding> give_up();
    // The earlier of `next` and the moment a request becomes overdue.
    SteadyTime next_give_up(SteadyTime next, std::chrono::milliseconds give_up_after) const;
    // A control write of `path` is on its way.
    bool writing(std::string_view path) const;
    void* socket_handle() { return gateway_->socket().handle(); }

  private:
    std::string endpoint_;
    std::string device_;
    zmq::context_t& context_;
    std::optional<client::CurveKeys> curve_;
    std::unique_ptr<client::GatewayClient> gateway_;
    std::unordered_map<std::uint64_t, Outstanding> outstanding_;
    bool silent_ = false;  // given up waiting; logged once until a reply comes
};

}  // namespace tristar::publisher
