#pragma once
// Decoding of TriStar registers into engineering values (spec: tristar-modbus.md sections 2, 6, 7).
// Pure functions of raw words and the scale factors; no I/O.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "proto/tristar/register_map.h"

namespace tristar {

// V_PU and I_PU as read from 0x0000-0x0003 (real units report 180 and 80).
struct Scale {
    double v_pu = 180.0;
    double i_pu = 80.0;
};

// words must hold at least 4 registers starting at 0x0000.
Scale scale_from_words(std::span<const std::uint16_t> words);

// A decoded register: `number` is the engineering value (NaN-free; absent when the value is
// invalid, e.g. RTS disconnected), `text` is for people, e.g. "13.43 V", "NIGHT",
// "overcurrent, FETs shorted", "01234567".
struct Value {
    std::optional<double> number;
    std::string text;
    std::string_view unit;
};

// words are the register's own words (reg.words of them, in address order).
Value decode(const Register& reg, std::span<const std::uint16_t> words, const Scale& scale);

// The engineering value of raw words with a scaling, e.g. voltage(2445) = 13.4308 at V_PU 180.
double scaled(Scaling scaling, double raw, const Scale& scale);

// The inverse of scaled(): 14.34 V at V_PU 180 -> 2610.52. NaN when the scale factor is zero.
double unscaled(Scaling scaling, double value, const Scale& scale);

// The word to write for an engineering value on a one-word numeric row (u16, s16, temperature),
// rounded to nearest: slave_voltage 14.34 V -> 0x0A33, -0.0879 V -> 0xFFF0. Absent when the row
// is not a plain one-word number or the value does not fit the word. Says nothing about whether
// the write is allowed: that is reg.writable and the gateway's write policy.
std::optional<std::uint16_t> encode(const Register& reg, double value, const Scale& scale);

// 32-bit helpers for the two word orders.
std::uint32_t u32_hi_first(std::uint16_t first, std::uint16_t second);
std::uint32_t u32_lo_first(std::uint16_t first, std::uint16_t second);

std::string serial_text(std::span<const std::uint16_t> four_words);  // "01234567"
std::string hw_version_text(std::uint16_t word);                     // "1.2"
unsigned bcd_value(std::uint16_t word);                              // 0x0012 -> 12

// Names; unknown values give "UNKNOWN(<n>)", never an out-of-bounds read.
std::string charge_state_name(std::uint16_t state);
std::string led_state_name(std::uint16_t state);
std::string model_name(std::uint16_t model);
std::vector<std::string> fault_names(std::uint16_t bits);
std::vector<std::string> alarm_names(std::uint32_t bits);
std::vector<std::string> daily_flag_names(std::uint16_t bits);
std::vector<std::string> dip_switch_names(std::uint16_t bits);  // "switch 3 ON" ... summary

// The charge_state values (0x32).
enum class ChargeState : std::uint16_t {
    start = 0,
    night_check = 1,
    disconnect = 2,
    night = 3,
    fault = 4,
    mppt = 5,
    absorption = 6,
    floating = 7,
    equalize = 8,
    slave = 9,
};

}  // namespace tristar
