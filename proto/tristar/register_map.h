#pragma once
// The TriStar MPPT 45/60 register and coil map as data (spec: tristar-modbus.md sections 3, 6, 7).
//
// One row per register (32-bit quantities are one row spanning two words). Code iterates over
// these tables; nothing else in the product hard-codes a TriStar address except through them.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace tristar {

// Where a register lives. Reads inside a block may be widened to the whole block (read-ahead).
enum class Block : std::uint8_t { ram, network, eeprom_settings, eeprom_identity };

// How raw words become an engineering value.
enum class Scaling : std::uint8_t {
    raw,            // the integer itself (counts, seconds, Wh, kWh, degC, ids)
    voltage,        // n * V_PU / 2^15 V
    current,        // n * I_PU / 2^15 A
    power,          // n * V_PU * I_PU / 2^17 W
    tenth,          // n * 0.1 (Ah counters)
    rail_12v,       // n * 18.612 / 2^15 V (0x1E, 0x20)
    rail_3v,        // n * 6.6 / 2^15 V (0x1F)
    rail_1v8,       // n * 3 / 2^15 V (0x21, 0x22)
    slave_current,  // n * 80 / 2^15 A (0x58: fixed 80, not I_PU)
    percent_2_16,   // n * 100 / 2^16 % (0x5B)
    tempco,         // n * V_PU / 2^16 V/degC, negative implied (0xE00D)
    scale_pu,       // hi + lo / 65536 (V_PU, I_PU)
};

// How the words are laid out and what kind of value they carry.
enum class Format : std::uint8_t {
    u16,
    s16,
    u32_hi_first,  // RAM pairs: high word at the lower address
    u32_lo_first,  // EEPROM pairs: low word at the lower address
    bcd,           // ver_sw: 0x0012 -> 12
    temperature,   // s16 degC; 0x24 T_rts: 0x80 means "RTS disconnected"
    charge_state,  // enum, tristar::charge_state_name
    led_state,     // enum, tristar::led_state_name
    faults,        // bitfield, tristar::fault_names
    alarms,        // 24-bit bitfield over two words, HI first
    daily_flags,   // bitfield
    dip_switches,  // bitfield, bit n = switch n+1
    serial,        // 4 words, 8 ASCII chars, low byte first: "01234567"
    hw_version,    // high byte major, low byte minor: "1.2"
    model,         // 0 TS-MPPT-45, 1 TS-MPPT-60, 2 TS-MPPT-30 (UNCERTAIN)
};

struct Register {
    std::uint16_t address;       // PDU (0-based) address of the first word
    std::uint8_t words;          // 1, 2 (32-bit pairs, V_PU/I_PU, alarms) or 4 (serial)
    std::string_view name;       // snake_case, unique: "battery_voltage"
    std::string_view spec_name;  // Morningstar's variable name: "adc_vb_f_med"
    std::string_view description;
    Format format;
    Scaling scaling;
    std::string_view unit;  // "V", "A", "W", "Ah", "kWh", "Wh", "h", "s", "degC", "%", ""
    Block block;
    bool writable;  // FC06 allowed by the device (slave overrides, EEPROM settings)
};

struct Coil {
    std::uint16_t address;
    std::string_view name;  // "equalize", "charge_disconnect", "reset_controller", ...
    std::string_view description;
    bool readable;  // reads back a meaningful state (0, 2); the others are commands
};

// Address ranges of the blocks the device serves in one read (spec section 8).
struct BlockRange {
    Block block;
    std::uint16_t first;
    std::uint16_t last;  // inclusive
};

std::span<const Register> registers();
std::span<const Coil> coils();
std::span<const BlockRange> blocks();

const Register* find_register(std::string_view name);
const Register* find_register_at(std::uint16_t address);  // the row whose first word is address
const Coil* find_coil(std::string_view name);
const Coil* find_coil_at(std::uint16_t address);

// The row any of whose words is address (a 32-bit pair's second word finds the pair), or null for
// reserved words.
const Register* find_register_covering(std::uint16_t address);
// The block range holding address, or null. Read-ahead widens a read to this range, never past it.
const BlockRange* find_block(std::uint16_t address);

// Well-known addresses, named once here.
namespace addr {
inline constexpr std::uint16_t v_pu_hi = 0x0000;
inline constexpr std::uint16_t i_pu_hi = 0x0002;
inline constexpr std::uint16_t rts_temperature = 0x0024;  // 0x80 here means "RTS disconnected"
inline constexpr std::uint16_t live_first = 0x0000;
inline constexpr std::uint16_t live_last = 0x005B;
inline constexpr std::uint16_t eeprom_first = 0xE000;
inline constexpr std::uint16_t eeprom_last = 0xE0CD;
inline constexpr std::uint16_t coil_equalize = 0x0000;
inline constexpr std::uint16_t coil_charge_disconnect = 0x0002;
inline constexpr std::uint16_t coil_clear_faults = 0x0014;
inline constexpr std::uint16_t coil_clear_alarms = 0x0015;
inline constexpr std::uint16_t coil_reset_controller = 0x00FF;
inline constexpr std::uint16_t coil_reset_comm_server = 0x10FF;
}  // namespace addr

}  // namespace tristar
