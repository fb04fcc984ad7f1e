#pragma once
// The simulator's one thread: a poll() loop over the signal fd, the control FIFO, every TCP line
// (listener and connections) and every RTU line. It owns the devices and the lines they are
// served on: advances every model with the clock, lets the lines hand requests to their devices,
// sends what each device releases back over the line its request came from, applies resets,
// carries out control commands and rewrites the stats file. Sleeps in poll() until the next fd
// event or deadline; never busy-waits.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/base/signal_fd.h"
#include "gateway/sim/control.h"
#include "gateway/sim/device.h"
#include "gateway/sim/lines.h"
#include "gateway/sim/sim_config.h"

namespace tristar::sim {

class SimLoop {
  public:
    // Opens every line (throws std::runtime_error on failure), then reports each endpoint through
    // `announce` (TCP lines in device order, then RTU lines; report.h says how).
    SimLoop(const SimConfig& config, const std::function<void(const std::string&)>& announce);

    // Serves until SIGINT or SIGTERM; writes the stats file at exit. Returns the exit code.
    int run();

  private:
    struct PollSet;

    void open_lines();
    void open_rtu_line(const std::string& path);
    PollSet poll_set();
    Clock::time_point next_wakeup(Clock::time_point now) const;
    void advance_devices(Clock::time_point now);
    void handle_events(const PollSet& set, Clock::time_point now);
    void handle_control(Clock::time_point now);
    void carry_out(const ControlCommand& command, Clock::time_point now);
    void run_devices(Clock::time_point now);
    void deliver(std::size_t device, const Outgoing& out, Clock::time_point now);
    void write_stats(Clock::time_point now);

    SimConfig config_;
    Clock::time_point started_;
    std::vector<std::unique_ptr<Device>> devices_;
    SignalFd signals_;
    std::vector<std::unique_ptr<TcpLine>> tcp_lines_;
    std::vector<std::unique_ptr<RtuLine>> rtu_lines_;
    std::vector<TcpLine*> tcp_of_;  // by device: its TCP line, or none
    std::vector<RtuLine*> rtu_of_;  // by device: its RTU line, or none
    std::optional<ControlFifo> control_;
    Clock::time_point next_stats_;
    bool stop_ = false;
};

}  // namespace tristar::sim
