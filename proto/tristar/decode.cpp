// Raw words -> engineering values and names (spec sections 2, 6.6, 7).
#include "proto/tristar/decode.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string_view>

namespace tristar {
namespace {

constexpr double two_15 = 32768.0;
constexpr double two_16 = 65536.0;
constexpr double two_17 = 131072.0;

// Spec 6.6. Index = raw value; anything past the end is reported, never indexed (lesson 10).
constexpr std::array<std::string_view, 10> charge_states{
    "START", "NIGHT_CHECK", "DISCONNECT", "NIGHT",    "FAULT",
    "MPPT",  "ABSORPTION",  "FLOAT",      "EQUALIZE", "SLAVE"};

constexpr std::array<std::string_view, 20> led_states{
    "START",           "START2",        "BRANCH",      "FAST GREEN BLINK", "SLOW GREEN BLINK",
    "GREEN BLINK 1HZ", "GREEN",         "UNDEFINED",   "YELLOW",           "UNDEFINED",
    "BLINK RED",       "RED",           "R-Y-G ERR",   "R/Y-G ERR",        "R/G-Y ERR",
    "R-Y ERR (HTD)",   "R-G ERR (HVD)", "R/Y-G/Y ERR", "G/Y/R ERR",        "G/Y/R x2"};

// Model 2 (TS-MPPT-30) comes from drivers, not from the spec (UNCERTAIN).
constexpr std::array<std::string_view, 3> models{"TS-MPPT-45", "TS-MPPT-60", "TS-MPPT-30"};

// Bit 11 moved from bit 10 in spec V10; bit 10 is now reserved.
// clang-format off
constexpr std::array<std::string_view, 16> fault_bits{
    "overcurrent", "FETs shorted", "software bug", "battery HVD",
    "array HVD", "settings switch changed", "custom settings edit", "RTS shorted",
    "RTS disconnected", "EEPROM retry limit", "reserved", "slave control timeout",
    "Fault 13", "Fault 14", "Fault 15", "Fault 16"};

constexpr std::array<std::string_view, 24> alarm_bits{
    "RTS open", "RTS shorted", "RTS disconnected", "heatsink sensor open",
    "heatsink sensor shorted", "heatsink high-temp current limit", "current limit",
    "current offset", "battery sense out of range", "battery sense disconnected",
    "uncalibrated", "RTS miswire", "HVD", "undefined", "system miswire", "MOSFET open",
    "P12 off", "high input-V current limit", "ADC input max", "controller was reset",
    "Alarm 21", "Alarm 22", "Alarm 23", "Alarm 24"};
// clang-format on

constexpr std::array<std::string_view, 5> daily_flag_bits{
    "reset detected", "equalize triggered", "entered float", "alarm occurred", "fault occurred"};

std::string unknown(unsigned value) {
    return "UNKNOWN(" + std::to_string(value) + ")";
}

template <std::size_t N>
std::string enum_name(const std::array<std::string_view, N>& names, std::uint16_t value) {
    return value < N ? std::string(names[value]) : unknown(value);
}

// Bits beyond the named ones are still reported ("bit 27") so nothing set is silently hidden.
template <std::size_t N>
std::vector<std::string> bit_names(const std::array<std::string_view, N>& names,
                                   std::uint32_t bits) {
    std::vector<std::string> out;
    for (unsigned bit = 0; bit < 32; ++bit) {
        if ((bits >> bit & 1U) == 0) continue;
        out.push_back(bit < N ? std::string(names[bit]) : "bit " + std::to_string(bit));
    }
    return out;
}

std::string join(const std::vector<std::string>& items, std::string_view empty) {
    if (items.empty()) return std::string(empty);
    std::string out = items.front();
    for (std::size_t i = 1; i < items.size(); ++i) out.append(", ").append(items[i]);
    return out;
}

// Enough decimals to show the register's resolution, no more (5.5 mV, 2.4 mA, 0.11 W at 180/80).
int decimals(Scaling scaling) {
    switch (scaling) {
        case Scaling::raw:
        case Scaling::power: return 0;
        case Scaling::tenth:
        case Scaling::percent_2_16: return 1;
        case Scaling::tempco: return 4;
        case Scaling::scale_pu: return -1;  // 16.16 fixed point: "78.014252", "180"
        default: return 2;                  // volts and amps
    }
}

std::string number_text(double value, int places, std::string_view unit) {
    std::array<char, 64> buf{};
    if (places < 0) {
        std::snprintf(buf.data(), buf.size(), "%.8g", value);
    } else {
        std::snprintf(buf.data(), buf.size(), "%.*f", places, value);
    }
    std::string text(buf.data());
    if (text.starts_with('-') && text.find_first_not_of("-0.") == std::string::npos)
        text.erase(0, 1);
    if (!unit.empty()) text.append(" ").append(unit);
    return text;
}

bool is_signed(Format format) {
    return format == Format::s16 || format == Format::temperature;
}

bool is_plain_word(Format format) {
    return format == Format::u16 || is_signed(format);
}

double raw_value(Format format, std::span<const std::uint16_t> words) {
    if (format == Format::u32_hi_first) return u32_hi_first(words[0], words[1]);
    if (format == Format::u32_lo_first) return u32_lo_first(words[0], words[1]);
    if (is_signed(format)) return static_cast<std::int16_t>(words[0]);
    return words[0];
}

Value numeric(const Register& reg, std::span<const std::uint16_t> words, const Scale& scale) {
    double value = scaled(reg.scaling, raw_value(reg.format, words), scale);
    return {value, number_text(value, decimals(reg.scaling), reg.unit), reg.unit};
}

// The sensors span -127..127 degC, so 0x80 (128) is never a reading; on T_rts it means no RTS.
Value temperature(const Register& reg, std::uint16_t word) {
    auto degc = static_cast<std::int16_t>(word);
    if (degc >= -127 && degc <= 127) return {degc, number_text(degc, 0, reg.unit), reg.unit};
    if (reg.address == addr::rts_temperature && word == 0x0080)
        return {{}, "disconnected", reg.unit};
    return {{}, "invalid (" + std::to_string(degc) + ")", reg.unit};
}

std::string hex_word(std::uint16_t word) {
    std::array<char, 8> buf{};
    std::snprintf(buf.data(), buf.size(), "0x%04X", static_cast<unsigned>(word));
    return buf.data();
}

bool is_bcd(std::uint16_t word) {
    for (unsigned shift = 0; shift < 16; shift += 4) {
        if ((unsigned{word} >> shift & 0xFU) > 9) return false;
    }
    return true;
}

Value bcd(std::uint16_t word) {
    if (!is_bcd(word)) return {{}, "invalid BCD " + hex_word(word), ""};
    unsigned value = bcd_value(word);
    return {value, std::to_string(value), ""};
}

Value named(std::uint16_t word, std::string text) {
    return {word, std::move(text), ""};
}

Value bitfield(std::uint32_t bits, const std::vector<std::string>& names) {
    return {bits, join(names, "none"), ""};
}

bool on(std::uint16_t bits, unsigned sw) {
    return (unsigned{bits} >> (sw - 1) & 1U) != 0;
}

std::string system_voltage(std::uint16_t bits) {
    constexpr std::array<std::string_view, 4> by_2_3{"auto V", "12 V", "24 V", "48 V"};
    return std::string(by_2_3[(on(bits, 2) ? 2U : 0U) + (on(bits, 3) ? 1U : 0U)]);
}

// Only ON/ON/ON (custom) is named by the spec; the presets are shown as their switch positions.
std::string battery_type(std::uint16_t bits) {
    if (on(bits, 4) && on(bits, 5) && on(bits, 6)) return "custom battery";
    auto pos = [bits](unsigned sw) { return std::string(on(bits, sw) ? "ON" : "OFF"); };
    return "battery preset " + pos(4) + "/" + pos(5) + "/" + pos(6);
}

// What the switches mean (spec 7; the system voltage table is UNCERTAIN for the TS-MPPT).
std::vector<std::string> dip_meaning(std::uint16_t bits) {
    return {on(bits, 1) ? "mode switch ON (not charging)" : "charging", system_voltage(bits),
            battery_type(bits), on(bits, 7) ? "EQ auto" : "EQ manual",
            on(bits, 8) ? "TCP writes allowed" : "TCP writes refused"};
}

std::vector<std::string> switches_on(std::uint16_t bits) {
    std::vector<std::string> out;
    for (unsigned sw = 1; sw <= 8; ++sw) {
        if (on(bits, sw)) out.push_back(std::to_string(sw));
    }
    return out;
}

std::string switch_list(std::uint16_t bits) {
    auto list = switches_on(bits);
    if (list.empty()) return "all switches OFF";
    if (list.size() == 1) return "switch " + list.front() + " ON";
    std::string last = list.back();
    list.pop_back();
    return "switches " + join(list, "") + " and " + last + " ON";
}

// e.g. "switches 3, 4, 5, 6 and 8 ON: charging, 12 V, custom battery, EQ manual, ..."
Value dip(std::uint16_t bits) {
    return {bits, switch_list(bits) + ": " + join(dip_meaning(bits), ""), ""};
}

}  // namespace

Scale scale_from_words(std::span<const std::uint16_t> words) {
    if (words.size() < 4) return {};
    return {words[0] + words[1] / two_16, words[2] + words[3] / two_16};
}

double scaled(Scaling scaling, double raw, const Scale& scale) {
    switch (scaling) {
        case Scaling::raw: return raw;
        case Scaling::voltage: return raw * scale.v_pu / two_15;
        case Scaling::current: return raw * scale.i_pu / two_15;
        case Scaling::power: return raw * scale.v_pu * scale.i_pu / two_17;
        case Scaling::tenth: return raw * 0.1;
        case Scaling::rail_12v: return raw * 18.612 / two_15;
        case Scaling::rail_3v: return raw * 6.6 / two_15;
        case Scaling::rail_1v8: return raw * 3.0 / two_15;
        case Scaling::slave_current: return raw * 80.0 / two_15;
        case Scaling::percent_2_16: return raw * 100.0 / two_16;
        case Scaling::tempco: return -raw * scale.v_pu / two_16;
        case Scaling::scale_pu: return raw / two_16;  // the u32 hi:lo is hi + lo/65536 in 16.16
    }
    return raw;
}

double unscaled(Scaling scaling, double value, const Scale& scale) {
    double factor = scaled(scaling, 1.0, scale);  // every scaling is linear through zero
    return factor == 0.0 ? std::numeric_limits<double>::quiet_NaN() : value / factor;
}

std::optional<std::uint16_t> encode(const Register& reg, double value, const Scale& scale) {
    if (reg.words != 1 || !is_plain_word(reg.format)) return std::nullopt;
    double raw = std::round(unscaled(reg.scaling, value, scale));
    bool is_s16 = is_signed(reg.format);
    double lowest = is_s16 ? -32768.0 : 0.0;
    double highest = is_s16 ? 32767.0 : 65535.0;
    if (!std::isfinite(raw) || raw < lowest || raw > highest) return std::nullopt;
    if (is_s16) return static_cast<std::uint16_t>(static_cast<std::int16_t>(raw));
    return static_cast<std::uint16_t>(raw);
}

Value decode(const Register& reg, std::span<const std::uint16_t> words, const Scale& scale) {
    if (words.size() < reg.words) return {{}, "no data", reg.unit};
    switch (reg.format) {
        case Format::u16:
        case Format::s16:
        case Format::u32_hi_first:
        case Format::u32_lo_first: return numeric(reg, words, scale);
        case Format::bcd: return bcd(words[0]);
        case Format::temperature: return temperature(reg, words[0]);
        case Format::charge_state: return named(words[0], charge_state_name(words[0]));
        case Format::led_state: return named(words[0], led_state_name(words[0]));
        case Format::model: return named(words[0], model_name(words[0]));
        case Format::faults: return bitfield(words[0], fault_names(words[0]));
        case Format::daily_flags: return bitfield(words[0], daily_flag_names(words[0]));
        case Format::alarms: {
            std::uint32_t bits = u32_hi_first(words[0], words[1]);
            return bitfield(bits, alarm_names(bits));
        }
        case Format::dip_switches: return dip(words[0]);
        case Format::serial: return {{}, serial_text(words.first(4)), ""};
        case Format::hw_version: return {{}, hw_version_text(words[0]), ""};
    }
    return {{}, "unknown format", reg.unit};
}

std::uint32_t u32_hi_first(std::uint16_t first, std::uint16_t second) {
    return static_cast<std::uint32_t>(first) << 16 | second;
}

std::uint32_t u32_lo_first(std::uint16_t first, std::uint16_t second) {
    return u32_hi_first(second, first);
}

// Low byte first: 0x3130 -> "01". Trailing NULs are padding; other non-printables become '?'.
std::string serial_text(std::span<const std::uint16_t> four_words) {
    std::string out;
    for (std::uint16_t word : four_words.first(std::min<std::size_t>(4, four_words.size()))) {
        out.push_back(static_cast<char>(word & 0xFFU));
        out.push_back(static_cast<char>(word >> 8U));
    }
    while (!out.empty() && out.back() == '\0') out.pop_back();
    for (char& c : out) {
        if (c < 0x20 || c > 0x7E) c = '?';
    }
    return out;
}

std::string hw_version_text(std::uint16_t word) {
    return std::to_string(word >> 8U) + "." + std::to_string(word & 0xFFU);
}

unsigned bcd_value(std::uint16_t word) {
    unsigned value = 0;
    for (unsigned shift = 16; shift > 0; shift -= 4)
        value = value * 10 + (unsigned{word} >> (shift - 4) & 0xFU);
    return value;
}

std::string charge_state_name(std::uint16_t state) {
    return enum_name(charge_states, state);
}
std::string led_state_name(std::uint16_t state) {
    return enum_name(led_states, state);
}
std::string model_name(std::uint16_t model) {
    return enum_name(models, model);
}

std::vector<std::string> fault_names(std::uint16_t bits) {
    return bit_names(fault_bits, bits);
}
std::vector<std::string> alarm_names(std::uint32_t bits) {
    return bit_names(alarm_bits, bits);
}
std::vector<std::string> daily_flag_names(std::uint16_t bits) {
    return bit_names(daily_flag_bits, bits);
}

// "switch n ON" for each ON switch, then what the switches mean.
std::vector<std::string> dip_switch_names(std::uint16_t bits) {
    std::vector<std::string> out;
    for (const auto& sw : switches_on(bits)) out.push_back("switch " + sw + " ON");
    for (auto& meaning : dip_meaning(bits)) out.push_back(std::move(meaning));
    return out;
}

}  // namespace tristar
