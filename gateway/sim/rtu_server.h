#pragma once
// The RTU face: a serial device or pty, framed by RtuFramer into request frames for any unit id
// (RtuLine routes them to its devices). Frames with a bad CRC are dropped and counted.
#include <poll.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "gateway/base/unique_fd.h"
#include "gateway/sim/rtu_framer.h"
#include "gateway/sim/transaction.h"

namespace tristar::sim {

class RtuServer {
  public:
    RtuServer(const std::string& device, const modbus::SerialFormat& format);

    std::string endpoint() const { return "rtu://" + device_; }
    pollfd poll_entry() const;
    // Reads what arrived; returns the frames it completed. Throws std::runtime_error when the
    // line is gone (the other end of a pty closed).
    std::vector<modbus::RtuFrame> on_events(short revents, Clock::time_point now);
    // The frames the silence elapsed by `now` completed.
    std::vector<modbus::RtuFrame> on_timer(Clock::time_point now) {
        return framer_.on_silence(now);
    }
    std::optional<Clock::time_point> next_deadline() const { return framer_.deadline(); }
    // Frames dropped so far: bad CRC, unframeable bytes.
    std::uint64_t bad_frames() const { return framer_.bad_frames(); }
    void send(const modbus::Bytes& frame);

  private:
    void flush();

    std::string device_;
    UniqueFd fd_;
    RtuFramer framer_;
    modbus::Bytes out_;
};

}  // namespace tristar::sim
