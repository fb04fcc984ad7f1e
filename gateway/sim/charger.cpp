#include "gateway/sim/charger.h"

#include <algorithm>

namespace tristar::sim {

namespace {

constexpr double efficiency = 0.97;          // TS-MPPT peak efficiency is about 99 %, typical 97 %
constexpr double night_check_s = 600.0;      // dusk: confirm night before giving up charging
constexpr double wake_margin_per_12v = 1.0;  // array must exceed the battery by this much

double available_power(const ChargeInputs& in) {
    if (in.fixed_array_v > 0.0) return PvArray::power_at(in.array, in.fixed_array_v) * efficiency;
    return in.array.pmax * efficiency;
}

// Array side of a point whose output power is known.
void fill_array_side(const ChargeInputs& in, ElectricalPoint& p) {
    p.p_out = p.vb * p.ib;
    p.p_in = p.p_out / efficiency;
    if (in.fixed_array_v > 0.0) {
        p.va = std::min(in.fixed_array_v, in.array.voc);
    } else if (p.p_in >= in.array.pmax * 0.999) {
        p.va = in.array.vmp;
    } else {
        p.va = PvArray::voltage_for_power(in.array, p.p_in);
    }
    p.ia = p.va > 0.0 ? p.p_in / p.va : 0.0;
}

}  // namespace

bool pv_present(const ArrayPoint& array, const Battery& battery) {
    const double margin = wake_margin_per_12v * battery.open_circuit_voltage() / 12.5;
    return array.pmax > 0.0 && array.voc > battery.open_circuit_voltage() + margin;
}

ElectricalPoint idle_point(const ChargeInputs& in, const Battery& battery) {
    ElectricalPoint p;
    p.vb = battery.terminal_voltage(-in.load_a);
    p.va = in.array.voc;  // open circuit: Voc by day, the dark voltage at night
    return p;
}

ElectricalPoint regulated_point(const ChargeInputs& in, const Battery& battery, double target_v,
                                double limit_a) {
    ElectricalPoint p;
    p.vb_ref = target_v;
    const double to_hold = in.load_a + battery.acceptance(target_v);
    const double by_power = available_power(in) / target_v;
    p.ib = std::max(0.0, std::min({to_hold, by_power, limit_a}));
    // Holding the target when the array can; sagging below it when it cannot.
    p.vb = p.ib >= to_hold ? target_v : battery.terminal_voltage(p.ib - in.load_a);
    p.vb = std::min(p.vb, target_v);
    fill_array_side(in, p);
    return p;
}

ElectricalPoint bulk_point(const ChargeInputs& in, const Battery& battery) {
    const double power = available_power(in);
    const double limit = in.targets.current_limit_a;
    double vb = battery.terminal_voltage(-in.load_a);
    double ib = 0.0;
    for (int i = 0; i < 6; ++i) {  // fixed point of ib = P / vb, vb = ocv + (ib - load) R
        ib = std::min(power / vb, limit);
        vb = battery.terminal_voltage(ib - in.load_a);
    }
    if (vb >= in.targets.absorption_v) {
        return regulated_point(in, battery, in.targets.absorption_v, limit);
    }
    ElectricalPoint p;
    p.vb = vb;
    p.ib = ib;
    p.vb_ref = in.targets.absorption_v;
    fill_array_side(in, p);
    return p;
}

ElectricalPoint slave_point(const ChargeInputs& in, const Battery& battery, bool present) {
    if (!present) return idle_point(in, battery);
    const double target = in.slave_v > 0.0 ? in.slave_v : in.targets.absorption_v;
    double limit = in.targets.current_limit_a;
    if (in.slave_a > 0.0) limit = std::min(limit, in.slave_a);
    return regulated_point(in, battery, target, limit);
}

ElectricalPoint operating_point(ChargeState state, const ChargeInputs& in, const Battery& battery,
                                bool present) {
    const auto& t = in.targets;
    switch (state) {
        case ChargeState::mppt: return bulk_point(in, battery);
        case ChargeState::absorption:
            return regulated_point(in, battery, t.absorption_v, t.current_limit_a);
        case ChargeState::floating:
            return regulated_point(in, battery, t.float_v, t.current_limit_a);
        case ChargeState::equalize:
            return regulated_point(in, battery, t.equalize_v, t.current_limit_a);
        case ChargeState::slave: return slave_point(in, battery, present);
        default: return idle_point(in, battery);
    }
}

ChargeState Charger::enter(ChargeState next) {
    if (next != stage_) stage_seconds_ = 0.0;
    stage_ = next;
    return next;
}

ChargeState Charger::charging_next(const ChargeInputs& in, ChargeStep& step) {
    const auto& t = in.targets;
    const bool can_equalize = in.equalize_requested && t.equalize_v > 0.0;
    if (stage_ != ChargeState::equalize && can_equalize) {
        step.equalize_started = true;
        return ChargeState::equalize;
    }
    switch (stage_) {
        case ChargeState::mppt:
            return last_vb_ >= t.absorption_v ? ChargeState::absorption : ChargeState::mppt;
        case ChargeState::absorption:
            if (stage_seconds_ < t.absorption_s || t.float_v <= 0.0) return stage_;
            step.entered_float = true;
            return ChargeState::floating;
        case ChargeState::equalize:
            if (stage_seconds_ < t.equalize_s) return stage_;
            step.equalize_finished = true;
            step.entered_float = true;
            return ChargeState::floating;
        default: return stage_;
    }
}

ChargeState Charger::natural_next(const ChargeInputs& in, bool present, ChargeStep& step) {
    switch (stage_) {
        case ChargeState::night:
            step.day_started = present;
            return present ? ChargeState::mppt : ChargeState::night;
        case ChargeState::night_check:
            if (present) return ChargeState::mppt;
            return stage_seconds_ >= night_check_s ? ChargeState::night : stage_;
        case ChargeState::mppt:
        case ChargeState::absorption:
        case ChargeState::floating:
        case ChargeState::equalize:
            if (!present) return ChargeState::night_check;
            return charging_next(in, step);
        default:  // START after power-up or a reset
            return present ? ChargeState::mppt : ChargeState::night;
    }
}

ChargeStep Charger::step(const ChargeInputs& in, const Battery& battery, double seconds) {
    ChargeStep step;
    const bool present = pv_present(in.array, battery);
    if (in.stop_fault || in.disconnect || in.slave) {
        // Overrides restart charging from bulk when they end.
        enter(present ? ChargeState::mppt : ChargeState::night);
        state_ = in.stop_fault   ? ChargeState::fault
                 : in.disconnect ? ChargeState::disconnect
                                 : ChargeState::slave;
    } else {
        state_ = enter(natural_next(in, present, step));
    }
    stage_seconds_ += seconds;
    step.point = operating_point(state_, in, battery, present);
    last_vb_ = step.point.vb;
    step.state = state_;
    return step;
}

void Charger::restart() {
    stage_ = ChargeState::start;
    state_ = ChargeState::start;
    stage_seconds_ = 0.0;
    last_vb_ = 0.0;
}

}  // namespace tristar::sim
