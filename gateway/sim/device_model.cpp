#include "gateway/sim/device_model.h"

#include <algorithm>
#include <cmath>

#include "gateway/sim/addresses.h"
#include "gateway/sim/factory_image.h"
#include "gateway/sim/scaling.h"

namespace tristar::sim {

namespace {

constexpr double seconds_per_day = 86400.0;
constexpr double max_step_s = 60.0;   // device seconds per physics step
constexpr double load_amps = 6.0;     // DC loads on the bank, day and night
constexpr double initial_soc = 0.80;  // at midnight: after an evening of loads
constexpr double filter_s = 60.0;     // 0x26/0x27: 1-minute filters
constexpr std::uint16_t stop_charging_faults =
    (1U << bit::fault_custom_settings_edit) | (1U << bit::fault_slave_timeout);

// Moves `value` towards `target` with time constant `tau` over `seconds`.
double approach(double value, double target, double seconds, double tau) {
    return value + (target - value) * (1.0 - std::exp(-seconds / tau));
}

Totals initial_totals(double scale) {
    Totals t;
    t.ah_resettable = 4321.7;
    t.ah_total = 123456.7;
    t.kwh_resettable = 54.0 * scale;
    t.kwh_total = 1520.0 * scale;
    t.hours = 87017.0;  // the spec's real unit
    t.vb_min = 12.10 * scale;
    t.vb_max = 14.62 * scale;
    t.days_since_equalize = 12;
    t.days_since_service = 40;
    return t;
}

}  // namespace

DeviceModel::DeviceModel(const ModelConfig& config)
    : config_(config),
      scale_(config.battery_volts / 12.0),
      rng_(config.seed),
      array_(config.battery_volts),
      battery_(config.battery_volts, initial_soc),
      live_(scale_, config.frozen),
      commands_(state_, image_, slave_, charger_) {
    state_.unit_id = config.unit_id;
    state_.totals = initial_totals(scale_);
    state_.daily = yesterday_log(scale_);
    load_factory_image(image_, {config.serial, config.battery_volts, config.unit_id});
    store_lifetime_eeprom(image_, state_.totals, state_.daily);
    const double start = std::clamp(config.start_hour, 0.0, 24.0) * 3600.0;
    while (state_.device_seconds < start)
        physics_step(std::min(max_step_s, start - state_.device_seconds));
    physics_step(0.0);
    live_.publish(state_, image_, rng_);
}

double DeviceModel::hour_of_day() const {
    return std::fmod(state_.device_seconds, seconds_per_day) / 3600.0;
}

void DeviceModel::advance(double real_seconds) {
    real_seconds = std::max(real_seconds, 0.0);
    state_.real_seconds += real_seconds;
    check_slave_timeout();
    double remaining = config_.frozen ? 0.0 : real_seconds * seconds_per_day / config_.day_seconds;
    if (remaining <= 0.0) physics_step(0.0);
    while (remaining > 0.0) {
        const double h = std::min(max_step_s, remaining);
        physics_step(h);
        remaining -= h;
    }
    live_.publish(state_, image_, rng_);
}

WriteOutcome DeviceModel::write_coil(std::uint16_t address, bool on) {
    return settle(commands_.command_coil(address, on));
}

WriteOutcome DeviceModel::write_register(std::uint16_t address, std::uint16_t value) {
    return settle(commands_.write_register(address, value));
}

WriteOutcome DeviceModel::settle(WriteOutcome outcome) {
    if (!outcome.error) {
        physics_step(0.0);
        live_.publish(state_, image_, rng_);
    }
    return outcome;
}

SlaveStatus DeviceModel::slave_status() const {
    SlaveStatus status = slave_.status(state_.real_seconds);
    status.ib_ref_raw = image_.get(reg::ib_ref_slave);
    status.vb_ref_raw = image_.get(reg::vb_ref_slave);
    status.ib_ref_a = raw_slave_amps(status.ib_ref_raw);
    status.vb_ref_v = raw_volts(status.vb_ref_raw);
    status.charge_current_a = state_.point.ib;
    status.charge_disconnect = state_.disconnect;
    return status;
}

void DeviceModel::physics_step(double device_seconds) {
    const double before = state_.device_seconds;
    state_.device_seconds += device_seconds;
    if (std::floor(before / seconds_per_day) !=
        std::floor(state_.device_seconds / seconds_per_day)) {
        on_midnight();
    }
    const Sun sun = sun_at(hour_of_day());
    if (!config_.frozen && device_seconds > 0.0) {
        std::normal_distribution<double> drift(0.0, 0.01 * std::sqrt(device_seconds / 60.0));
        cloud_ = std::clamp(cloud_ + drift(rng_), 0.9, 1.0);
    }
    const double irradiance = sun.irradiance * cloud_;
    update_environment(device_seconds, irradiance, sun.ambient_c);
    const ArrayPoint array = array_.at(irradiance, sun.ambient_c + 25.0 * irradiance);
    const ChargeStep step = charger_.step(charge_inputs(array), battery_, device_seconds);
    state_.charge = step.state;
    state_.point = step.point;
    apply_events(step);
    const ElectricalPoint& p = state_.point;
    battery_.charge(p.ib - load_amps, device_seconds);
    if (p.ib > 0.0) state_.sweep = array;
    const Sample sample{state_.charge, p, state_.temps.battery_c, state_.faults, state_.alarms};
    state_.totals.accumulate(sample, device_seconds);
    // Commands re-evaluate the state without time passing; the daily record waits for time.
    if (device_seconds > 0.0) state_.daily.record(sample, device_seconds);
    MinuteFilters& f = state_.filtered;
    const double alpha = f.vb == 0.0 ? 1.0 : device_seconds / (device_seconds + filter_s);
    f.vb += alpha * (p.vb - f.vb);
    f.ib += alpha * (p.ib - f.ib);
}

void DeviceModel::update_environment(double device_seconds, double irradiance, double ambient_c) {
    if (device_seconds <= 0.0) return;
    Temperatures& t = state_.temps;
    t.battery_c =
        approach(t.battery_c, ambient_c + 3.0 + 2.0 * irradiance, device_seconds, 3.0 * 3600.0);
    const double heating = 0.02 * state_.point.p_out / scale_;
    t.heatsink_c = approach(t.heatsink_c, ambient_c + heating, device_seconds, 900.0);
}

ChargeTargets DeviceModel::charge_targets() const {
    const double coeff = image_.get(reg::ev_tempcomp) * v_pu / 65536.0;  // V/degC, negative
    const double t_max = as_signed(image_.get(reg::etb_max));
    const double t_min = as_signed(image_.get(reg::etb_min));
    const double compensation = -coeff * (std::clamp(state_.temps.battery_c, t_min, t_max) - 25.0);
    auto target = [&](std::uint16_t address) {
        const double v = raw_volts(image_.get(address));
        return v > 0.0 ? v + compensation : 0.0;
    };
    ChargeTargets t;
    t.absorption_v = target(reg::ev_absorp);
    t.float_v = target(reg::ev_float);
    t.equalize_v = target(reg::ev_eq);
    t.absorption_s = image_.get(reg::et_absorp);
    t.equalize_s = image_.get(reg::et_eq_reg);
    const double limit = raw_amps(image_.get(reg::eib_lim));
    t.current_limit_a = limit > 0.0 ? limit : 60.0;  // 0 = the 60 A default
    return t;
}

double DeviceModel::fixed_array_voltage(const ArrayPoint& array) const {
    const double fixed = raw_volts(image_.get(reg::va_ref_fixed));
    if (fixed > 0.0) return fixed;
    const double percent = image_.get(reg::va_ref_fixed_pct) * 100.0 / 65536.0;
    return percent > 0.0 ? array.voc * percent / 100.0 : 0.0;
}

ChargeInputs DeviceModel::charge_inputs(const ArrayPoint& array) const {
    ChargeInputs in;
    in.array = array;
    in.load_a = load_amps;
    in.targets = charge_targets();
    in.stop_fault = (state_.faults & stop_charging_faults) != 0;
    in.disconnect = state_.disconnect;
    in.slave = slave_.active();
    in.slave_v = std::max(0.0, raw_volts(image_.get(reg::vb_ref_slave)));
    in.slave_a = std::max(0.0, raw_slave_amps(image_.get(reg::ib_ref_slave)));
    in.equalize_requested = state_.equalize_requested;
    in.fixed_array_v = fixed_array_voltage(array);
    return in;
}

void DeviceModel::apply_events(const ChargeStep& step) {
    if (step.day_started) on_dawn();
    if (step.equalize_started) {
        state_.daily.flags |= daily_flag::equalize_triggered;
        state_.totals.days_since_equalize = 0;
    }
    if (step.equalize_finished) state_.equalize_requested = false;
    if (step.entered_float) state_.daily.flags |= daily_flag::entered_float;
}

void DeviceModel::on_midnight() {
    state_.daily.frozen = true;  // until dawn (spec section 5)
    ++state_.totals.days_since_equalize;
    ++state_.totals.days_since_service;
}

void DeviceModel::on_dawn() {
    store_lifetime_eeprom(image_, state_.totals, state_.daily);  // the finished day's extremes
    state_.daily.clear();
}

void DeviceModel::check_slave_timeout() {
    if (slave_.check_timeout(state_.real_seconds)) state_.faults |= 1U << bit::fault_slave_timeout;
}

}  // namespace tristar::sim
