#pragma once
// The device's misbehaviours, switched on from the command line: response delay and jitter,
// occasional slow replies, busy and out-of-range exceptions, dropped, swallowed, cut and corrupted
// replies, the comm-server hang, socket lifetime, wire time. Random decisions come from one seeded
// generator, so a run is repeatable for a given seed and request order.
#include <chrono>
#include <cstdint>
#include <optional>
#include <random>

#include "proto/modbus/pdu.h"

namespace tristar::sim {

struct QuirkConfig {
    bool keep_connection = false;    // default: close the socket after each response (TriStar spec)
    bool single_connection = false;  // further connections are accepted and closed at once
    std::chrono::milliseconds delay{0};
    std::chrono::milliseconds delay_jitter{0};
    std::uint64_t slow_every = 0;             // every Nth transaction is slow; 0 = none
    std::chrono::milliseconds slow_delay{0};  // added to a slow transaction's delay
    double busy_rate = 0.0;                   // answer exception 0x06 instead of executing
    double drop_rate = 0.0;                   // execute, send nothing
    bool drop_write_replies = false;          // execute every write, never answer one
    double corrupt_rate = 0.0;                // RTU: bad CRC; TCP: wrong transaction id
    double cut_rate = 0.0;                    // send about half the reply, then stop (TCP: close)
    double bad_exception_rate = 0.0;          // answer a read with an exception code outside 1-11
    std::uint8_t bad_exception_code = 0x55;
    std::optional<std::uint16_t> swallow_register;  // FC03/04 reads containing it: no reply
    std::optional<std::uint16_t> swallow_coil;      // FC01/02 reads containing it: no reply
    std::optional<std::uint64_t> hang_after;        // transactions before the comm server hangs
    bool wire_time = false;                         // add the reply's serial wire time to the delay
    std::chrono::milliseconds reset_unavailable{3000};       // coil 0xFF
    std::chrono::milliseconds comm_reset_unavailable{1000};  // coil 0x10FF
};

class Quirks {
  public:
    Quirks(const QuirkConfig& config, std::uint32_t seed);

    const QuirkConfig& config() const { return config_; }
    bool roll_busy() { return roll(config_.busy_rate); }
    bool roll_drop() { return roll(config_.drop_rate); }
    bool roll_corrupt() { return roll(config_.corrupt_rate); }
    bool roll_cut() { return roll(config_.cut_rate); }
    bool roll_bad_exception() { return roll(config_.bad_exception_rate); }
    // A read whose range contains --swallow-reads (registers) or --swallow-coil-reads (coils).
    bool swallows(const modbus::Request& request) const;
    // The configured delay plus a uniform jitter in [0, delay_jitter].
    std::chrono::microseconds response_delay();
    // The extra delay of the `transaction`th transaction (1-based): slow_delay for N, 2N, ...
    std::chrono::milliseconds slow_delay(std::uint64_t transaction) const {
        const bool slow = config_.slow_every != 0 && transaction % config_.slow_every == 0;
        return slow ? config_.slow_delay : std::chrono::milliseconds{0};
    }
    bool hangs_after(std::uint64_t transactions) const {
        return config_.hang_after && transactions >= *config_.hang_after;
    }

  private:
    bool roll(double probability);

    QuirkConfig config_;
    std::mt19937 rng_;
};

}  // namespace tristar::sim
