#include "publisher/dvcc.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "proto/tristar/decode.h"
#include "proto/tristar/register_map.h"
#include "publisher/venus_rules.h"

namespace tristar::publisher {
namespace {

constexpr auto slave_state = static_cast<std::uint16_t>(ChargeState::slave);
constexpr auto disconnect_state = static_cast<std::uint16_t>(ChargeState::disconnect);
constexpr std::string_view write_error_path = "/Tristar/Dvcc/WriteError";

// The word for a slave register ("slave_current": n * 80 / 2^15 A whatever I_PU says;
// "slave_voltage": n * V_PU / 2^15 V); nothing when it does not fit.
std::optional<std::uint16_t> slave_word(std::string_view name, double value, double v_pu) {
    const Register* reg = find_register(name);
    if (reg == nullptr) return std::nullopt;
    return encode(*reg, value, Scale{v_pu, 80.0});
}

std::string volts(double v) {
    return format_number(v, 2, "V");
}

}  // namespace

Dvcc::Dvcc(const DvccConfig& config, SteadyTime start, DvccMemory memory)
    : config_(config),
      link_(config, start, memory.bms_present),
      stop_(memory.stop_held),
      stop_at_start_(memory.stop_held) {}

// A BMS loss: DVCC silent for the loss delay under a BMS, or, after a restart, a stop of DVCC's
// that was in force and DVCC has not written since.
bool Dvcc::bms_lost(const DvccLimits& limits) const {
    return limits.bms && (limits.lost || (stop_at_start_ && !link_.heard()));
}

std::vector<ItemSpec> dvcc_items(const DvccConfig& config) {
    if (!config.enabled) return {};
    auto items = DvccLink::items();
    items.push_back({std::string(write_error_path), VenusType::string, false});
    return items;
}

std::int32_t Dvcc::set(std::string_view path, const SetArgument& value, SteadyTime now) {
    if (!handles(path)) return set_result::not_writable;
    return link_.set(path, value, now);
}

std::optional<bool> Dvcc::user_switch(bool off) {
    if (!enabled()) return off;
    return stop_.user_switch(off);
}

void Dvcc::note_own_target(const DeviceView& device) {
    if (!device.charge_state || *device.charge_state == slave_state) return;
    if (device.target_v && *device.target_v > 0.0) own_target_v_ = device.target_v;
}

// The words slave mode should hold, or nothing when no DVCC limit binds or the current is 0
// (then ChargeStop stops the charger).
std::optional<SlaveTarget> Dvcc::slave_target(const DvccLimits& limits,
                                              const DeviceView& device) const {
    if (!limits.voltage && !limits.current) return std::nullopt;
    const double amps = limits.current.value_or(
        std::clamp(config_.charge_current_limit, 0.0, dvcc_current_limit_max));
    const auto current = slave_word("slave_current", amps, *device.v_pu);
    if (!current || *current == 0) return std::nullopt;
    constexpr double none = std::numeric_limits<double>::infinity();
    const double own = own_target_v_.value_or(none);
    const double v = std::min(limits.voltage.value_or(none), own);
    const bool binds = amps < dvcc_current_limit_max || (limits.voltage && *limits.voltage < own);
    if (!binds) return std::nullopt;
    SlaveTarget target{*current,
                       std::nullopt,
                       fmt::format("{} (DVCC {}, limit {})", format_number(amps, 2, "A"),
                                   limits.current ? format_number(*limits.current, 2, "A") : "none",
                                   format_number(config_.charge_current_limit, 0, "A")),
                       {}};
    if (v != none) {
        target.voltage = slave_word("slave_voltage", v, *device.v_pu);
        target.voltage_why = fmt::format("{} (DVCC {}, TriStar's own target {})", volts(v),
                                         limits.voltage ? volts(*limits.voltage) : "none",
                                         own_target_v_ ? volts(*own_target_v_) : "unknown");
    }
    return target;
}

DvccStep Dvcc::step(const DeviceView& device, SteadyTime now) {
    note_own_target(device);
    if (!enabled()) return disabled_step(device, now);
    DvccStep out;
    const DvccLimits limits = link_.limits(now);
    note_events(limits, out.events);
    if (!device.v_pu || !device.charge_state) return out;  // nothing read yet, or the link is down
    if (link_.mid_batch(now)) return out;
    const auto target = limits.controlling ? slave_target(limits, device) : std::nullopt;
    const bool zero = limits.controlling && limits.current &&
                      slave_word("slave_current", *limits.current, *device.v_pu).value_or(0) == 0;
    // A stop held at start stays until DVCC writes again, or without a BMS until the loss delay.
    const bool held_from_before = stop_at_start_ && !link_.heard() && !limits.lost;
    const bool want_stop = zero || bms_lost(limits) || held_from_before;
    // Until DVCC wrote once, a unit found in SLAVE gets the loss delay to be claimed.
    const bool may_exit = link_.heard() || limits.lost;
    const auto coil = stop_.due(want_stop, device.charge_disconnect, now);
    auto registers = slave_.due(target, *device.charge_state == slave_state, may_exit, now);
    // Stop before leaving slave mode; be in slave mode (limited) before charging again.
    if (coil && want_stop) out.writes.push_back(*coil);
    std::ranges::move(registers, std::back_inserter(out.writes));
    if (coil && !want_stop) out.writes.push_back(*coil);
    return out;
}

DvccStep Dvcc::disabled_step(const DeviceView& device, SteadyTime now) {
    DvccStep out;
    if (!may_exit_ || !device.charge_state || !device.v_pu) return out;
    const bool in_slave = *device.charge_state == slave_state;
    if (!in_slave && !slave_.entered()) {
        may_exit_ = false;  // only a unit found in SLAVE at start is taken out of it
        return out;
    }
    out.writes = slave_.due(std::nullopt, in_slave, true, now);
    if (!out.writes.empty())
        out.events.push_back(
            "the TriStar is in slave mode (charge_state 9) and DVCC is off: leaving slave mode");
    return out;
}

void Dvcc::note_events(const DvccLimits& limits, std::vector<std::string>& events) {
    if (limits.controlling && !last_.controlling) events.emplace_back("DVCC controls the TriStar");
    if (!limits.controlling && last_.controlling && !limits.lost)
        events.emplace_back(
            "DVCC leaves the TriStar to its own settings (NetworkMode not networked)");
    if (limits.lost && !last_.lost) {
        events.emplace_back(
            limits.bms ? "no DVCC write for 60 s with a BMS: charging stopped, /ErrorCode 67"
                       : "no DVCC write for 60 s: the TriStar charges on its own settings");
    }
    if (!limits.lost && last_.lost) events.emplace_back("DVCC writes again");
    if (limits.lost && last_.lost && last_.bms && !limits.bms)
        events.emplace_back("BmsPresent reset: the TriStar charges on its own settings");
    last_ = limits;
}

WriteNote Dvcc::finished(const DvccWrite& write, const std::optional<std::string>& failure,
                         SteadyTime now) {
    if (write.target == DvccWrite::Target::coil) return stop_.finished(write, failure, now);
    if (!failure && write.value == slave_exit_value && !enabled()) may_exit_ = false;
    return slave_.finished(write, failure, now);
}

std::vector<DvccWrite> Dvcc::leave(const DeviceView& device) const {
    if (!enabled()) return {};  // off: the one exit at start is all it ever writes
    return slave_.leave(device.charge_state == slave_state);
}

std::optional<bool> Dvcc::user_off(std::optional<bool> coil) const {
    if (!enabled()) return coil;
    return stop_.user_off(coil);
}

PathValues Dvcc::values(const DeviceView& device, SteadyTime now) const {
    if (!enabled()) return {};
    PathValues values = link_.values(now);
    std::string error = slave_.error();
    if (error.empty()) error = stop_.error();
    values[std::string(write_error_path)] = string_value(error);
    const DvccLimits limits = link_.limits(now);
    const bool bms_lost = this->bms_lost(limits);
    if (bms_lost && device.charge_state)
        values["/ErrorCode"] = integer_value(error_bms_connection_lost, "#67 BMS connection lost");
    // Stopped by DVCC alone: not "Off", which would make systemcalc give up on the charger.
    if (stop_.held() && !stop_.user_stopped() && device.charge_state == disconnect_state) {
        const std::int32_t state =
            bms_lost ? venus_state_value::fault : venus_state_value::external_control;
        values["/State"] = integer_value(state, state_text(state));
    }
    if (const auto off = stop_.user_off(device.charge_disconnect)) {
        const std::int32_t mode = venus_mode(*off);
        values["/Mode"] = integer_value(mode, mode_text(mode));
    }
    return values;
}

}  // namespace tristar::publisher
