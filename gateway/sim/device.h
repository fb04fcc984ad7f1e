#pragma once
// One simulated TriStar: its model, quirks, transaction engine and stats, and when it answers
// (after a controller or comm-server reset, while silenced by a control command). The loop routes
// each request to the device it is for and delivers what the device releases; the device knows
// no sockets.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "gateway/base/json_text.h"
#include "gateway/sim/device_model.h"
#include "gateway/sim/options.h"
#include "gateway/sim/quirks.h"
#include "gateway/sim/stats.h"
#include "gateway/sim/transaction_engine.h"

namespace tristar::sim {

class Device {
  public:
    Device(const DeviceOptions& options, Clock::time_point start);
    // The engine holds references into the device.
    Device(const Device&) = delete;
    Device& operator=(const Device&) = delete;

    const DeviceOptions& options() const { return options_; }
    const std::string& name() const { return options_.name; }
    // The unit id it answers on a serial line (a controller reset may apply a new one).
    std::uint8_t unit_id() const { return model_.unit_id(); }

    // Moves the model's time on to `now`.
    void advance(Clock::time_point now);
    // Takes a request to serve; false when it falls on deaf ears (resetting, silenced, hung).
    bool submit(Incoming request, Clock::time_point now);
    // Finished transactions, one at a time (TransactionEngine::run_due).
    std::vector<Outgoing> run_due(Clock::time_point now) { return engine_.run_due(now); }
    std::optional<Clock::time_point> next_deadline() const;
    // A request that came over `transport` is being served or waits.
    bool serving(Transport transport) const { return engine_.serving(transport); }
    // The origin went away: its requests go, its reply goes nowhere.
    void discard(const Origin& origin) { engine_.discard(origin); }

    // Acts on what a delivered reply's command asks; true when the TCP connections must drop.
    bool apply_effect(CommandEffect effect, Clock::time_point now);
    // Accepting TCP connections (not in a reset).
    bool tcp_available(Clock::time_point now) const { return now >= tcp_unavailable_until_; }

    // Stops answering, for `period` or until revive(): requests are ignored on every transport,
    // what waits is dropped and the reply in flight is withheld.
    void silence(std::optional<Clock::duration> period, Clock::time_point now);
    void revive();
    // Ends a timed silence that is over by `now`; true when it did.
    bool end_silence(Clock::time_point now);
    bool silenced(Clock::time_point now) const { return silenced_until_ && now < *silenced_until_; }

    Stats& stats() { return stats_; }
    // The stats object of docs/simulator.md, as of `now`.
    Json stats_json(Clock::time_point now);

  private:
    bool answers(const Incoming& request, Clock::time_point now) const;

    DeviceOptions options_;
    DeviceModel model_;
    Quirks quirks_;
    Stats stats_;
    TransactionEngine engine_;
    Clock::time_point last_advance_;
    Clock::time_point tcp_unavailable_until_{};     // comm-server or controller reset
    Clock::time_point device_unavailable_until_{};  // controller reset: RTU too
    std::optional<Clock::time_point> silenced_until_;
};

}  // namespace tristar::sim
