#include "gateway/sim/live_registers.h"

#include <cmath>

#include "gateway/sim/addresses.h"
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
        case ChargeState::start: return 0;
        case ChargeState::mppt:
        case ChargeState::slave: return 5;       // green blink 1 Hz
        case ChargeState::absorption: return 4;  // slow green blink
        case ChargeState::equalize: return 3;    // fast green blink
        case ChargeState::floating: return 6;    // GREEN
        case ChargeState::disconnect: return 8;  // YELLOW
        case ChargeState::fault: return 10;      // blink red
        default: return vb_per_12v >= 12.4 ? 6 : vb_per_12v >= 12.0 ? 8 : 11;
    }
}

std::uint16_t u16_clamped(double value) {
    return to_u16(std::floor(value));
}

void publish_counters(const Totals& totals, RegisterImage& image) {
    image.set_u32_hi_first(reg::ahc_r_hi, static_cast<std::uint32_t>(totals.ah_resettable * 10));
    image.set_u32_hi_first(reg::ahc_t_hi, static_cast<std::uint32_t>(totals.ah_total * 10));
    image.set(reg::kwhc_r, u16_clamped(totals.kwh_resettable));
    image.set(reg::kwhc_t, u16_clamped(totals.kwh_total));
}

void publish_daily(const DailyLog& d, RegisterImage& image) {
    image.set(reg::vb_min_daily, volts_raw(d.vb_min));
    image.set(reg::vb_max_daily, volts_raw(d.vb_max));
    image.set(reg::va_max_daily, volts_raw(d.va_max));
    image.set(reg::ahc_daily, u16_clamped(d.ah * 10.0));
    image.set(reg::whc_daily, u16_clamped(std::floor(d.wh / 10.0) * 10.0));  // Wh, 10 Wh steps
    image.set(reg::flags_daily, d.flags);
    image.set(reg::pout_max_daily, watts_raw(d.pout_max));
    image.set(reg::tb_min_daily, celsius_raw(d.tb_min));
    image.set(reg::tb_max_daily, celsius_raw(d.tb_max));
    image.set(reg::fault_daily, d.faults);
    image.set_u32_hi_first(reg::alarm_daily_hi, d.alarms & 0xFFFFFFU);
    image.set(reg::time_ab_daily, u16_clamped(d.absorption_s));
    image.set(reg::time_eq_daily, u16_clamped(d.equalize_s));
    image.set(reg::time_fl_daily, u16_clamped(d.float_s));
}

}  // namespace

void LiveRegisters::publish(const DeviceState& state, RegisterImage& image,
                            std::mt19937& rng) const {
    publish_measurements(state, image, rng);
    publish_status(state, image);
    publish_counters(state.totals, image);
    publish_daily(state.daily, image);
}

double LiveRegisters::noise(double counts, std::mt19937& rng) const {
    if (frozen_ || counts == 0.0) return counts;
    return counts + std::uniform_int_distribution<int>(-1, 1)(rng);
}

void LiveRegisters::publish_measurements(const DeviceState& s, RegisterImage& image,
                                         std::mt19937& rng) const {
    auto volts = [&](std::uint16_t address, double v) {
        image.set(address, to_s16(noise(v / volts_per_count, rng)));
    };
    auto amps = [&](std::uint16_t address, double a) {
        image.set(address, to_s16(noise(a / amps_per_count, rng)));
    };
    const auto& p = s.point;
    volts(reg::vb_f_med, p.vb);
    volts(reg::vbterm, p.vb + 0.01 * scale_ + 0.0005 * p.ib);  // cable drop
    volts(reg::vbs, p.vb - 0.005 * scale_);
    volts(reg::va, p.va);
    amps(reg::ib, p.ib);
    amps(reg::ia, p.ia);
    image.set(reg::p12, to_u16(noise(13.38 / rail_12v_scale, rng)));
    image.set(reg::p3, to_u16(noise(3.62 / rail_3v_scale, rng)));
    image.set(reg::pmeter, to_u16(noise(12.95 / rail_12v_scale, rng)));
    image.set(reg::p18, to_u16(noise(1.78 / rail_1v8_scale, rng)));
    image.set(reg::v_ref, to_u16(noise(2.04 / rail_1v8_scale, rng)));
    image.set(reg::t_hs, celsius_raw(s.temps.heatsink_c));
    image.set(reg::t_rts, celsius_raw(s.temps.battery_c));
    image.set(reg::t_batt, celsius_raw(s.temps.battery_c));
    volts(reg::vb_f_1m, s.filtered.vb);
    amps(reg::ib_f_1m, s.filtered.ib);
    image.set(reg::vb_min, volts_raw(s.totals.vb_min));
    image.set(reg::vb_max, volts_raw(s.totals.vb_max));
    image.set(reg::power_out, watts_raw(p.p_out));
    image.set(reg::power_in, watts_raw(p.p_in));
    image.set(reg::sweep_pin_max, watts_raw(s.sweep.pmax));
    image.set(reg::sweep_vmp, volts_raw(s.sweep.vmp));
    image.set(reg::sweep_voc, volts_raw(s.sweep.voc));
}

void LiveRegisters::publish_status(const DeviceState& s, RegisterImage& image) const {
    image.set_u32_hi_first(reg::hourmeter_hi, static_cast<std::uint32_t>(s.totals.hours));
    image.set(reg::fault_all, s.faults);
    image.set_u32_hi_first(reg::alarm_hi, s.alarms & 0xFFFFFFU);  // HI: bits 16-23 in its low byte
    image.set(reg::led_state, led_for(s.charge, s.point.vb / scale_));
    image.set(reg::charge_state, static_cast<std::uint16_t>(s.charge));
    image.set(reg::vb_ref, volts_raw(s.point.vb_ref));
}

void store_lifetime_eeprom(RegisterImage& image, const Totals& totals, const DailyLog& daily) {
    image.set_u32_lo_first(reg::ehourmeter, static_cast<std::uint32_t>(totals.hours));
    image.set_u32_lo_first(reg::eahc_r, static_cast<std::uint32_t>(totals.ah_resettable * 10));
    image.set_u32_lo_first(reg::eahc_t, static_cast<std::uint32_t>(totals.ah_total * 10));
    image.set(reg::ekwhc_r, to_u16(std::floor(totals.kwh_resettable)));
    image.set(reg::ekwhc_t, to_u16(std::floor(totals.kwh_total)));
    image.set(reg::evb_min, volts_raw(daily.vb_min));
    image.set(reg::evb_max, volts_raw(daily.vb_max));
    image.set(reg::eva_max, volts_raw(daily.va_max));
    image.set(reg::etmr_eqcalendar, totals.days_since_equalize);
    image.set(reg::etmr_batt_service, totals.days_since_service);
}

}  // namespace tristar::sim
