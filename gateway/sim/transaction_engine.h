#pragma once
// One request at a time, like the device: requests from every connection and the serial line
// enter one queue; the head is executed, its reply held for the response delay, then released.
// A request that arrives while another is being served (received, reply not yet sent or
// withheld) is an overlap: counted, queued, served later, in arrival order, however late the
// reply before it goes out (--delay-ms beyond a master's timeout). Pure with respect to I/O: the
// loop submits requests, asks for the next deadline and sends what run_due() hands back.
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "gateway/sim/device_model.h"
#include "gateway/sim/modbus_service.h"
#include "gateway/sim/quirks.h"
#include "gateway/sim/reply_shaper.h"
#include "gateway/sim/stats.h"
#include "gateway/sim/transaction.h"
#include "proto/modbus/framing.h"

namespace tristar::sim {

struct EngineConfig {
    ServiceOptions service;
    modbus::SerialFormat serial;  // for --wire-time
};

class TransactionEngine {
  public:
    TransactionEngine(DeviceModel& model, Quirks& quirks, Stats& stats, const EngineConfig& config);

    // False when the device ignores it (hung).
    bool submit(Incoming request);
    // Finishes what is due at `now` and starts what waits. Returns at most one finished
    // transaction, before the next one starts, so that the caller can deliver it and act on what
    // follows (a connection closed after its reply takes its queued requests along; a reset drops
    // the queue); call again until it returns nothing.
    std::vector<Outgoing> run_due(Clock::time_point now);
    std::optional<Clock::time_point> next_deadline() const;
    // The origin went away: its queued requests are dropped, its in-flight reply goes nowhere.
    void discard(const Origin& origin);
    void discard_all();
    // The queue goes and the reply in flight is withheld (the device still busy until it is due).
    void withhold_all();
    bool serving() const { return current_.has_value(); }
    // A request that came over `transport` is in flight or waits.
    bool serving(Transport transport) const;
    std::size_t queued() const { return queue_.size(); }

  private:
    struct InFlight {
        Clock::time_point due;
        Outgoing out;
    };

    void start(const Incoming& request, Clock::time_point at);
    // Busy (--busy-rate) or a bad exception (--bad-exception-rate) in place of execution.
    std::optional<ServiceOutcome> answer_unexecuted(const Incoming& request);
    ServiceOutcome execute(const Incoming& request);
    std::chrono::microseconds delay_for(const Outgoing& out, const ServiceOutcome& outcome);
    void hang();

    DeviceModel& model_;
    Quirks& quirks_;
    Stats& stats_;
    EngineConfig config_;
    ReplyShaper shaper_;
    std::deque<Incoming> queue_;
    std::optional<InFlight> current_;
    std::optional<Clock::time_point> next_start_;  // when the waiting head may start
};

}  // namespace tristar::sim
