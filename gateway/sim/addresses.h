#pragma once
// The TriStar MPPT 60 addresses the simulator serves, named once, straight from the device spec
// (tristar-modbus.md sections 3 and 6), so the device model does not depend on the product's
// register-map tables: the simulator is the independent reference those tables are tested against.
#include <cstdint>

namespace tristar::sim::reg {

// RAM (section 3)
inline constexpr std::uint16_t v_pu_hi = 0x00, v_pu_lo = 0x01, i_pu_hi = 0x02, i_pu_lo = 0x03;
inline constexpr std::uint16_t ver_sw = 0x04;
inline constexpr std::uint16_t vb_f_med = 0x18, vbterm = 0x19, vbs = 0x1A, va = 0x1B;
inline constexpr std::uint16_t ib = 0x1C, ia = 0x1D;
inline constexpr std::uint16_t p12 = 0x1E, p3 = 0x1F, pmeter = 0x20, p18 = 0x21, v_ref = 0x22;
inline constexpr std::uint16_t t_hs = 0x23, t_rts = 0x24, t_batt = 0x25;
inline constexpr std::uint16_t vb_f_1m = 0x26, ib_f_1m = 0x27, vb_min = 0x28, vb_max = 0x29;
inline constexpr std::uint16_t hourmeter_hi = 0x2A;
inline constexpr std::uint16_t fault_all = 0x2C, alarm_hi = 0x2E, alarm_lo = 0x2F;
inline constexpr std::uint16_t dip_all = 0x30, led_state = 0x31, charge_state = 0x32;
inline constexpr std::uint16_t vb_ref = 0x33, ahc_r_hi = 0x34, ahc_t_hi = 0x36;
inline constexpr std::uint16_t kwhc_r = 0x38, kwhc_t = 0x39;
inline constexpr std::uint16_t power_out = 0x3A, power_in = 0x3B;
inline constexpr std::uint16_t sweep_pin_max = 0x3C, sweep_vmp = 0x3D, sweep_voc = 0x3E;
inline constexpr std::uint16_t daily_first = 0x40, daily_last = 0x4F;
inline constexpr std::uint16_t vb_min_daily = 0x40, vb_max_daily = 0x41, va_max_daily = 0x42;
inline constexpr std::uint16_t ahc_daily = 0x43, whc_daily = 0x44, flags_daily = 0x45;
inline constexpr std::uint16_t pout_max_daily = 0x46, tb_min_daily = 0x47, tb_max_daily = 0x48;
inline constexpr std::uint16_t fault_daily = 0x49, alarm_daily_hi = 0x4B, alarm_daily_lo = 0x4C;
inline constexpr std::uint16_t time_ab_daily = 0x4D, time_eq_daily = 0x4E, time_fl_daily = 0x4F;
inline constexpr std::uint16_t ib_ref_slave = 0x58, vb_ref_slave = 0x59;
inline constexpr std::uint16_t va_ref_fixed = 0x5A, va_ref_fixed_pct = 0x5B;

// Network (section 6.1)
inline constexpr std::uint16_t processor_b_version = 0x1000, ip_address = 0x100F;
inline constexpr std::uint16_t controller_id = 0x101D, net_flags = 0x1025, mac = 0x1026;
inline constexpr std::uint16_t netbios_name = 0x1029;
inline constexpr std::uint16_t http_port = 0x151B, modbus_port = 0x151C, net_rules = 0x151D;

// EEPROM settings (section 6.2); FC06 writes here raise fault 6.
inline constexpr std::uint16_t settings_first = 0xE000, settings_last = 0xE021;
inline constexpr std::uint16_t ev_absorp = 0xE000, ev_float = 0xE001, et_absorp = 0xE002;
inline constexpr std::uint16_t et_absorp_ext = 0xE003, ev_absorp_ext = 0xE004;
inline constexpr std::uint16_t ev_float_cancel = 0xE005, et_float_exit_cum = 0xE006;
inline constexpr std::uint16_t ev_eq = 0xE007, et_eqcalendar = 0xE008;
inline constexpr std::uint16_t et_eq_above = 0xE009, et_eq_reg = 0xE00A;
inline constexpr std::uint16_t et_batt_service = 0xE00B, ev_tempcomp = 0xE00D;
inline constexpr std::uint16_t ev_hvd = 0xE00E, ev_hvr = 0xE00F, evb_ref_lim = 0xE010;
inline constexpr std::uint16_t etb_max = 0xE011, etb_min = 0xE012, ev_soc_first = 0xE015;
inline constexpr std::uint16_t emodbus_id = 0xE019, emeterbus_id = 0xE01A, eib_lim = 0xE01D;
inline constexpr std::uint16_t eva_ref_fixed_init = 0xE020, eva_ref_fixed_pct_init = 0xE021;

// Read-only EEPROM (section 6.3); pairs LO first.
inline constexpr std::uint16_t ehourmeter = 0xE080, eahc_r = 0xE082, eahc_t = 0xE084;
inline constexpr std::uint16_t ekwhc_r = 0xE086, ekwhc_t = 0xE087;
inline constexpr std::uint16_t evb_min = 0xE088, evb_max = 0xE089, eva_max = 0xE08A;
inline constexpr std::uint16_t etmr_eqcalendar = 0xE08B, etmr_batt_service = 0xE08C;
inline constexpr std::uint16_t eserial = 0xE0C0, emodel = 0xE0CC, ehw_version = 0xE0CD;

}  // namespace tristar::sim::reg

namespace tristar::sim::coil {

// Section 6.5
inline constexpr std::uint16_t equalize = 0x0000;
inline constexpr std::uint16_t charge_disconnect = 0x0002;
inline constexpr std::uint16_t clear_ah_resettable = 0x0010, clear_ah_total = 0x0011;
inline constexpr std::uint16_t clear_kwh_resettable = 0x0012, reset_service_calendar = 0x0013;
inline constexpr std::uint16_t clear_faults = 0x0014, clear_alarms = 0x0015;
inline constexpr std::uint16_t force_eeprom_update = 0x0016, clear_kwh_total = 0x0018;
inline constexpr std::uint16_t clear_vb_extremes = 0x0019, single_phase_test = 0x00F0;
inline constexpr std::uint16_t reset_controller = 0x00FF;
inline constexpr std::uint16_t test_notification_first = 0x1000, test_notification_last = 0x1003;
inline constexpr std::uint16_t reset_comm_server = 0x10FF;

}  // namespace tristar::sim::coil

namespace tristar::sim::bit {

inline constexpr unsigned fault_custom_settings_edit = 6;  // fault_all
inline constexpr unsigned fault_slave_timeout = 11;        // fault_all (bit 10 before SPEC V10)
inline constexpr unsigned alarm_controller_reset = 19;     // alarm HI:LO

}  // namespace tristar::sim::bit
