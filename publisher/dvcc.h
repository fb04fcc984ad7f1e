#pragma once
// Dvcc: DVCC through the TriStar's slave registers (docs/venus.md "DVCC"; venus-dbus.md 9;
// tristar-modbus.md 4, 6.5). Inputs: systemcalc's writes with their time (DvccLink), the
// TriStar's V_PU, vb_ref, charge_state and coil 2, and the user's /Mode. Outputs: the register and
// coil writes due now and the values to publish.
//
//  - Slave mode only while a DVCC limit binds: a current below the TS-MPPT-60's 60 A, or a
//    voltage below the TriStar's own target. Then 0x58 = the current (n * 80 / 2^15 A, clamped
//    to 0..[dvcc] charge_current_limit) and 0x59 = the lower of DVCC's voltage and the TriStar's
//    own target (vb_ref 0x33 as read outside slave mode, where it is the unit's own,
//    temperature-compensated target; 0x59 is not compensated). Without a known own target and
//    without a DVCC voltage, 0x59 is left alone. Otherwise the TriStar runs its own charge
//    stages: slave mode suspends them.
//  - A current of 0 cannot be written (only a positive value enters slave mode): coil 2 ON
//    (ChargeStop) and slave mode left; released when DVCC allows current again.
//  - DVCC silent for 60 s: slave mode left (own settings), a DVCC stop released; but with
//    /Settings/BmsPresent 1 the charger stops (coil 2 ON) and /ErrorCode reads 67 (BMS connection
//    lost) until DVCC writes again or the user resets BmsPresent.
//  - A DVCC stop in force when the publisher last ran holds after a restart until DVCC writes
//    again (under a BMS, with /ErrorCode 67), or, without a BMS, until the loss delay passed.
//  - Nothing acts on half of systemcalc's writes (DvccLink::mid_batch).
//  - Disabled: no path, no write, except that a unit found in SLAVE at start is taken out of it.
// Pure: the caller passes the time and sends the writes.
#include <optional>
#include <string>
#include <vector>

#include "publisher/dvcc_link.h"
#include "publisher/dvcc_slave.h"
#include "publisher/dvcc_stop.h"

namespace tristar::publisher {

// What the publisher read of the TriStar; each part absent until read (and on link loss).
struct DeviceView {
    std::optional<double> v_pu;                 // 0x00/0x01
    std::optional<double> target_v;             // vb_ref 0x33
    std::optional<std::uint16_t> charge_state;  // 0x32
    std::optional<bool> charge_disconnect;      // coil 2
};

// What outlives a restart (kept in the data directory by the caller).
struct DvccMemory {
    bool bms_present = false;  // /Settings/BmsPresent
    bool stop_held = false;    // coil 2 ON for DVCC's reason
    friend bool operator==(const DvccMemory&, const DvccMemory&) = default;
};

struct DvccStep {
    std::vector<DvccWrite> writes;    // to send now, in this order; each counts as sent
    std::vector<std::string> events;  // state changes worth an info line
};

inline constexpr std::int32_t error_bms_connection_lost = 67;  // venus-dbus.md 7

// Every path the service holds for DVCC: /Link/*, /Settings/ChargeCurrentLimit,
// /Settings/BmsPresent and /Tristar/Dvcc/WriteError; none when disabled.
std::vector<ItemSpec> dvcc_items(const DvccConfig& config);

class Dvcc {
  public:
    Dvcc(const DvccConfig& config, SteadyTime start, DvccMemory memory = {});

    bool enabled() const { return config_.enabled; }
    std::vector<ItemSpec> items() const { return dvcc_items(config_); }
    bool handles(std::string_view path) const { return enabled() && DvccLink::handles(path); }
    std::int32_t set(std::string_view path, const SetArgument& value, SteadyTime now);
    // The user's /Mode (off = 4): the coil 2 value to write for it, or nothing (accept at once).
    std::optional<bool> user_switch(bool off);

    DvccStep step(const DeviceView& device, SteadyTime now);
    // The outcome of a write step() returned: nothing when the device took it.
    WriteNote finished(const DvccWrite& write, const std::optional<std::string>& failure,
                       SteadyTime now);
    // For a clean stop: the writes that leave slave mode, if it is ours or the unit reports it.
    std::vector<DvccWrite> leave(const DeviceView& device) const;

    // /Link/*, /Settings/*, /Tristar/Dvcc/WriteError, and what DVCC changes of /State,
    // /ErrorCode and /Mode; empty when disabled.
    PathValues values(const DeviceView& device, SteadyTime now) const;
    // Coil 2 as the user's switch shows it (a DVCC stop alone reads "on"); the coil when disabled.
    std::optional<bool> user_off(std::optional<bool> coil) const;
    DvccMemory memory() const { return {link_.bms_present(), stop_.held()}; }

  private:
    std::optional<SlaveTarget> slave_target(const DvccLimits& limits,
                                            const DeviceView& device) const;
    DvccStep disabled_step(const DeviceView& device, SteadyTime now);
    void note_events(const DvccLimits& limits, std::vector<std::string>& events);
    void note_own_target(const DeviceView& device);
    bool bms_lost(const DvccLimits& limits) const;

    DvccConfig config_;
    DvccLink link_;
    SlaveRegisters slave_;
    ChargeStop stop_;
    std::optional<double> own_target_v_;  // vb_ref last read outside slave mode
    bool may_exit_ = true;                // disabled: the unit may still be taken out of SLAVE
    bool stop_at_start_;                  // a DVCC stop was in force when the publisher last ran
    DvccLimits last_;
};

}  // namespace tristar::publisher
