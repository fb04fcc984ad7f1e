#pragma once
// Front: the gateway's front loop (design.md 3.1). Owns the ROUTER socket(s), the scheduler, the
// health figures and the link socket; never blocks on the device. One zmq_poll over the ROUTER,
// the inproc link socket and a signalfd; the only timer is the earliest queued deadline.
#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include <zmq.hpp>

#include "gateway/daemon/cache.h"
#include "gateway/daemon/config.h"
#include "gateway/daemon/device_profile.h"
#include "gateway/daemon/health.h"
#include "gateway/daemon/maintenance.h"
#include "gateway/daemon/link_types.h"
#include "gateway/daemon/scheduler.h"
#include "gateway/daemon/validation.h"
#include "gateway/daemon/write_policy.h"

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
        Lane lane = Lane::interactive;
        Clock::time_point deadline;
        std::optional<Span> span;  // reads: what they ask for
        // Read on its own, never joined to another: a read that rode along in a bigger read the
        // device refused as a whole (exception 2), so another client's bad range cannot fail it.
        bool alone = false;
    };
    // The one device transaction on the wire and every request it will answer.
    struct InFlight {
        LinkRequest link;
        std::optional<Span> span;  // reads: what is being read (maybe widened)
        bool widened = false;
        std::vector<Ticket> waiters;
        Clock::time_point started;
    };
    struct ClientInfo {
        std::string name;
        std::uint64_t requests = 0;
        Clock::time_point last_seen;
    };

    void on_client_frames();
    void admit(std::vector<std::string> envelope, const zmq::message_t& payload);
    void enqueue(Pending pending, Clock::time_point now);
    // Reads (front_reads.cpp): served from the cache, joined to the transaction in flight,
    // or planned into one (widened, with every queued read it covers).
    bool serve_from_cache(const Pending& pending, Clock::time_point now);
    bool join_in_flight(Pending& pending);
    InFlight plan_transaction(Ticket ticket);
    std::optional<Span> read_ahead(const Span& span) const;
    void finish_read(const InFlight& done, const LinkResult& result);
    void finish_write(const InFlight& done, const LinkResult& result);
    void retry_narrow(const InFlight& done);
    void requeue(const InFlight& done, bool riders_only);
    std::optional<Span> span_of(const v1::Request& request) const;
    // Daily maintenance (front_maintenance.cpp): the comm-server reset, queued as a write.
    void run_maintenance();
    int maintenance_timeout_ms() const;
    bool is_internal(const Pending& pending) const { return pending.envelope.empty(); }
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
    std::optional<InFlight> in_flight_;
    DeviceProfile profile_;
    WritePolicy write_policy_;
    DailySchedule maintenance_;
    std::optional<DailySchedule::TimePoint> next_maintenance_;
    Cache cache_;
    ReadAhead read_ahead_;  // never automatic: resolved by the transport
    std::set<std::uint32_t> refused_widenings_;  // first address of blocks the device refused
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

// The reply to a request from its device transaction's result (errors and writes).
v1::Reply reply_of(const v1::Request& request, const LinkResult& result);

// The words a link result read (bits as 0/1 words).
std::vector<std::uint16_t> words_of(const LinkResult& result, bool bits);

// The reply to a read from the words it asked for (bits as 0/1 words).
v1::Reply read_reply(const v1::Request& request, std::span<const std::uint16_t> words);

}  // namespace tristar::gateway
