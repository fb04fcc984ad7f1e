#pragma once
// Front: the gateway's front loop (design.md 3.1). Owns the ROUTER socket(s), the scheduler, the
// health figures and the link socket; never blocks on the device. One zmq_poll over the ROUTER,
// the inproc link socket and a signalfd; the only timer is the earliest queued deadline.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <zmq.hpp>

#include "gateway/daemon/config.h"
#include "gateway/daemon/health.h"
#include "gateway/daemon/link_types.h"
#include "gateway/daemon/scheduler.h"
#include "gateway/daemon/validation.h"

namespace tristar::gateway {

class Front {
public:
    // Binds every endpoint of config.server and the inproc link endpoint; throws zmq::error_t.
    Front(zmq::context_t& context, const Config& config, const std::string& link_endpoint);

    // The endpoints actually bound (a tcp port of 0 or * is resolved).
    const std::vector<std::string>& endpoints() const { return endpoints_; }

    // Serves until a signal arrives on signal_fd. False when the link worker died.
    bool run(int signal_fd);

    // Tells the link worker to stop (after run returns).
    void stop_link();

private:
    struct Pending {
        std::vector<std::string> envelope;  // routing frames, echoed before the reply
        v1::Request request;
        ClientId client;
        Clock::time_point arrival;
    };
    struct ClientInfo {
        std::string name;
        std::uint64_t requests = 0;
        Clock::time_point last_seen;
    };

    void on_client_frames();
    void admit(std::vector<std::string> envelope, const zmq::message_t& payload);
    bool on_link_result();
    void expire(Clock::time_point now);
    void dispatch();
    void answer(const Pending& pending, v1::Reply& reply);
    void answer_error(const Pending& pending, v1::ErrorCode code, const std::string& message);
    void send_reply(const std::vector<std::string>& envelope, const v1::Reply& reply);
    void note_client(const ClientId& client, const std::string& name, Clock::time_point now);
    void log_write(const Pending& pending, const v1::Reply& reply) const;
    v1::Status status() const;
    int poll_timeout_ms() const;

    Config config_;
    ValidationLimits limits_;
    zmq::socket_t router_;
    zmq::socket_t link_;
    std::vector<std::string> endpoints_;
    Scheduler scheduler_;
    std::unordered_map<Ticket, Pending> pending_;
    std::unordered_map<ClientId, ClientInfo> clients_;
    std::optional<Ticket> in_flight_;
    Ticket next_ticket_ = 1;
    Health health_;
    LinkInfo link_info_;
    std::string last_error_;
    Clock::time_point started_ = Clock::now();
};

// The scheduling lane of a request: writes first, then the read's priority.
Lane lane_of(const v1::Request& request);

// The LinkRequest that carries a validated request to the device.
LinkRequest link_request_of(const v1::Request& request, std::uint8_t default_unit);

// The reply to a request from its device transaction's result.
v1::Reply reply_of(const v1::Request& request, const LinkResult& result);

}  // namespace tristar::gateway
