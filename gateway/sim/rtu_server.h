#pragma once
// The RTU face: a serial device or pty, framed by RtuFramer. Frames for other unit ids and frames
// with a bad CRC get no reply, like real devices; broadcasts (unit 0) are executed silently.
#include <poll.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "gateway/base/unique_fd.h"
#include "gateway/sim/rtu_framer.h"
#include "gateway/sim/stats.h"
#include "gateway/sim/transaction_engine.h"

namespace tristar::sim {

class RtuServer {
  public:
    RtuServer(const std::string& device, const modbus::SerialFormat& format, Stats& stats);

    std::string endpoint() const { return "rtu://" + device_; }
    pollfd poll_entry() const;
    // Reads what arrived; returns requests for `unit_id` (and broadcasts).
    std::vector<Incoming> on_events(short revents, Clock::time_point now, std::uint8_t unit_id);
    std::vector<Incoming> on_timer(Clock::time_point now, std::uint8_t unit_id);
    std::optional<Clock::time_point> next_deadline() const { return framer_.deadline(); }
    void send(const modbus::Bytes& frame);

  private:
    std::vector<Incoming> accept_frames(std::vector<modbus::RtuFrame> frames, std::uint8_t unit_id);
    void flush();

    std::string device_;
    UniqueFd fd_;
    RtuFramer framer_;
    Stats& stats_;
    modbus::Bytes out_;
    std::uint64_t bad_frames_seen_ = 0;
};

}  // namespace tristar::sim
