// The RAM block as a function of the model's state (spec section 3): what a poll reads.
#include <cmath>

#include "gateway/sim/addresses.h"
#include "gateway/sim/device_model.h"
#include "gateway/sim/scaling.h"

namespace tristar::sim {

namespace {

// Rail scales (spec section 3): n * full_scale / 2^15 V.
constexpr double rail_12v_scale = 18.612 / 32768.0;
constexpr double rail_3v_scale = 6.6 / 32768.0;
constexpr double rail_1v8_scale = 3.0 / 32768.0;

// LED (spec section 7): battery state of charge by night, blink codes while charging.
std::uint16_t led_for(ChargeState state, double vb_per_12v) {
    switch (state) {
        case ChargeState::start:
            return 0;
        case ChargeState::mppt:
        case ChargeState::slave:
            return 5;  // green blink 1 Hz
        case ChargeState::absorption:
            return 4;  // slow green blink
        case ChargeState::equalize:
            return 3;  // fast green blink
        case ChargeState::floating:
            return 6;  // GREEN
        case ChargeState::disconnect:
            return 8;  // YELLOW
        case ChargeState::fault:
            return 10;  // blink red
        default:
            return vb_per_12v >= 12.4 ? 6 : vb_per_12v >= 12.0 ? 8 : 11;
    }
}

std::uint16_t u16_clamped(double value) {
    return to_u16(std::floor(value));
}

}  // namespace

void DeviceModel::publish() {
    publish_measurements();
    publish_status();
    publish_counters();
    publish_daily();
}

void DeviceModel::publish_measurements() {
    auto volts = [&](std::uint16_t address, double v) {
        image_.set(address, to_s16(noise(v / volts_per_count)));
    };
    auto amps = [&](std::uint16_t address, double a) {
        image_.set(address, to_s16(noise(a / amps_per_count)));
    };
    const auto& p = point_;
    volts(reg::vb_f_med, p.vb);
    volts(reg::vbterm, p.vb + 0.01 * scale_ + 0.0005 * p.ib);  // cable drop
    volts(reg::vbs, p.vb - 0.005 * scale_);
    volts(reg::va, p.va);
    amps(reg::ib, p.ib);
    amps(reg::ia, p.ia);
    image_.set(reg::p12, to_u16(noise(13.38 / rail_12v_scale)));
    image_.set(reg::p3, to_u16(noise(3.62 / rail_3v_scale)));
    image_.set(reg::pmeter, to_u16(noise(12.95 / rail_12v_scale)));
    image_.set(reg::p18, to_u16(noise(1.78 / rail_1v8_scale)));
    image_.set(reg::v_ref, to_u16(noise(2.04 / rail_1v8_scale)));
    image_.set(reg::t_hs, celsius_raw(heatsink_temp_c_));
    image_.set(reg::t_rts, celsius_raw(battery_temp_c_));
    image_.set(reg::t_batt, celsius_raw(battery_temp_c_));
    volts(reg::vb_f_1m, vb_1m_);
    amps(reg::ib_f_1m, ib_1m_);
    image_.set(reg::vb_min, volts_raw(totals_.vb_min));
    image_.set(reg::vb_max, volts_raw(totals_.vb_max));
    image_.set(reg::power_out, watts_raw(p.p_out));
    image_.set(reg::power_in, watts_raw(p.p_in));
    image_.set(reg::sweep_pin_max, watts_raw(sweep_.pmax));
    image_.set(reg::sweep_vmp, volts_raw(sweep_.vmp));
    image_.set(reg::sweep_voc, volts_raw(sweep_.voc));
}

void DeviceModel::publish_status() {
    image_.set_u32_hi_first(reg::hourmeter_hi, static_cast<std::uint32_t>(totals_.hours));
    image_.set(reg::fault_all, faults_);
    image_.set_u32_hi_first(reg::alarm_hi, alarms_ & 0xFFFFFFU);  // HI: bits 16-23 in its low byte
    image_.set(reg::led_state, led_for(state_, point_.vb / scale_));
    image_.set(reg::charge_state, static_cast<std::uint16_t>(state_));
    image_.set(reg::vb_ref, volts_raw(point_.vb_ref));
}

void DeviceModel::publish_counters() {
    image_.set_u32_hi_first(reg::ahc_r_hi, static_cast<std::uint32_t>(totals_.ah_resettable * 10));
    image_.set_u32_hi_first(reg::ahc_t_hi, static_cast<std::uint32_t>(totals_.ah_total * 10));
    image_.set(reg::kwhc_r, u16_clamped(totals_.kwh_resettable));
    image_.set(reg::kwhc_t, u16_clamped(totals_.kwh_total));
}

void DeviceModel::publish_daily() {
    const DailyLog& d = daily_;
    image_.set(reg::vb_min_daily, volts_raw(d.vb_min));
    image_.set(reg::vb_max_daily, volts_raw(d.vb_max));
    image_.set(reg::va_max_daily, volts_raw(d.va_max));
    image_.set(reg::ahc_daily, u16_clamped(d.ah * 10.0));
    image_.set(reg::whc_daily, u16_clamped(std::floor(d.wh / 10.0) * 10.0));  // Wh, 10 Wh steps
    image_.set(reg::flags_daily, d.flags);
    image_.set(reg::pout_max_daily, watts_raw(d.pout_max));
    image_.set(reg::tb_min_daily, celsius_raw(d.tb_min));
    image_.set(reg::tb_max_daily, celsius_raw(d.tb_max));
    image_.set(reg::fault_daily, d.faults);
    image_.set_u32_hi_first(reg::alarm_daily_hi, d.alarms & 0xFFFFFFU);
    image_.set(reg::time_ab_daily, u16_clamped(d.absorption_s));
    image_.set(reg::time_eq_daily, u16_clamped(d.equalize_s));
    image_.set(reg::time_fl_daily, u16_clamped(d.float_s));
}

}  // namespace tristar::sim
