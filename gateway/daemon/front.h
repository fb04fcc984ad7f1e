#pragma once
// Front: the gateway's front loop (design.md 3.1). It only wires the parts: the ROUTER
// socket(s), Admission (what may queue), per device the ReadPath and ReadPlanner (cache,
// merging, read-ahead), the FailureLog and the health figures, per link the LinkScheduler (the
// link's time: pacing, retries, deadlines, breakers) and the mailbox to its worker, and the
// status. One zmq_poll over the ROUTER, every link mailbox's eventfd and a signalfd; it sleeps
// until the next deadline, the end of a link's pause or the next maintenance, and never blocks
// on a device.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "gateway/base/signal_fd.h"
#include "gateway/daemon/admission.h"
#include "gateway/daemon/config.h"
#include "gateway/daemon/connection_watch.h"
#include "gateway/daemon/health.h"
#include "gateway/daemon/housekeeping.h"
#include "gateway/daemon/pending.h"
#include "gateway/daemon/replies.h"
#include "gateway/daemon/served_device.h"

namespace tristar::gateway {

// The ReadPath carries out the planner's reads, Replies answers, Housekeeping runs the daily
// maintenance and the once-a-minute chores; the Front dispatches, finishes writes and reports.
// The ReadPaths carry out the planners' reads, Replies answers, Housekeeping runs the daily
// maintenance and the once-a-minute chores; the Front dispatches, finishes writes and reports.
class Front {
  public:
    // Binds every endpoint of config.server; throws zmq::error_t. `mailboxes`: one per link of
    // group_links(config.devices), in that order.
    Front(zmq::context_t& context, const Config& config, std::vector<LinkMailbox*> mailboxes);
    Front(const Front&) = delete;  // its parts hold references to each other
    Front& operator=(const Front&) = delete;

    // The endpoints actually bound (a tcp port of 0 or * is resolved).
    const std::vector<std::string>& endpoints() const { return endpoints_; }

    // Serves until a signal arrives on `signals`. False when a link worker died.
    bool run(SignalFd& signals);

  private:
    void on_client_frames();
    void on_connection_events(Clock::time_point now);
    void drop_departed(const ClientId& client);
    void admit(std::vector<std::string> envelope, const zmq::message_t& payload);
    void route_by_unit(Pending& pending) const;
    void enqueue(Pending pending);
    void expire(ServedLink& link, Clock::time_point now);
    void service_link(ServedLink& link, Clock::time_point now);
    void fail_fast(ServedLink& link, const LinkScheduler::Decision& decision,
                   Clock::time_point now);
    void dispatch(ServedLink& link, std::size_t device, const Job& job, Clock::time_point now);
    bool on_link_result(ServedLink& link);
    void note_try(ServedDevice& device, const LinkResult& result);
    InFlight plan_transaction(ServedDevice& device, Ticket ticket, Clock::time_point now);
    void finish_write(ServedDevice& device, const InFlight& done, const LinkResult& result);
    void run_maintenance();
    bool has_queued(const ClientId& client) const;
    const char* state_of(const ServedDevice& device, Clock::time_point now) const;
    v1::Status status() const;
    int poll_timeout_ms() const;

    Config config_;
    zmq::socket_t router_;
    ConnectionWatch watch_;  // before the endpoints are bound
    std::vector<std::string> endpoints_;
    Health health_;  // the gateway's own: admission, replies, connections
    std::vector<std::unique_ptr<ServedLink>> links_;
    std::vector<std::unique_ptr<ServedDevice>> devices_;
    Admission admission_;
    PendingMap pending_;
    Replies replies_;
    Housekeeping housekeeping_;
    Ticket next_ticket_ = 1;
    Clock::time_point started_ = Clock::now();
};

}  // namespace tristar::gateway
