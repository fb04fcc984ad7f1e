#pragma once
// The simulator's one thread: a poll() loop over the signal fd, the TCP listener and connections,
// and the serial line. It advances the device model with the clock, feeds complete requests to the
// transaction engine, sends what the engine releases, applies resets, and rewrites the stats file.
// Sleeps in poll() until the next fd event or deadline; never busy-waits.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gateway/base/signal_fd.h"
#include "gateway/sim/device_model.h"
#include "gateway/sim/options.h"
#include "gateway/sim/quirks.h"
#include "gateway/sim/rtu_server.h"
#include "gateway/sim/stats.h"
#include "gateway/sim/tcp_server.h"
#include "gateway/sim/transaction_engine.h"

namespace tristar::sim {

class SimLoop {
  public:
    // Opens the transports (throws std::runtime_error on failure) and reports each endpoint
    // ("tcp://HOST:PORT", then "rtu://DEVICE") through `announce` once it is ready.
    SimLoop(const SimOptions& options, const std::function<void(const std::string&)>& announce);

    // Serves until SIGINT or SIGTERM; writes the stats file at exit. Returns the exit code.
    int run();

  private:
    Clock::time_point next_wakeup(Clock::time_point now) const;
    void advance_model(Clock::time_point now);
    void handle_tcp(std::span<const pollfd> entries, Clock::time_point now);
    void handle_rtu(short revents, Clock::time_point now);
    void submit(std::vector<Incoming> requests, Clock::time_point now);
    void deliver(Outgoing out, Clock::time_point now);
    void apply_effect(CommandEffect effect, Clock::time_point now);
    void drop_connections();
    void write_stats(Clock::time_point now);
    bool tcp_available(Clock::time_point now) const { return now >= tcp_unavailable_until_; }
    bool device_available(Clock::time_point now) const { return now >= device_unavailable_until_; }

    SimOptions options_;
    Clock::time_point started_;
    DeviceModel model_;
    Quirks quirks_;
    Stats stats_;
    TransactionEngine engine_;
    SignalFd signals_;
    std::optional<TcpServer> tcp_;
    std::optional<RtuServer> rtu_;
    Clock::time_point last_advance_;
    Clock::time_point next_stats_;
    Clock::time_point tcp_unavailable_until_{};     // comm-server or controller reset
    Clock::time_point device_unavailable_until_{};  // controller reset: RTU too
    bool stop_ = false;
};

}  // namespace tristar::sim
