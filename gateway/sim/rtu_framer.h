#pragma once
// Cuts a serial byte stream into RTU request frames. A frame ends when its expected length (from
// the function code and byte count) has arrived, or, for function codes of unknown length, at an
// inter-frame silence. A frame with a bad CRC, or bytes that cannot be framed, are discarded up to
// the next silence (the device's way of resynchronising). Pure: bytes and time points in.
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "proto/modbus/framing.h"

namespace tristar::sim {

class RtuFramer {
  public:
    using Clock = std::chrono::steady_clock;

    explicit RtuFramer(std::chrono::microseconds silence) : silence_(silence) {}

    // Frames completed by these bytes (good CRC only).
    std::vector<modbus::RtuFrame> feed(std::span<const std::uint8_t> bytes, Clock::time_point now);
    // Frames completed by the silence that has elapsed by `now`.
    std::vector<modbus::RtuFrame> on_silence(Clock::time_point now);
    // When on_silence() has something to do.
    std::optional<Clock::time_point> deadline() const;
    // Frames rejected so far (bad CRC, unframeable bytes).
    std::uint64_t bad_frames() const { return bad_frames_; }

  private:
    void extract(std::vector<modbus::RtuFrame>& out);
    void discard_until_silence();

    std::chrono::microseconds silence_;
    modbus::Bytes buffer_;
    bool discarding_ = false;
    Clock::time_point last_byte_{};
    std::uint64_t bad_frames_ = 0;
};

}  // namespace tristar::sim
