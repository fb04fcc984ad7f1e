#pragma once
// The project's TriStar -> Venus decisions (spec venus-dbus.md section 17) as pure functions of raw
// register values. The path table (venus_paths.cpp) applies them; tests check them row by row.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tristar::publisher {

// /State values used here (spec section 6).
namespace venus_state_value {
inline constexpr std::int32_t off = 0;
inline constexpr std::int32_t fault = 2;
inline constexpr std::int32_t bulk = 3;
inline constexpr std::int32_t absorption = 4;
inline constexpr std::int32_t floating = 5;
inline constexpr std::int32_t equalize = 7;
inline constexpr std::int32_t external_control = 252;
}  // namespace venus_state_value

// Alarm levels of /Alarms/* (spec section 5).
inline constexpr std::int32_t alarm_ok = 0;
inline constexpr std::int32_t alarm_warning = 1;
inline constexpr std::int32_t alarm_alarm = 2;

inline constexpr std::int32_t error_unknown = 255;

struct StateMapping {
    std::int32_t state;
    bool documented;  // false for an undocumented charge_state (e.g. 10): published as 0, log it
};

// charge_state (0x32) -> /State, section 17 table.
StateMapping venus_state(std::uint16_t charge_state);
std::string state_text(std::int32_t state);  // "Bulk"

// charge_state -> /MppOperationMode: 0 off/fault/night (and undocumented), 2 MPPT, 1 regulating.
std::int32_t mpp_operation_mode(std::uint16_t charge_state);
std::string mpp_operation_mode_text(std::int32_t mode);

// Coil 2 (charge disconnect) -> /Mode: 1 on when clear, 4 off when set.
std::int32_t venus_mode(bool charge_disconnect);
std::string mode_text(std::int32_t mode);

// fault_all (0x2C) -> /ErrorCode: the first set bit in the section 17 table order wins; set bits
// without a row (10, 12-15) give 255 only when no listed bit is set; no bit set gives 0.
std::int32_t error_code(std::uint16_t faults);
// The fault bit that decided error_code(), absent when no bit is set.
std::optional<unsigned> error_bit(std::uint16_t faults);
std::string error_text(std::uint16_t faults);  // "No error", "#28 FETs shorted"

// alarm bit 5 (heatsink high-temp current limit) -> /Alarms/HighTemperature 1 (warning), else 0.
std::int32_t high_temperature_alarm(std::uint32_t alarms);
// fault bit 1 (FETs shorted) -> /Alarms/ShortCircuit 2 (alarm), else 0. Decision of this project:
// it is the only TriStar condition that is a short in the power path, and like every TriStar
// fault it stops charging, so it is an alarm rather than a warning (it also raises /ErrorCode 28).
std::int32_t short_circuit_alarm(std::uint16_t faults);
// Any fault bit -> /Alarms/Alarm 2, none -> 0. Every TriStar fault stops charging.
std::int32_t any_fault_alarm(std::uint16_t faults);
std::string alarm_level_text(std::int32_t level);  // "OK", "Warning", "Alarm"

// Emodel (0xE0CC) -> /ProductName: "TriStar MPPT 60"; "TriStar MPPT" for an unknown or unread
// model, because /ProductName must never be empty (spec section 4).
std::string product_name(std::optional<std::uint16_t> model);

// /Mgmt/Connection from the gateway's transport description ("Modbus TCP 192.168.1.20"):
// "Modbus TCP 192.168.1.20 via tristar-gatewayd". Never exactly "VE.Can" or "VE.Bus" (spec 4).
std::string connection_text(std::string_view transport);

// ver_sw (BCD) -> /Tristar/Firmware/Controller: 0x0012 -> "v12"; absent when not BCD.
std::optional<std::string> controller_firmware_text(std::uint16_t ver_sw);
// /FirmwareVersion in Venus's 24-bit form from ver_sw (2 BCD digits): v12 (0x0012) -> 0x120000,
// which the GUI shows as "v12.00" and DVCC accepts (24-bit needs >= 0x10200, spec venus-dbus 4).
// Nothing for a value that is not BCD, has more than 2 digits, or would be below 0x10200 (it
// would raise DVCC alarm #48): the path is then invalid, which DVCC also accepts.
std::optional<std::int32_t> firmware_version_24bit(std::uint16_t ver_sw);
// ProcessorB_Version (0x1000) -> /Tristar/Firmware/Network. Its encoding is not documented, so
// the raw word is shown in hex: "0x0925".
std::string network_firmware_text(std::uint16_t version);

}  // namespace tristar::publisher
