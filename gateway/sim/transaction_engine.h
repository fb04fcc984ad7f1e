#pragma once
// One request at a time, like the device: requests from every connection and the serial line
// enter one queue; the head is executed, its reply held for the response delay, then released.
// A request that arrives while another is being served (received, reply not yet sent or dropped)
// is an overlap: counted, queued, served later. Pure with respect to I/O: the loop submits
// requests, asks for the next deadline and sends what run_due() hands back.
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "gateway/sim/device_model.h"
#include "gateway/sim/modbus_service.h"
#include "gateway/sim/quirks.h"
#include "gateway/sim/stats.h"
#include "proto/modbus/framing.h"

namespace tristar::sim {

using Clock = std::chrono::steady_clock;

enum class Transport { tcp, rtu };

struct Origin {
    Transport transport = Transport::tcp;
    std::uint64_t connection = 0;  // TCP connection id

    bool operator==(const Origin&) const = default;
};

struct Incoming {
    Origin origin;
    std::uint16_t transaction_id = 0;  // TCP only
    std::uint8_t unit_id = 0;
    modbus::Bytes pdu;
};

// A finished transaction: the framed reply (nothing when dropped or broadcast) and what the
// command asks of the transports once the reply is out.
struct Outgoing {
    Origin origin;
    std::optional<modbus::Bytes> frame;
    CommandEffect effect = CommandEffect::none;
};

struct EngineConfig {
    ServiceOptions service;
    modbus::SerialFormat serial;  // for --wire-time
};

class TransactionEngine {
  public:
    TransactionEngine(DeviceModel& model, Quirks& quirks, Stats& stats, const EngineConfig& config);

    void submit(Incoming request);
    // Finishes and starts what is due at `now`. Stops after a transaction with an effect so that
    // the caller can apply it (e.g. drop the queue) before anything else is served.
    std::vector<Outgoing> run_due(Clock::time_point now);
    std::optional<Clock::time_point> next_deadline() const;
    // The origin went away: its queued requests are dropped, its in-flight reply goes nowhere.
    void discard(const Origin& origin);
    void discard_all();
    bool serving() const { return current_.has_value(); }
    std::size_t queued() const { return queue_.size(); }

  private:
    struct InFlight {
        Clock::time_point due;
        Outgoing out;
    };

    void start(const Incoming& request, Clock::time_point now);
    ServiceOutcome execute(const Incoming& request);
    Outgoing reply_for(const Incoming& request, const ServiceOutcome& outcome, bool executed);
    bool drops_write_reply(const ServiceOutcome& outcome) const;
    modbus::Bytes frame(const Incoming& request, const modbus::Bytes& pdu, bool corrupt) const;
    void hang();

    DeviceModel& model_;
    Quirks& quirks_;
    Stats& stats_;
    EngineConfig config_;
    std::deque<Incoming> queue_;
    std::optional<InFlight> current_;
};

}  // namespace tristar::sim
