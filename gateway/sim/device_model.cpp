#include "gateway/sim/device_model.h"

#include <algorithm>
#include <cmath>

#include "gateway/sim/addresses.h"
#include "gateway/sim/factory_image.h"
#include "gateway/sim/scaling.h"

namespace tristar::sim {

namespace {

constexpr double seconds_per_day = 86400.0;
constexpr double max_step_s = 60.0;       // device seconds per physics step
constexpr double slave_timeout_s = 60.0;  // spec section 4: rewrite at least every 60 s
constexpr double load_amps = 6.0;         // DC loads on the bank, day and night
constexpr double initial_soc = 0.80;      // at midnight: after an evening of loads
constexpr double filter_s = 60.0;         // 0x26/0x27: 1-minute filters
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
      totals_(initial_totals(scale_)),
      daily_(yesterday_log(scale_)),
      unit_id_(config.unit_id) {
    load_factory_image(image_, {config.serial, config.battery_volts, config.unit_id});
    update_lifetime_eeprom();
    const double start = std::clamp(config.start_hour, 0.0, 24.0) * 3600.0;
    while (device_seconds_ < start) physics_step(std::min(max_step_s, start - device_seconds_));
    physics_step(0.0);
    publish();
}

double DeviceModel::hour_of_day() const {
    return std::fmod(device_seconds_, seconds_per_day) / 3600.0;
}

void DeviceModel::advance(double real_seconds) {
    real_seconds = std::max(real_seconds, 0.0);
    real_seconds_ += real_seconds;
    check_slave_timeout();
    double remaining = config_.frozen ? 0.0 : real_seconds * seconds_per_day / config_.day_seconds;
    if (remaining <= 0.0) physics_step(0.0);
    while (remaining > 0.0) {
        const double h = std::min(max_step_s, remaining);
        physics_step(h);
        remaining -= h;
    }
    publish();
}

void DeviceModel::physics_step(double device_seconds) {
    const double before = device_seconds_;
    device_seconds_ += device_seconds;
    if (std::floor(before / seconds_per_day) != std::floor(device_seconds_ / seconds_per_day)) {
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
    state_ = step.state;
    point_ = step.point;
    apply_events(step);
    battery_.charge(point_.ib - load_amps, device_seconds);
    if (point_.ib > 0.0) sweep_ = array;
    const Sample sample{state_, point_, battery_temp_c_, faults_, alarms_};
    totals_.accumulate(sample, device_seconds);
    // Commands re-evaluate the state without time passing; the daily record waits for time.
    if (device_seconds > 0.0) daily_.record(sample, device_seconds);
    const double alpha = vb_1m_ == 0.0 ? 1.0 : device_seconds / (device_seconds + filter_s);
    vb_1m_ += alpha * (point_.vb - vb_1m_);
    ib_1m_ += alpha * (point_.ib - ib_1m_);
}

void DeviceModel::update_environment(double device_seconds, double irradiance, double ambient_c) {
    if (device_seconds <= 0.0) return;
    battery_temp_c_ =
        approach(battery_temp_c_, ambient_c + 3.0 + 2.0 * irradiance, device_seconds, 3.0 * 3600.0);
    const double heating = 0.02 * point_.p_out / scale_;
    heatsink_temp_c_ = approach(heatsink_temp_c_, ambient_c + heating, device_seconds, 900.0);
}

ChargeTargets DeviceModel::charge_targets() const {
    const double coeff = image_.get(reg::ev_tempcomp) * v_pu / 65536.0;  // V/degC, negative
    const double t_max = as_signed(image_.get(reg::etb_max));
    const double t_min = as_signed(image_.get(reg::etb_min));
    const double compensation = -coeff * (std::clamp(battery_temp_c_, t_min, t_max) - 25.0);
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
    in.stop_fault = (faults_ & stop_charging_faults) != 0;
    in.disconnect = disconnect_;
    in.slave = slave_;
    in.slave_v = std::max(0.0, raw_volts(image_.get(reg::vb_ref_slave)));
    in.slave_a = std::max(0.0, raw_slave_amps(image_.get(reg::ib_ref_slave)));
    in.equalize_requested = equalize_requested_;
    in.fixed_array_v = fixed_array_voltage(array);
    return in;
}

void DeviceModel::apply_events(const ChargeStep& step) {
    if (step.day_started) on_dawn();
    if (step.equalize_started) {
        daily_.flags |= daily_flag::equalize_triggered;
        totals_.days_since_equalize = 0;
    }
    if (step.equalize_finished) equalize_requested_ = false;
    if (step.entered_float) daily_.flags |= daily_flag::entered_float;
}

void DeviceModel::on_midnight() {
    daily_.frozen = true;  // until dawn (spec section 5)
    ++totals_.days_since_equalize;
    ++totals_.days_since_service;
}

void DeviceModel::on_dawn() {
    update_lifetime_eeprom();  // the finished day's extremes
    daily_.clear();
}

void DeviceModel::check_slave_timeout() {
    if (!slave_ || slave_timed_out_) return;
    if (real_seconds_ - slave_written_at_ <= slave_timeout_s) return;
    slave_timed_out_ = true;
    faults_ |= 1U << bit::fault_slave_timeout;
}

double DeviceModel::noise(double counts) {
    if (config_.frozen || counts == 0.0) return counts;
    return counts + std::uniform_int_distribution<int>(-1, 1)(rng_);
}

}  // namespace tristar::sim
