// Coils and register writes: what a master can make the controller do (spec sections 4, 6.4, 6.5).
#include <algorithm>
#include <cmath>

#include "gateway/sim/addresses.h"
#include "gateway/sim/device_model.h"
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

std::uint16_t with_bit(std::uint16_t word, unsigned bit_index) {
    return static_cast<std::uint16_t>(word | (1U << bit_index));
}

std::uint16_t without_bit(std::uint16_t word, unsigned bit_index) {
    return static_cast<std::uint16_t>(word & ~(1U << bit_index));
}

}  // namespace

std::optional<std::vector<std::uint16_t>> DeviceModel::read_registers(std::uint16_t address,
                                                                      std::uint16_t count) const {
    return image_.read(address, count);
}

std::optional<std::vector<bool>> DeviceModel::read_coils(std::uint16_t address,
                                                         std::uint16_t count) const {
    if (!coils_mapped(address, count)) return std::nullopt;
    std::vector<bool> bits(count, false);
    for (std::uint32_t i = 0; i < count; ++i) {
        const std::uint32_t a = address + i;
        if (a == coil::equalize) bits[i] = equalize_requested_ || state_ == ChargeState::equalize;
        if (a == coil::charge_disconnect) bits[i] = disconnect_;
    }
    return bits;
}

bool DeviceModel::register_writable(std::uint16_t address) const {
    return (address >= reg::ib_ref_slave && address <= reg::va_ref_fixed_pct) ||
           (address >= reg::settings_first && address <= reg::settings_last);
}

WriteOutcome DeviceModel::write_coil(std::uint16_t address, bool on) {
    const WriteOutcome outcome = command_coil(address, on);
    if (!outcome.error) {
        physics_step(0.0);
        publish();
    }
    return outcome;
}

WriteOutcome DeviceModel::command_coil(std::uint16_t address, bool on) {
    switch (address) {
        case coil::equalize:  // set only (TECHDOC); runs only if EV_eq != 0
            if (on && image_.get(reg::ev_eq) != 0) equalize_requested_ = true;
            return {};
        case coil::charge_disconnect:
            disconnect_ = on;
            return {};
        case coil::reset_controller:
            if (!on) return {};
            reset_controller();
            return {std::nullopt, CommandEffect::reset_controller};
        case coil::reset_comm_server:
            return {std::nullopt, on ? CommandEffect::reset_comm_server : CommandEffect::none};
        default:
            break;
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

void DeviceModel::clear_counters(std::uint16_t address) {
    switch (address) {
        case coil::clear_ah_resettable:  // vb_min/vb_max reset with Ah_r (spec 0x28/0x29)
            totals_.ah_resettable = 0.0;
            totals_.clear_vb_extremes();
            break;
        case coil::clear_ah_total:
            totals_.ah_total = 0.0;
            break;
        case coil::clear_kwh_resettable:
            totals_.kwh_resettable = 0.0;
            break;
        case coil::clear_kwh_total:
            totals_.kwh_total = 0.0;
            break;
        case coil::reset_service_calendar:
            totals_.days_since_service = 0;
            break;
        case coil::clear_faults:  // a settings edit faults the unit until a reset (spec 6.4)
            faults_ &= static_cast<std::uint16_t>(1U << bit::fault_custom_settings_edit);
            if (slave_timed_out_) slave_ = slave_timed_out_ = false;
            break;
        case coil::clear_alarms:
            alarms_ = 0;
            break;
        case coil::force_eeprom_update:
            update_lifetime_eeprom();
            break;
        case coil::clear_vb_extremes:
            totals_.clear_vb_extremes();
            break;
        default:
            break;
    }
}

WriteOutcome DeviceModel::write_register(std::uint16_t address, std::uint16_t value) {
    if (!register_writable(address)) return {ExceptionCode::illegal_data_address};
    if (address >= reg::settings_first) {
        image_.set(address, value);  // stored, and the unit stops charging until a reset
        faults_ = with_bit(faults_, bit::fault_custom_settings_edit);
    } else {
        write_slave_register(address, value);
    }
    physics_step(0.0);
    publish();
    return {};
}

void DeviceModel::write_slave_register(std::uint16_t address, std::uint16_t value) {
    image_.set(address, value);
    if (address != reg::ib_ref_slave && address != reg::vb_ref_slave) return;
    const std::int16_t v = as_signed(value);
    ++slave_log_.writes;
    if (slave_) slave_log_.longest_gap_s = std::max(slave_log_.longest_gap_s, real_seconds_ - slave_written_at_);
    if (v == 0) return;  // neither enters nor leaves slave mode (UNCERTAIN on real units)
    ++(v > 0 ? slave_log_.refreshes : slave_log_.exits);
    slave_ = v > 0;      // negative exits (0xFFF0 is the value reported to work)
    slave_timed_out_ = false;
    faults_ = without_bit(faults_, bit::fault_slave_timeout);
    slave_written_at_ = real_seconds_;
}

SlaveStatus DeviceModel::slave_status() const {
    SlaveStatus status = slave_log_;
    status.active = slave_;
    if (slave_) status.longest_gap_s = std::max(status.longest_gap_s, real_seconds_ - slave_written_at_);
    status.ib_ref_raw = image_.get(reg::ib_ref_slave);
    status.vb_ref_raw = image_.get(reg::vb_ref_slave);
    status.ib_ref_a = raw_slave_amps(status.ib_ref_raw);
    status.vb_ref_v = raw_volts(status.vb_ref_raw);
    status.charge_current_a = point_.ib;
    status.charge_disconnect = disconnect_;
    return status;
}

void DeviceModel::reset_controller() {
    daily_.clear();  // spec 6.5: clears daily registers, overrides, coil 2
    daily_.flags = daily_flag::reset_detected | daily_flag::alarm_occurred;
    alarms_ = 1U << bit::alarm_controller_reset;
    daily_.alarms = alarms_;
    faults_ = 0;
    slave_ = slave_timed_out_ = false;
    disconnect_ = false;
    equalize_requested_ = false;
    image_.set(reg::ib_ref_slave, 0);
    image_.set(reg::vb_ref_slave, 0);
    image_.set(reg::va_ref_fixed, image_.get(reg::eva_ref_fixed_init));
    image_.set(reg::va_ref_fixed_pct, image_.get(reg::eva_ref_fixed_pct_init));
    const std::uint16_t id = image_.get(reg::emodbus_id);  // a new Modbus id takes effect now
    if (id >= 1 && id <= 247) unit_id_ = static_cast<std::uint8_t>(id);
    charger_.restart();
}

void DeviceModel::update_lifetime_eeprom() {
    image_.set_u32_lo_first(reg::ehourmeter, static_cast<std::uint32_t>(totals_.hours));
    image_.set_u32_lo_first(reg::eahc_r, static_cast<std::uint32_t>(totals_.ah_resettable * 10));
    image_.set_u32_lo_first(reg::eahc_t, static_cast<std::uint32_t>(totals_.ah_total * 10));
    image_.set(reg::ekwhc_r, to_u16(std::floor(totals_.kwh_resettable)));
    image_.set(reg::ekwhc_t, to_u16(std::floor(totals_.kwh_total)));
    image_.set(reg::evb_min, volts_raw(daily_.vb_min));
    image_.set(reg::evb_max, volts_raw(daily_.vb_max));
    image_.set(reg::eva_max, volts_raw(daily_.va_max));
    image_.set(reg::etmr_eqcalendar, totals_.days_since_equalize);
    image_.set(reg::etmr_batt_service, totals_.days_since_service);
}

}  // namespace tristar::sim
