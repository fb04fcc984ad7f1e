// The path table's rows (register names from proto/tristar/register_map.cpp). Standard Victron
// paths first, then the TriStar extras under /Tristar. No /Solar paths: they do not exist in Venus
// (spec section 14). /Yield/User, /Yield/System and /History/* come from the daily history.
#include "publisher/venus_paths.h"

#include <array>

#include "publisher/venus_sources.h"

namespace tristar::publisher {
namespace {

using enum VenusType;
using namespace sources;

constexpr std::string_view degc = "°C";

// clang-format off
constexpr std::array path_table{
    // Generic and identity (section 4).
    PathSpec{"/Mgmt/Connection", string, "", 0, "", "the gateway's transport + \" via tristar-gatewayd\"", connection},
    PathSpec{"/ProductName", string, "", 0, "model", "Emodel 0xE0CC: \"TriStar MPPT 60\"; \"TriStar MPPT\" until read or when unreadable", product_name},
    PathSpec{"/Serial", string, "", 0, "serial", "[publisher] serial if set, else Eserial 0xE0C0-0xE0C3, 8 characters; invalid when unreadable", serial},
    PathSpec{"/HardwareVersion", string, "", 0, "hardware_version", "Ehw_version 0xE0CD: \"1.2\"", hardware_version},
    PathSpec{"/FirmwareVersion", integer, "", 0, "firmware_version", "ver_sw 0x04 in the 24-bit form: v12 -> 0x120000 (\"v12.00\"); invalid when not 2 BCD digits", firmware_version},

    // Solar charger (sections 5 and 17).
    PathSpec{"/Dc/0/Voltage", number, "V", 2, "battery_voltage", "adc_vb_f_med 0x18", measurement},
    PathSpec{"/Dc/0/Current", number, "A", 2, "battery_current", "adc_ib_f_shadow 0x1C, instantaneous", measurement},
    PathSpec{"/Dc/0/Temperature", number, degc, 0, "battery_temperature", "T_batt 0x25 while an RTS is connected (T_rts 0x24 != 0x80), else invalid", dc_temperature},
    PathSpec{"/Pv/V", number, "V", 2, "array_voltage", "adc_va_f 0x1B", measurement},
    PathSpec{"/Pv/I", number, "A", 2, "array_current", "adc_ia_f_shadow 0x1D (+-20 %)", measurement},
    PathSpec{"/Yield/Power", number, "W", 0, "output_power", "power_out_shadow 0x3A", measurement},
    PathSpec{"/State", integer, "", 0, "charge_state", "charge_state 0x32 via the section 17 table; undocumented -> 0", state},
    PathSpec{"/Mode", integer, "", 0, "", "coil 2 (charge disconnect): 0 -> 1 on, 1 -> 4 off", mode, true},
    PathSpec{"/MppOperationMode", integer, "", 0, "charge_state", "charge_state 0x32: 0 off/fault/night, 2 MPPT, 1 regulating", mpp_operation_mode},
    PathSpec{"/ErrorCode", integer, "", 0, "faults", "fault_all 0x2C, first set bit in the section 17 order; unlisted -> 255", error_code},
    PathSpec{"/NrOfTrackers", integer, "", 0, "", "constant 1", nr_of_trackers},
    PathSpec{"/Alarms/HighTemperature", integer, "", 0, "alarms", "alarm bit 5 (heatsink high-temp current limit) -> 1", high_temperature},
    PathSpec{"/Alarms/ShortCircuit", integer, "", 0, "faults", "fault bit 1 (FETs shorted) -> 2", short_circuit},
    PathSpec{"/Alarms/Alarm", integer, "", 0, "faults", "any fault bit -> 2", any_alarm},

    // TriStar extras: firmware, PV sweep, temperatures, battery.
    PathSpec{"/Tristar/Firmware/Controller", string, "", 0, "firmware_version", "ver_sw 0x04, BCD: \"v12\"", controller_firmware},
    PathSpec{"/Tristar/Firmware/Network", string, "", 0, "network_version", "ProcessorB_Version 0x1000, raw hex", network_firmware},
    PathSpec{"/Tristar/Pv/InputPower", number, "W", 0, "input_power", "power_in_shadow 0x3B (imprecise)", measurement},
    PathSpec{"/Tristar/Pv/Sweep/Vmp", number, "V", 2, "sweep_vmp", "sweep_vmp 0x3D", measurement},
    PathSpec{"/Tristar/Pv/Sweep/Voc", number, "V", 2, "sweep_voc", "sweep_voc 0x3E", measurement},
    PathSpec{"/Tristar/Pv/Sweep/Pmax", number, "W", 0, "sweep_pmax", "sweep_Pin_max 0x3C", measurement},
    PathSpec{"/Tristar/Temperature/Heatsink", number, degc, 0, "heatsink_temperature", "T_hs 0x23", measurement},
    PathSpec{"/Tristar/Temperature/Rts", number, degc, 0, "rts_temperature", "T_rts 0x24; invalid when 0x80 (no RTS)", measurement},
    PathSpec{"/Tristar/Temperature/Battery", number, degc, 0, "battery_temperature", "T_batt 0x25 (RTS, or ambient estimate)", measurement},
    PathSpec{"/Tristar/Battery/TargetVoltage", number, "V", 2, "target_voltage", "vb_ref 0x33, temperature-compensated", measurement},
    PathSpec{"/Tristar/Battery/TerminalVoltage", number, "V", 2, "battery_terminal_voltage", "adc_vbterm_f 0x19", measurement},
    PathSpec{"/Tristar/Battery/SenseVoltage", number, "V", 2, "battery_sense_voltage", "adc_vbs_f 0x1A", measurement},
    PathSpec{"/Tristar/Battery/Voltage1m", number, "V", 2, "battery_voltage_1m", "adc_vb_f_1m 0x26", measurement},
    PathSpec{"/Tristar/Battery/Current1m", number, "A", 2, "battery_current_1m", "adc_ib_f_1m 0x27", measurement},
    PathSpec{"/Tristar/Battery/MinVoltage", number, "V", 2, "battery_voltage_min", "vb_min 0x28, long-term", measurement},
    PathSpec{"/Tristar/Battery/MaxVoltage", number, "V", 2, "battery_voltage_max", "vb_max 0x29, long-term", measurement},
    PathSpec{"/Tristar/Battery/DaysSinceEqualize", integer, "d", 0, "days_since_equalize", "Etmr_eqcalendar 0xE08B", counter},
    PathSpec{"/Tristar/Battery/DaysSinceService", integer, "d", 0, "days_since_service", "Etmr_batt_service 0xE08C", counter},

    // Counters.
    PathSpec{"/Tristar/Charged/AhResettable", number, "Ah", 1, "ah_resettable", "Ahc_r 0x34/0x35", measurement},
    PathSpec{"/Tristar/Charged/AhTotal", number, "Ah", 1, "ah_total", "Ahc_t 0x36/0x37", measurement},
    PathSpec{"/Tristar/Charged/KwhResettable", number, "kWh", 0, "kwh_resettable", "kwhc_r 0x38, 1 kWh steps", measurement},
    PathSpec{"/Tristar/Charged/KwhTotal", number, "kWh", 0, "kwh_total", "kwhc_t 0x39, 1 kWh steps", measurement},
    PathSpec{"/Tristar/Hourmeter", integer, "h", 0, "hourmeter", "hourmeter 0x2A/0x2B", counter},

    // Status words: raw value (i) and names (s).
    PathSpec{"/Tristar/ChargeState/Value", integer, "", 0, "charge_state", "charge_state 0x32, raw", enum_code},
    PathSpec{"/Tristar/ChargeState/Name", string, "", 0, "charge_state", "charge_state 0x32: \"NIGHT\", \"UNKNOWN(10)\"", decoded_text},
    PathSpec{"/Tristar/Faults/Mask", integer, "", 0, "faults", "fault_all 0x2C", bit_mask},
    PathSpec{"/Tristar/Faults/Names", string, "", 0, "faults", "fault_all 0x2C: names, \"none\"", decoded_text},
    PathSpec{"/Tristar/Alarms/Mask", integer, "", 0, "alarms", "alarm 0x2E/0x2F, 24 bits", bit_mask},
    PathSpec{"/Tristar/Alarms/Names", string, "", 0, "alarms", "alarm 0x2E/0x2F: names, \"none\"", decoded_text},
    PathSpec{"/Tristar/Led/Value", integer, "", 0, "led_state", "led_state 0x31, raw", enum_code},
    PathSpec{"/Tristar/Led/Name", string, "", 0, "led_state", "led_state 0x31: \"GREEN\"", decoded_text},
    PathSpec{"/Tristar/DipSwitches/Mask", integer, "", 0, "dip_switches", "dip_all 0x30, bit 0 = switch 1", bit_mask},
    PathSpec{"/Tristar/DipSwitches/Text", string, "", 0, "dip_switches", "dip_all 0x30: switches ON and their meaning", decoded_text},
    PathSpec{"/Tristar/Equalize/Requested", integer, "", 0, "", "coil 0 (equalize request): 1 requested or running", equalize_requested},

    // The device's own daily values (0x40-0x4F; frozen from midnight to dawn, cleared by a reset).
    PathSpec{"/Tristar/Daily/Yield", number, "kWh", 2, "energy_daily", "whc_daily 0x44, Wh / 1000", kilo},
    PathSpec{"/Tristar/Daily/Charge", number, "Ah", 1, "ah_daily", "Ahc_daily 0x43", measurement},
    PathSpec{"/Tristar/Daily/MaxPower", number, "W", 0, "output_power_max_daily", "Pout_max_daily 0x46", measurement},
    PathSpec{"/Tristar/Daily/MinBatteryVoltage", number, "V", 2, "battery_voltage_min_daily", "vb_min_daily 0x40", measurement},
    PathSpec{"/Tristar/Daily/MaxBatteryVoltage", number, "V", 2, "battery_voltage_max_daily", "vb_max_daily 0x41", measurement},
    PathSpec{"/Tristar/Daily/MaxPvVoltage", number, "V", 2, "array_voltage_max_daily", "va_max_daily 0x42", measurement},
    PathSpec{"/Tristar/Daily/MinBatteryTemperature", number, degc, 0, "battery_temperature_min_daily", "Tb_min_daily 0x47", measurement},
    PathSpec{"/Tristar/Daily/MaxBatteryTemperature", number, degc, 0, "battery_temperature_max_daily", "Tb_max_daily 0x48", measurement},
    PathSpec{"/Tristar/Daily/TimeInAbsorption", integer, "s", 0, "absorption_time_daily", "time_ab_daily 0x4D", counter},
    PathSpec{"/Tristar/Daily/TimeInEqualize", integer, "s", 0, "equalize_time_daily", "time_eq_daily 0x4E", counter},
    PathSpec{"/Tristar/Daily/TimeInFloat", integer, "s", 0, "float_time_daily", "time_fl_daily 0x4F", counter},
    PathSpec{"/Tristar/Daily/Flags/Mask", integer, "", 0, "daily_flags", "flags_daily 0x45", bit_mask},
    PathSpec{"/Tristar/Daily/Flags/Names", string, "", 0, "daily_flags", "flags_daily 0x45: names, \"none\"", decoded_text},
    PathSpec{"/Tristar/Daily/Faults/Mask", integer, "", 0, "faults_daily", "fault_daily 0x49", bit_mask},
    PathSpec{"/Tristar/Daily/Faults/Names", string, "", 0, "faults_daily", "fault_daily 0x49: names, \"none\"", decoded_text},
    PathSpec{"/Tristar/Daily/Alarms/Mask", integer, "", 0, "alarms_daily", "alarm_daily 0x4B/0x4C", bit_mask},
    PathSpec{"/Tristar/Daily/Alarms/Names", string, "", 0, "alarms_daily", "alarm_daily 0x4B/0x4C: names, \"none\"", decoded_text},
};

// Values set by the service from its config and state, not from registers (section 4).
constexpr std::array caller_table{
    PathSpec{"/Mgmt/ProcessName", string, "", 0, "", "executable name", nullptr},
    PathSpec{"/Mgmt/ProcessVersion", string, "", 0, "", "publisher version", nullptr},
    PathSpec{"/DeviceInstance", integer, "", 0, "", "ClassAndVrmInstance from localsettings, or config", nullptr},
    PathSpec{"/ProductId", integer, "", 0, "", "fixed third-party id (0xBxxx), configurable", nullptr},
    PathSpec{"/CustomName", string, "", 0, "", "user name, persisted in localsettings", nullptr, true},
    PathSpec{"/Connected", integer, "", 0, "", "1 while the gateway and the device answer", nullptr},
};
// clang-format on

}  // namespace

std::span<const PathSpec> venus_paths() {
    return path_table;
}

std::span<const PathSpec> caller_paths() {
    return caller_table;
}

}  // namespace tristar::publisher
