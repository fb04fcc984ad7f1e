#pragma once
// One write the DVCC logic asks for: a slave register (0x58/0x59, FC06) or coil 2 (FC05), with a
// reason for the log. Its target (register or coil, address) identifies it: at most one write per
// target is on its way at a time.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "publisher/poll_plan.h"

namespace tristar::publisher {

struct DvccWrite {
    enum class Target : std::uint8_t { holding_register, coil };
    Target target;
    std::uint16_t address;
    std::uint16_t value;   // a coil: 1 ON, 0 OFF
    std::string why;       // "27.60 V (DVCC 27.60 V, TriStar 28.80 V)"
    bool refresh = false;  // the same value again, only to keep slave mode (logged at debug)
    friend bool operator==(const DvccWrite&, const DvccWrite&) = default;
};

// "register 0x59 <- 5024" / "coil 0x0002 ON"
std::string write_text(const DvccWrite& write);

// Register 0x58 Ib_ref_slave and 0x59 vb_ref_slave (tristar-modbus.md 3, 4).
inline constexpr std::uint16_t slave_current_address = 0x0058;
inline constexpr std::uint16_t slave_voltage_address = 0x0059;
// -16 as a word: the value reported to leave slave mode (tristar-modbus.md 4).
inline constexpr std::uint16_t slave_exit_value = 0xFFF0;

// What a write's outcome changes for the log: a target starts failing (warn once, with why) or
// takes writes again (info once); nothing in between, however often it is retried.
enum class WriteNote { none, failing, recovered };

// How a write's in-flight state and failures are kept, per target.
struct WriteTrack {
    std::optional<SteadyTime> sent;    // on its way since
    std::optional<SteadyTime> failed;  // the last attempt failed at
    std::string error;                 // why, while failing
    bool busy(SteadyTime now) const;
    bool waiting_retry(SteadyTime now) const;
    // The reply came: records it.
    WriteNote finished(const std::optional<std::string>& failure, SteadyTime now);
};

// A write without a reply for this long is taken as lost and sent again (the publisher gives up
// on a silent gateway after its read budget and replaces the socket: the reply never comes).
inline constexpr std::chrono::seconds write_reply_timeout{10};
// A failed write is tried again after this long.
inline constexpr std::chrono::seconds write_retry_after{3};

}  // namespace tristar::publisher
