#pragma once
// The charge stage machine of processor A (spec section 6.6) and the electrical operating point
// of each stage: MPPT (bulk) until the battery reaches the absorption target, absorption for
// Et_absorp, float until dusk, a night check, night. Equalize on request; disconnect, fault and
// slave mode override the stage. Pure: inputs, a battery and a time step in, a point out.
#include <cstdint>

#include "gateway/sim/battery.h"
#include "gateway/sim/solar_day.h"
#include "proto/tristar/decode.h"

namespace tristar::sim {

using tristar::ChargeState;  // the charge_state values (0x32), spec section 6.6

// Regulation targets at the battery's temperature, and limits (from EEPROM 0xE000-0xE01D).
struct ChargeTargets {
    double absorption_v = 14.4;
    double float_v = 13.7;     // 0 disables float
    double equalize_v = 15.1;  // 0 disables equalize
    double absorption_s = 7200.0;
    double equalize_s = 3600.0;
    double current_limit_a = 60.0;
};

struct ChargeInputs {
    ArrayPoint array;
    double load_a = 0.0;  // DC loads on the battery, not seen by the controller
    ChargeTargets targets;
    bool stop_fault = false;  // a fault that stops charging (custom settings edit, slave timeout)
    bool disconnect = false;  // coil 2
    bool slave = false;       // slave mode (0x58/0x59)
    double slave_v = 0.0;     // 0: not overridden
    double slave_a = 0.0;     // 0: not overridden
    bool equalize_requested = false;
    double fixed_array_v = 0.0;  // 0x5A / 0x5B; 0: MPPT
};

struct ElectricalPoint {
    double vb = 0.0;      // battery V
    double ib = 0.0;      // controller output current, A
    double va = 0.0;      // array V
    double ia = 0.0;      // array A
    double p_out = 0.0;   // W
    double p_in = 0.0;    // W
    double vb_ref = 0.0;  // present regulation target, V (0 when not regulating)
};

struct ChargeStep {
    ChargeState state = ChargeState::start;
    ElectricalPoint point;
    bool day_started = false;  // NIGHT -> charging: the new day begins at dawn
    bool equalize_started = false;
    bool equalize_finished = false;
    bool entered_float = false;
};

class Charger {
  public:
    // Decides the stage for the next `seconds` and the operating point in it.
    ChargeStep step(const ChargeInputs& in, const Battery& battery, double seconds);
    // Processor A reboot: back to START, timers cleared.
    void restart();
    ChargeState state() const { return state_; }

  private:
    ChargeState natural_next(const ChargeInputs& in, bool pv_present, ChargeStep& step);
    ChargeState charging_next(const ChargeInputs& in, ChargeStep& step);
    ChargeState enter(ChargeState next);

    ChargeState stage_ = ChargeState::start;  // the stage without overrides
    ChargeState state_ = ChargeState::start;  // what charge_state reports
    double stage_seconds_ = 0.0;
    double last_vb_ = 0.0;
};

// The operating point of each kind of stage (exposed for tests).
ElectricalPoint idle_point(const ChargeInputs& in, const Battery& battery);
ElectricalPoint slave_point(const ChargeInputs& in, const Battery& battery, bool pv_present);
ElectricalPoint operating_point(ChargeState state, const ChargeInputs& in, const Battery& battery,
                                bool pv_present);
ElectricalPoint bulk_point(const ChargeInputs& in, const Battery& battery);
ElectricalPoint regulated_point(const ChargeInputs& in, const Battery& battery, double target_v,
                                double limit_a);
bool pv_present(const ArrayPoint& array, const Battery& battery);

}  // namespace tristar::sim
