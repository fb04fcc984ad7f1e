#pragma once
// Slave mode (spec section 4): a master that writes 0x58 (Ib_ref_slave) or 0x59 (Vb_ref_slave)
// takes over the charge targets and must rewrite one of them at least every 60 s, or the unit
// faults with "slave timeout". This class keeps the mode, its timer and the log of how a master
// drove it (tristar-sim --stats); the fault bit itself lives in DeviceState and the caller sets or
// clears it from the results. Times are real seconds.
#include <cstdint>

namespace tristar::sim {

// How a master drove slave mode (0x58/0x59, spec section 4), for tests: tristar-sim --stats.
struct SlaveStatus {
    bool active = false;          // in slave mode (SLAVE, or faulted by its timeout)
    std::uint64_t writes = 0;     // writes to 0x58 or 0x59, exits included
    std::uint64_t refreshes = 0;  // positive writes: enter or keep slave mode
    std::uint64_t exits = 0;      // negative writes
    double longest_gap_s =
        0.0;  // longest time without a write while in slave mode, open gap included
    std::uint16_t ib_ref_raw = 0;  // 0x58
    std::uint16_t vb_ref_raw = 0;  // 0x59
    double ib_ref_a = 0.0;         // 0x58 in A (n * 80 / 2^15)
    double vb_ref_v = 0.0;         // 0x59 in V
    double charge_current_a = 0.0;
    bool charge_disconnect = false;  // coil 2
};

class SlaveMode {
  public:
    bool active() const { return active_; }

    // True when the 60 s timer ran out just now (the caller sets the fault).
    bool check_timeout(double now);
    // A write of `raw` to 0x58/0x59 at `now`. True when it entered, kept or left the mode (the
    // caller clears the timeout fault); 0 changes nothing (UNCERTAIN on real units).
    bool on_write(std::int16_t raw, double now);
    // Coil 0x14 (clear faults): a timed-out mode is left.
    void clear_timeout();
    // Reset of the controller (spec 6.5): overrides cleared.
    void reset() { active_ = timed_out_ = false; }

    // Counts and gaps; the register and charger fields are the caller's.
    SlaveStatus status(double now) const;

  private:
    bool active_ = false;
    bool timed_out_ = false;
    double written_at_ = 0.0;
    SlaveStatus log_;  // counts and the longest closed gap
};

}  // namespace tristar::sim
