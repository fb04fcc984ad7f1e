#pragma once
// Front: the gateway's front loop (design.md 3.1). It only wires the parts: the ROUTER
// socket(s), Admission (what may queue), the ReadPlanner (cache, merging, read-ahead), the
// LinkScheduler (the link's time: pacing, retries, deadlines, breaker), the FailureLog and the
// status. One zmq_poll over the ROUTER, the link mailbox's eventfd and a signalfd; it sleeps
// until the next deadline, the end of the link's pause or the next maintenance, and never
// blocks on the device.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "gateway/base/signal_fd.h"
#include "gateway/daemon/admission.h"
#include "gateway/daemon/config.h"
#include "gateway/daemon/connection_watch.h"
#include "gateway/daemon/failure_log.h"
#include "gateway/daemon/health.h"
#include "gateway/daemon/housekeeping.h"
#include "gateway/daemon/in_flight.h"
#include "gateway/daemon/link_health.h"
#include "gateway/daemon/link_mailbox.h"
#include "gateway/daemon/link_scheduler.h"
#include "gateway/daemon/pending.h"
#include "gateway/daemon/read_path.h"
#include "gateway/daemon/read_planner.h"
#include "gateway/daemon/replies.h"

namespace tristar::gateway {

// The ReadPath carries out the planner's reads, Replies answers, Housekeeping runs the daily
// maintenance and the once-a-minute chores; the Front dispatches, finishes writes and reports.
class Front {
  public:
    // Binds every endpoint of config.server; throws zmq::error_t.
    Front(zmq::context_t& context, const Config& config, LinkMailbox& mailbox);
    Front(const Front&) = delete;  // its parts hold references to each other
    Front& operator=(const Front&) = delete;

    // The endpoints actually bound (a tcp port of 0 or * is resolved).
    const std::vector<std::string>& endpoints() const { return endpoints_; }

    // Serves until a signal arrives on `signals`. False when the link worker died.
    bool run(SignalFd& signals);

  private:
    void on_client_frames();
    void on_connection_events(Clock::time_point now);
    void drop_departed(const ClientId& client);
    void admit(std::vector<std::string> envelope, const zmq::message_t& payload);
    void enqueue(Pending pending);
    void service_link(Clock::time_point now);
    void dispatch(const Job& job, Clock::time_point now);
    bool on_link_result();
    InFlight plan_transaction(Ticket ticket, Clock::time_point now);
    void finish_write(const InFlight& done, const LinkResult& result);
    void run_maintenance();
    v1::Status status() const;
    int poll_timeout_ms() const;

    Config config_;
    zmq::socket_t router_;
    LinkMailbox& mailbox_;
    ConnectionWatch watch_;  // before the endpoints are bound
    std::vector<std::string> endpoints_;
    Health health_;
    LinkScheduler link_;
    LinkHealth link_health_;
    Admission admission_;
    ReadPlanner planner_;
    FailureLog failures_;
    PendingMap pending_;
    std::optional<InFlight> in_flight_;
    Replies replies_;
    ReadPath reads_;
    Housekeeping housekeeping_;
    Ticket next_ticket_ = 1;
    Clock::time_point started_ = Clock::now();
};

}  // namespace tristar::gateway
