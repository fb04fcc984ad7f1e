#include "gateway/sim/device_commands.h"

#include "gateway/sim/addresses.h"
#include "gateway/sim/live_registers.h"
#include "gateway/sim/scaling.h"

namespace tristar::sim {

namespace {

using modbus::ExceptionCode;

// Coils read back in these ranges (0 for the command coils); outside them: illegal address.
struct CoilBlock {
    std::uint16_t first;
    std::uint16_t last;
};
constexpr CoilBlock coil_blocks[] = {{0x0000, 0x00FF}, {0x1000, 0x10FF}};

bool coils_mapped(std::uint16_t address, std::uint16_t count) {
    const std::uint32_t last = std::uint32_t{address} + count - 1U;
    for (const auto& block : coil_blocks) {
        if (count > 0 && address >= block.first && last <= block.last) return true;
    }
    return false;
}

// 0x10-0x16, 0x18, 0x19: clears and resets, acting on a write of 1.
bool is_counter_coil(std::uint16_t address) {
    return (address >= coil::clear_ah_resettable && address <= coil::force_eeprom_update) ||
           address == coil::clear_kwh_total || address == coil::clear_vb_extremes;
}

// Coils that zero one total (spec 6.4); the others act in clear_counters' switch.
struct TotalClear {
    std::uint16_t coil;
    double Totals::*field;
};
constexpr TotalClear total_clears[] = {
    {coil::clear_ah_resettable, &Totals::ah_resettable},
    {coil::clear_ah_total, &Totals::ah_total},
    {coil::clear_kwh_resettable, &Totals::kwh_resettable},
    {coil::clear_kwh_total, &Totals::kwh_total},
};

std::uint16_t with_bit(std::uint16_t word, unsigned bit_index) {
    return static_cast<std::uint16_t>(word | (1U << bit_index));
}

std::uint16_t without_bit(std::uint16_t word, unsigned bit_index) {
    return static_cast<std::uint16_t>(word & ~(1U << bit_index));
}

}  // namespace

std::optional<std::vector<bool>> DeviceCommands::read_coils(std::uint16_t address,
                                                            std::uint16_t count) const {
    if (!coils_mapped(address, count)) return std::nullopt;
    std::vector<bool> bits(count, false);
    for (std::uint32_t i = 0; i < count; ++i) {
        const std::uint32_t a = address + i;
        if (a == coil::equalize)
            bits[i] = state_.equalize_requested || state_.charge == ChargeState::equalize;
        if (a == coil::charge_disconnect) bits[i] = state_.disconnect;
    }
    return bits;
}

bool DeviceCommands::register_writable(std::uint16_t address) {
    return (address >= reg::ib_ref_slave && address <= reg::va_ref_fixed_pct) ||
           (address >= reg::settings_first && address <= reg::settings_last);
}

WriteOutcome DeviceCommands::command_coil(std::uint16_t address, bool on) {
    switch (address) {
        case coil::equalize:  // set only (TECHDOC); runs only if EV_eq != 0
            if (on && image_.get(reg::ev_eq) != 0) state_.equalize_requested = true;
            return {};
        case coil::charge_disconnect: state_.disconnect = on; return {};
        case coil::reset_controller:
            if (!on) return {};
            reset_controller();
            return {std::nullopt, CommandEffect::reset_controller};
        case coil::reset_comm_server:
            return {std::nullopt, on ? CommandEffect::reset_comm_server : CommandEffect::none};
        default: break;
    }
    if (is_counter_coil(address)) {
        if (on) clear_counters(address);
        return {};
    }
    const bool test_coil =
        address == coil::single_phase_test ||
        (address >= coil::test_notification_first && address <= coil::test_notification_last);
    if (test_coil) return {};  // accepted; nothing to simulate
    return {ExceptionCode::illegal_data_address};
}

void DeviceCommands::clear_counters(std::uint16_t address) {
    for (const auto& clear : total_clears) {
        if (clear.coil == address) state_.totals.*clear.field = 0.0;
    }
    switch (address) {
        case coil::clear_ah_resettable:  // vb_min/vb_max reset with Ah_r (spec 0x28/0x29)
        case coil::clear_vb_extremes: state_.totals.clear_vb_extremes(); break;
        case coil::reset_service_calendar: state_.totals.days_since_service = 0; break;
        case coil::clear_faults:  // a settings edit faults the unit until a reset (spec 6.4)
            state_.faults &= static_cast<std::uint16_t>(1U << bit::fault_custom_settings_edit);
            slave_.clear_timeout();
            break;
        case coil::clear_alarms: state_.alarms = 0; break;
        case coil::force_eeprom_update:
            store_lifetime_eeprom(image_, state_.totals, state_.daily);
            break;
        default: break;
    }
}

WriteOutcome DeviceCommands::write_register(std::uint16_t address, std::uint16_t value) {
    if (!register_writable(address)) return {ExceptionCode::illegal_data_address};
    if (address >= reg::settings_first) {
        image_.set(address, value);  // stored, and the unit stops charging until a reset
        state_.faults = with_bit(state_.faults, bit::fault_custom_settings_edit);
    } else {
        write_slave_register(address, value);
    }
    return {};
}

void DeviceCommands::write_slave_register(std::uint16_t address, std::uint16_t value) {
    image_.set(address, value);
    if (address != reg::ib_ref_slave && address != reg::vb_ref_slave) return;
    if (slave_.on_write(as_signed(value), state_.real_seconds)) {
        state_.faults = without_bit(state_.faults, bit::fault_slave_timeout);
    }
}

void DeviceCommands::reset_controller() {
    DailyLog& daily = state_.daily;
    daily.clear();  // spec 6.5: clears daily registers, overrides, coil 2
    daily.flags = daily_flag::reset_detected | daily_flag::alarm_occurred;
    state_.alarms = 1U << bit::alarm_controller_reset;
    daily.alarms = state_.alarms;
    state_.faults = 0;
    slave_.reset();
    state_.disconnect = false;
    state_.equalize_requested = false;
    image_.set(reg::ib_ref_slave, 0);
    image_.set(reg::vb_ref_slave, 0);
    image_.set(reg::va_ref_fixed, image_.get(reg::eva_ref_fixed_init));
    image_.set(reg::va_ref_fixed_pct, image_.get(reg::eva_ref_fixed_pct_init));
    const std::uint16_t id = image_.get(reg::emodbus_id);  // a new Modbus id takes effect now
    if (id >= 1 && id <= 247) state_.unit_id = static_cast<std::uint8_t>(id);
    charger_.restart();
}

}  // namespace tristar::sim
