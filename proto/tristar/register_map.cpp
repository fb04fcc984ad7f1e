// The TriStar MPPT register and coil tables. Source of truth: shared/spec/tristar-modbus.md
// (section numbers below refer to it). docs/register-map.md mirrors these rows; a unit test keeps
// the two in step.
#include "proto/tristar/register_map.h"

#include <algorithm>
#include <array>

namespace tristar {
namespace {

using enum Format;
using enum Scaling;
using enum Block;

// Rows are sorted by address; reserved words (0x05-0x17, 0x2D, 0x3F, 0x4A, 0x50-0x57 and the EEPROM
// gaps) have no row on purpose: nothing may be published for them.
constexpr std::array register_table{
    // RAM, section 3. Every V, A and degC word is signed (rails and slave overrides included).
    Register{0x0000, 2, "v_pu", "V_PU",
             "voltage scale factor (hi + lo/65536); real units report 180", u32_hi_first, scale_pu,
             "", ram, false},
    Register{0x0002, 2, "i_pu", "I_PU",
             "current scale factor (hi + lo/65536); real units report 80", u32_hi_first, scale_pu,
             "", ram, false},
    Register{0x0004, 1, "firmware_version", "ver_sw", "processor A (charge control) firmware, BCD",
             bcd, raw, "", ram, false},
    Register{0x0018, 1, "battery_voltage", "adc_vb_f_med",
             "battery voltage used for regulation (sense if valid, else terminal)", s16, voltage,
             "V", ram, false},
    Register{0x0019, 1, "battery_terminal_voltage", "adc_vbterm_f",
             "battery voltage at the terminals", s16, voltage, "V", ram, false},
    Register{0x001A, 1, "battery_sense_voltage", "adc_vbs_f", "battery voltage at the sense wires",
             s16, voltage, "V", ram, false},
    Register{0x001B, 1, "array_voltage", "adc_va_f", "array (PV) voltage", s16, voltage, "V", ram,
             false},
    Register{0x001C, 1, "battery_current", "adc_ib_f_shadow",
             "battery charge current, instantaneous", s16, current, "A", ram, false},
    Register{0x001D, 1, "array_current", "adc_ia_f_shadow",
             "array current (no precision shunt, +-20 %)", s16, current, "A", ram, false},
    Register{0x001E, 1, "rail_12v", "adc_p12_f", "12 V supply rail", s16, rail_12v, "V", ram,
             false},
    Register{0x001F, 1, "rail_3v", "adc_p3_f", "3 V supply rail", s16, rail_3v, "V", ram, false},
    Register{0x0020, 1, "meterbus_voltage", "adc_pmeter_f", "MeterBus supply voltage", s16,
             rail_12v, "V", ram, false},
    Register{0x0021, 1, "rail_1v8", "adc_p18_f", "1.8 V supply rail", s16, rail_1v8, "V", ram,
             false},
    Register{0x0022, 1, "reference_voltage", "adc_v_ref", "ADC reference voltage", s16, rail_1v8,
             "V", ram, false},
    Register{0x0023, 1, "heatsink_temperature", "T_hs", "heatsink temperature", temperature, raw,
             "degC", ram, false},
    Register{0x0024, 1, "rts_temperature", "T_rts",
             "remote temperature sensor; 0x80 = disconnected", temperature, raw, "degC", ram,
             false},
    Register{0x0025, 1, "battery_temperature", "T_batt",
             "battery regulation temperature (RTS, or ambient if none)", temperature, raw, "degC",
             ram, false},
    Register{0x0026, 1, "battery_voltage_1m", "adc_vb_f_1m", "battery voltage, 1-minute filter",
             s16, voltage, "V", ram, false},
    Register{0x0027, 1, "battery_current_1m", "adc_ib_f_1m", "charge current, 1-minute filter", s16,
             current, "A", ram, false},
    Register{0x0028, 1, "battery_voltage_min", "vb_min",
             "long-term battery voltage minimum (reset with coil 0x19)", s16, voltage, "V", ram,
             false},
    Register{0x0029, 1, "battery_voltage_max", "vb_max",
             "long-term battery voltage maximum (reset with coil 0x19)", s16, voltage, "V", ram,
             false},
    Register{0x002A, 2, "hourmeter", "hourmeter", "operating hours", u32_hi_first, raw, "h", ram,
             false},
    Register{0x002C, 1, "faults", "fault_all", "active faults (bitfield)", faults, raw, "", ram,
             false},
    Register{0x002E, 2, "alarms", "alarm", "active alarms (24-bit bitfield)", alarms, raw, "", ram,
             false},
    Register{0x0030, 1, "dip_switches", "dip_all", "DIP switches, bit 0 = switch 1", dip_switches,
             raw, "", ram, false},
    Register{0x0031, 1, "led_state", "led_state", "front-panel LED pattern", led_state, raw, "",
             ram, false},
    Register{0x0032, 1, "charge_state", "charge_state", "charge stage", charge_state, raw, "", ram,
             false},
    Register{0x0033, 1, "target_voltage", "vb_ref",
             "present regulation target (temperature-compensated)", s16, voltage, "V", ram, false},
    Register{0x0034, 2, "ah_resettable", "Ahc_r", "Ah charged, resettable", u32_hi_first, tenth,
             "Ah", ram, false},
    Register{0x0036, 2, "ah_total", "Ahc_t", "Ah charged, total", u32_hi_first, tenth, "Ah", ram,
             false},
    Register{0x0038, 1, "kwh_resettable", "kwhc_r", "kWh charged, resettable", u16, raw, "kWh", ram,
             false},
    Register{0x0039, 1, "kwh_total", "kwhc_t", "kWh charged, total", u16, raw, "kWh", ram, false},
    Register{0x003A, 1, "output_power", "power_out_shadow", "output (battery-side) power", u16,
             power, "W", ram, false},
    Register{0x003B, 1, "input_power", "power_in_shadow", "input power (imprecise)", u16, power,
             "W", ram, false},
    Register{0x003C, 1, "sweep_pmax", "sweep_Pin_max", "maximum power of the last sweep", u16,
             power, "W", ram, false},
    Register{0x003D, 1, "sweep_vmp", "sweep_vmp", "Vmp of the last sweep", s16, voltage, "V", ram,
             false},
    Register{0x003E, 1, "sweep_voc", "sweep_voc", "Voc of the last sweep", s16, voltage, "V", ram,
             false},
    Register{0x0040, 1, "battery_voltage_min_daily", "vb_min_daily",
             "today's battery voltage minimum", s16, voltage, "V", ram, false},
    Register{0x0041, 1, "battery_voltage_max_daily", "vb_max_daily",
             "today's battery voltage maximum", s16, voltage, "V", ram, false},
    Register{0x0042, 1, "array_voltage_max_daily", "va_max_daily", "today's array voltage maximum",
             s16, voltage, "V", ram, false},
    Register{0x0043, 1, "ah_daily", "Ahc_daily", "today's Ah charged", u16, tenth, "Ah", ram,
             false},
    Register{0x0044, 1, "energy_daily", "whc_daily", "today's energy, raw = Wh (10 Wh steps)", u16,
             raw, "Wh", ram, false},
    Register{0x0045, 1, "daily_flags", "flags_daily", "today's flags (bitfield)", daily_flags, raw,
             "", ram, false},
    Register{0x0046, 1, "output_power_max_daily", "Pout_max_daily", "today's maximum output power",
             u16, power, "W", ram, false},
    Register{0x0047, 1, "battery_temperature_min_daily", "Tb_min_daily",
             "today's battery temperature minimum", temperature, raw, "degC", ram, false},
    Register{0x0048, 1, "battery_temperature_max_daily", "Tb_max_daily",
             "today's battery temperature maximum", temperature, raw, "degC", ram, false},
    Register{0x0049, 1, "faults_daily", "fault_daily", "faults seen today (bits as faults)", faults,
             raw, "", ram, false},
    Register{0x004B, 2, "alarms_daily", "alarm_daily", "alarms seen today (bits as alarms)", alarms,
             raw, "", ram, false},
    Register{0x004D, 1, "absorption_time_daily", "time_ab_daily", "time in absorption today", u16,
             raw, "s", ram, false},
    Register{0x004E, 1, "equalize_time_daily", "time_eq_daily", "time in equalize today", u16, raw,
             "s", ram, false},
    Register{0x004F, 1, "float_time_daily", "time_fl_daily", "time in float today", u16, raw, "s",
             ram, false},
    // Slave overrides, section 4: rewrite within 60 s; a negative value (0xFFF0) exits slave mode.
    Register{0x0058, 1, "slave_current", "Ib_ref_slave",
             "charge current override (fixed 80 A scale)", s16, slave_current, "A", ram, true},
    Register{0x0059, 1, "slave_voltage", "vb_ref_slave",
             "charge voltage override (actual battery V)", s16, voltage, "V", ram, true},
    Register{0x005A, 1, "array_voltage_fixed", "va_ref_fixed",
             "fixed array voltage target; non-zero disables MPPT", s16, voltage, "V", ram, true},
    Register{0x005B, 1, "array_voltage_fixed_percent", "va_ref_fixed_pct",
             "array voltage target as a percentage of Voc", u16, percent_2_16, "%", ram, true},

    // Network processor (processor B), section 6.1: only the plain words.
    Register{0x1000, 1, "network_version", "ProcessorB_Version",
             "network processor firmware version", u16, raw, "", network, false},
    Register{0x1025, 1, "network_flags", "NetFlags", "network flags (0x4000 = DHCP, uncertain)",
             u16, raw, "", network, false},
    Register{0x151B, 1, "http_port", "HTTP port", "web server TCP port", u16, raw, "", network,
             false},
    Register{0x151C, 1, "modbus_port", "Modbus port", "Modbus TCP port", u16, raw, "", network,
             false},
    Register{0x151D, 1, "network_rules", "NetRules",
             "bit 0: forward TCP requests for other unit ids to EIA-485", u16, raw, "", network,
             false},

    // EEPROM charge settings, section 6.2. Writable, but every write faults the unit until a reset
    // (section 6.4): the gateway's write policy refuses them unless configured.
    Register{0xE000, 1, "absorption_voltage", "EV_absorp", "absorption voltage at 25 degC", s16,
             voltage, "V", eeprom_settings, true},
    Register{0xE001, 1, "float_voltage", "EV_float", "float voltage at 25 degC; 0 disables float",
             s16, voltage, "V", eeprom_settings, true},
    Register{0xE002, 1, "absorption_time", "Et_absorp", "absorption time", u16, raw, "s",
             eeprom_settings, true},
    Register{0xE003, 1, "absorption_extension_time", "Et_absorp_ext", "absorption extension time",
             u16, raw, "s", eeprom_settings, true},
    Register{0xE004, 1, "absorption_extension_voltage", "EV_absorp_ext",
             "battery voltage that triggers the extension time (NOT an equalize command)", s16,
             voltage, "V", eeprom_settings, true},
    Register{0xE005, 1, "float_cancel_voltage", "EV_float_cancel",
             "voltage that cancels float on the next cycle", s16, voltage, "V", eeprom_settings,
             true},
    Register{0xE006, 1, "float_exit_time", "Et_float_exit_cum",
             "cumulative time below float before leaving float", u16, raw, "s", eeprom_settings,
             true},
    Register{0xE007, 1, "equalize_voltage", "EV_eq", "equalize voltage at 25 degC; 0 disables EQ",
             s16, voltage, "V", eeprom_settings, true},
    Register{0xE008, 1, "equalize_interval", "Et_eqcalendar", "days between equalizations (0-255)",
             u16, raw, "d", eeprom_settings, true},
    Register{0xE009, 1, "equalize_time_above_vreg", "Et_eq_above",
             "equalize time limit above the regulation voltage", u16, raw, "s", eeprom_settings,
             true},
    Register{0xE00A, 1, "equalize_time_at_veq", "Et_eq_reg",
             "equalize time limit at the EQ voltage", u16, raw, "s", eeprom_settings, true},
    Register{0xE00B, 1, "battery_service_interval", "Et_batt_service", "battery service interval",
             u16, raw, "d", eeprom_settings, true},
    Register{0xE00D, 1, "temperature_compensation", "EV_tempcomp",
             "temperature compensation coefficient (stored positive, applied negative)", u16,
             tempco, "V/degC", eeprom_settings, true},
    Register{0xE00E, 1, "battery_hvd_voltage", "EV_hvd",
             "battery high-voltage disconnect; 0 disables", s16, voltage, "V", eeprom_settings,
             true},
    Register{0xE00F, 1, "battery_hvr_voltage", "EV_hvr", "battery high-voltage reconnect", s16,
             voltage, "V", eeprom_settings, true},
    Register{0xE010, 1, "regulation_voltage_limit", "Evb_ref_lim",
             "absolute regulation voltage limit; 0 disables", s16, voltage, "V", eeprom_settings,
             true},
    Register{0xE011, 1, "temperature_compensation_max", "ETb_max",
             "temperature compensation clamp, upper", temperature, raw, "degC", eeprom_settings,
             true},
    Register{0xE012, 1, "temperature_compensation_min", "ETb_min",
             "temperature compensation clamp, lower", temperature, raw, "degC", eeprom_settings,
             true},
    Register{0xE015, 1, "led_green_to_green_yellow_voltage", "EV_soc_g_gy",
             "LED state-of-charge threshold green / green-yellow", s16, voltage, "V",
             eeprom_settings, true},
    Register{0xE016, 1, "led_green_yellow_to_yellow_voltage", "EV_soc_gy_y",
             "LED state-of-charge threshold green-yellow / yellow", s16, voltage, "V",
             eeprom_settings, true},
    Register{0xE017, 1, "led_yellow_to_yellow_red_voltage", "EV_soc_y_yr",
             "LED state-of-charge threshold yellow / yellow-red", s16, voltage, "V",
             eeprom_settings, true},
    Register{0xE018, 1, "led_yellow_red_to_red_voltage", "EV_soc_yr_r",
             "LED state-of-charge threshold yellow-red / red", s16, voltage, "V", eeprom_settings,
             true},
    Register{0xE019, 1, "modbus_id", "Emodbus_id", "Modbus unit id (1-247)", u16, raw, "",
             eeprom_settings, true},
    Register{0xE01A, 1, "meterbus_id", "Emeterbus_id", "MeterBus id (1-15)", u16, raw, "",
             eeprom_settings, true},
    Register{0xE01D, 1, "battery_current_limit", "EIb_lim",
             "battery current limit; 0 = 60 A default", s16, current, "A", eeprom_settings, true},
    Register{0xE020, 1, "array_voltage_fixed_init", "EVa_ref_fixed_init",
             "power-up value of array_voltage_fixed", s16, voltage, "V", eeprom_settings, true},
    Register{0xE021, 1, "array_voltage_fixed_percent_init", "EVa_ref_fixed_pct_init",
             "power-up value of array_voltage_fixed_percent", u16, percent_2_16, "%",
             eeprom_settings, true},

    // EEPROM identity and lifetime counters, section 6.3. Pairs here are LO first, unlike RAM.
    Register{0xE080, 2, "hourmeter_stored", "Ehourmeter", "operating hours, saved every 24 h",
             u32_lo_first, raw, "h", eeprom_identity, false},
    Register{0xE082, 2, "ah_resettable_stored", "EAhc_r", "Ah charged, resettable, saved copy",
             u32_lo_first, tenth, "Ah", eeprom_identity, false},
    Register{0xE084, 2, "ah_total_stored", "EAhc_t", "Ah charged, total, saved copy", u32_lo_first,
             tenth, "Ah", eeprom_identity, false},
    Register{0xE086, 1, "kwh_resettable_stored", "EkWhc_r", "kWh charged, resettable, saved copy",
             u16, raw, "kWh", eeprom_identity, false},
    Register{0xE087, 1, "kwh_total_stored", "EkWhc_t", "kWh charged, total, saved copy", u16, raw,
             "kWh", eeprom_identity, false},
    Register{0xE088, 1, "battery_voltage_min_24h", "EVb_min", "battery voltage minimum, last 24 h",
             s16, voltage, "V", eeprom_identity, false},
    Register{0xE089, 1, "battery_voltage_max_24h", "EVb_max", "battery voltage maximum, last 24 h",
             s16, voltage, "V", eeprom_identity, false},
    Register{0xE08A, 1, "array_voltage_max_24h", "EVa_max", "array voltage maximum, last 24 h", s16,
             voltage, "V", eeprom_identity, false},
    Register{0xE08B, 1, "days_since_equalize", "Etmr_eqcalendar",
             "days since the last equalization", u16, raw, "d", eeprom_identity, false},
    Register{0xE08C, 1, "days_since_service", "Etmr_batt_service",
             "days since the last battery service", u16, raw, "d", eeprom_identity, false},
    Register{0xE0C0, 4, "serial", "Eserial",
             "serial number, 8 ASCII digits (a string, not a number)", serial, raw, "",
             eeprom_identity, false},
    Register{0xE0CC, 1, "model", "Emodel", "model: 0 TS-MPPT-45, 1 TS-MPPT-60", model, raw, "",
             eeprom_identity, false},
    Register{0xE0CD, 1, "hardware_version", "Ehw_version", "hardware version, major.minor",
             hw_version, raw, "", eeprom_identity, false},
};

// Section 6.5. Only coils 0 and 2 read back a state; the rest are one-shot commands.
constexpr std::array coil_table{
    Coil{0x0000, "equalize", "request equalize (runs only if equalize_voltage is not 0)", true},
    Coil{0x0002, "charge_disconnect", "1 forces DISCONNECT, 0 releases", true},
    Coil{0x0010, "clear_ah_resettable", "clear ah_resettable", false},
    Coil{0x0011, "clear_ah_total", "clear ah_total", false},
    Coil{0x0012, "clear_kwh_resettable", "clear kwh_resettable", false},
    Coil{0x0013, "reset_battery_service", "reset the battery service calendar", false},
    Coil{0x0014, "clear_faults", "clear faults", false},
    Coil{0x0015, "clear_alarms", "clear alarms", false},
    Coil{0x0016, "update_eeprom", "force an EEPROM update", false},
    Coil{0x0018, "clear_kwh_total", "clear kwh_total", false},
    Coil{0x0019, "clear_battery_voltage_min_max", "clear battery_voltage_min/max", false},
    Coil{0x00F0, "single_phase_test", "single-phase test (test mode only)", false},
    Coil{0x00FF, "reset_controller", "reboot processor A; clears daily registers and overrides",
         false},
    Coil{0x1000, "test_notification_1", "send test notification 1", false},
    Coil{0x1001, "test_notification_2", "send test notification 2", false},
    Coil{0x1002, "test_notification_3", "send test notification 3", false},
    Coil{0x1003, "test_notification_4", "send test notification 4", false},
    Coil{0x10FF, "reset_comm_server", "reset the communications server (processor B)", false},
};

// Section 8: the live block is known to read in one go. The EEPROM is two blocks because
// 0xE000-0xE0CD (206 words) exceeds the 125-register limit of one FC03/FC04 read. The network
// block ends with the 8-word NetBIOS name at 0x1029; 0x151B-0x151D are network EEPROM words.
constexpr std::array block_table{
    BlockRange{ram, addr::live_first, addr::live_last},
    BlockRange{network, 0x1000, 0x1030},
    BlockRange{network, 0x151B, 0x151D},
    BlockRange{eeprom_settings, addr::eeprom_first, 0xE021},
    BlockRange{eeprom_identity, 0xE080, addr::eeprom_last},
};

unsigned last_word(const Register& reg) {
    return reg.address + reg.words - 1U;
}

}  // namespace

std::span<const Register> registers() {
    return register_table;
}
std::span<const Coil> coils() {
    return coil_table;
}
std::span<const BlockRange> blocks() {
    return block_table;
}

namespace {

// The first entry of `table` that `match` accepts, or null.
template <typename Table, typename Match>
const typename Table::value_type* find_entry(const Table& table, Match match) {
    auto it = std::ranges::find_if(table, match);
    return it == table.end() ? nullptr : &*it;
}

}  // namespace

const Register* find_register(std::string_view name) {
    return find_entry(register_table, [name](const Register& reg) { return reg.name == name; });
}

const Register* find_register_at(std::uint16_t address) {
    return find_entry(register_table,
                      [address](const Register& reg) { return reg.address == address; });
}

const Register* find_register_covering(std::uint16_t address) {
    return find_entry(register_table, [address](const Register& reg) {
        return address >= reg.address && address <= last_word(reg);
    });
}

const Coil* find_coil(std::string_view name) {
    return find_entry(coil_table, [name](const Coil& coil) { return coil.name == name; });
}

const Coil* find_coil_at(std::uint16_t address) {
    return find_entry(coil_table, [address](const Coil& coil) { return coil.address == address; });
}

const BlockRange* find_block(std::uint16_t address) {
    return find_entry(block_table, [address](const BlockRange& range) {
        return address >= range.first && address <= range.last;
    });
}

}  // namespace tristar
