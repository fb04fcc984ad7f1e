#pragma once
// ChargeStop: coil 2 (charge disconnect, tristar-modbus.md 6.5) shared by two reasons that never
// undo each other:
//  - the user's: /Mode 4 (or the GUI's charger switch off), or coil 2 found ON at start or when
//    DVCC wanted to stop (somebody else stopped the charger: that stop is not DVCC's to release);
//  - DVCC's: a charge current of 0, or a lost link under a BMS.
// Coil 2 is ON while either holds. DVCC writes it only when its own reason begins or ends: ON
// when it begins (unless the coil is ON already), OFF when it ends and the user has no stop. A
// user's /Mode 1 ends the user's reason only; while DVCC's holds, the coil stays ON and the
// write is answered at once. A write of this class that fails is tried again; coil writes by
// others later on are left alone. Pure.
#include <optional>

#include "publisher/dvcc_write.h"

namespace tristar::publisher {

inline constexpr std::uint16_t charge_disconnect_coil = 0x0002;

class ChargeStop {
  public:
    // held_at_start: a DVCC stop was in force when the publisher last stopped (it stays
    // DVCC's, not the user's, if the coil still reads ON).
    explicit ChargeStop(bool held_at_start = false) : dvcc_(held_at_start) {}

    // The coil write due now, if any: `want` is whether DVCC wants the charger stopped, `coil`
    // the last coil 2 reading (nothing decided until there is one). A write returned counts as
    // sent.
    std::optional<DvccWrite> due(bool want, std::optional<bool> coil, SteadyTime now);
    WriteNote finished(const DvccWrite& write, const std::optional<std::string>& failure,
                       SteadyTime now);

    // The user's /Mode: off = 4. Returns the coil value to write for it, or nothing when the coil
    // already is where it must stay (accept the SetValue at once).
    std::optional<bool> user_switch(bool off);
    bool held() const { return dvcc_; }  // DVCC holds (or is about to hold) coil 2 ON
    bool user_stopped() const { return user_; }
    // "/Mode" as the user set it: 4 while the user's stop holds or the coil is ON for no DVCC
    // reason, 1 otherwise; nothing while the coil is unknown.
    std::optional<bool> user_off(std::optional<bool> coil) const;
    std::string error() const;

  private:
    bool known_ = false;  // the coil was read once
    bool user_ = false;
    bool dvcc_;
    std::optional<bool> target_;  // a write of DVCC's still to make
    WriteTrack track_;
};

}  // namespace tristar::publisher
