#pragma once
// Front: the gateway's front loop (design.md 3.1). It only wires the parts: the ROUTER
// socket(s), Admission (what may queue), the ReadPlanner (cache, merging, read-ahead), the
// LinkScheduler (the link's time: pacing, retries, deadlines, breaker), the FailureLog and the
// status. One zmq_poll over the ROUTER, the link mailbox's eventfd and a signalfd; it sleeps
// until the next deadline, the end of the link's pause or the next maintenance, and never
// blocks on the device.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <zmq.hpp>

#include "gateway/base/signal_fd.h"
#include "gateway/daemon/admission.h"
#include "gateway/daemon/config.h"
#include "gateway/daemon/connection_watch.h"
#include "gateway/daemon/failure_log.h"
#include "gateway/daemon/health.h"
#include "gateway/daemon/link_health.h"
#include "gateway/daemon/link_mailbox.h"
#include "gateway/daemon/link_scheduler.h"
#include "gateway/daemon/maintenance.h"
#include "gateway/daemon/pending.h"
#include "gateway/daemon/read_planner.h"

namespace tristar::gateway {

// Microseconds from `from` to `to`, 0 if `to` is earlier.
inline std::uint64_t us_between(Clock::time_point from, Clock::time_point to) {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(to - from).count();
    return static_cast<std::uint64_t>(std::max<std::int64_t>(0, us));
}

inline std::int64_t unix_ms_now() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch()).count();
}

class Front {
public:
    // Binds every endpoint of config.server; throws zmq::error_t.
    Front(zmq::context_t& context, const Config& config, LinkMailbox& mailbox);

    // The endpoints actually bound (a tcp port of 0 or * is resolved).
    const std::vector<std::string>& endpoints() const { return endpoints_; }

    // Serves until a signal arrives on `signals`. False when the link worker died.
    bool run(SignalFd& signals);

private:
    // The one try on the wire and every request it will answer.
    struct InFlight {
        LinkRequest link;
        std::optional<Span> span;  // reads: what is being read (maybe widened)
        bool widened = false;
        std::vector<Ticket> waiters;
        Clock::time_point started;
    };

    void on_client_frames();
    void on_connection_events(Clock::time_point now);
    void drop_departed(const ClientId& client);
    void admit(std::vector<std::string> envelope, const zmq::message_t& payload);
    void enqueue(Pending pending);
    void service_link(Clock::time_point now);
    void dispatch(const Job& job, Clock::time_point now);
    bool on_link_result();
    // Reads (front_reads.cpp).
    std::optional<Span> span_of(const v1::Request& request) const;
    bool serve_from_cache(const Pending& pending, Clock::time_point now);
    bool join_in_flight(Pending& pending);
    InFlight plan_transaction(Ticket ticket, Clock::time_point now);
    void finish_read(const InFlight& done, const LinkResult& result);
    std::vector<Ticket> requeue_riders(const InFlight& done, bool all);
    void note_read_failure(const Pending& pending, const v1::Reply& reply);
    // Writes and every failed try.
    void finish_write(const InFlight& done, const LinkResult& result);
    bool retry(Ticket ticket, const LinkResult& result);
    // Daily maintenance (front_maintenance.cpp): the comm-server reset, queued as a write.
    void run_maintenance();
    // Once a minute, off the per-message path: the rate-limited log lines' summaries, and free
    // heap pages back to the system (malloc_trim): glibc keeps what a thread's arena once held,
    // and the link worker's connections (one per transaction on a TriStar) fragment it, so the
    // resident set crept for hours although the heap in use is flat.
    void every_minute();
    int maintenance_timeout_ms() const;
    void answer(const Pending& pending, v1::Reply& reply);
    void answer_error(const Pending& pending, v1::ErrorCode code, const std::string& message);
    void send_reply(const std::vector<std::string>& envelope, const v1::Reply& reply);
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
    std::unordered_map<Ticket, Pending> pending_;
    std::optional<InFlight> in_flight_;
    DailySchedule maintenance_;
    std::optional<DailySchedule::TimePoint> next_maintenance_;
    Ticket next_ticket_ = 1;
    Clock::time_point started_ = Clock::now();
    Clock::time_point next_minute_ = Clock::now() + std::chrono::minutes{1};
};

}  // namespace tristar::gateway
