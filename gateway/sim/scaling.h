#pragma once
// Engineering units to TriStar raw words (spec section 2), for the scale factors real units report:
// V_PU = 180, I_PU = 80. Values are rounded and clamped to the register's range; signed registers
// are stored as two's complement in a uint16.
#include <algorithm>
#include <cmath>
#include <cstdint>

namespace tristar::sim {

inline constexpr double v_pu = 180.0;
inline constexpr double i_pu = 80.0;
inline constexpr double volts_per_count = v_pu / 32768.0;          // 0.0054931640625
inline constexpr double amps_per_count = i_pu / 32768.0;           // 0.00244140625
inline constexpr double watts_per_count = v_pu * i_pu / 131072.0;  // 0.10986328125
inline constexpr double slave_amps_per_count = 80.0 / 32768.0;     // 0x58: fixed 80, not I_PU

inline std::uint16_t to_s16(double raw) {
    const double clamped = std::clamp(std::round(raw), -32768.0, 32767.0);
    return static_cast<std::uint16_t>(static_cast<std::int16_t>(clamped));
}

inline std::uint16_t to_u16(double raw) {
    return static_cast<std::uint16_t>(std::clamp(std::round(raw), 0.0, 65535.0));
}

inline std::int16_t as_signed(std::uint16_t word) {
    return static_cast<std::int16_t>(word);
}

inline std::uint16_t volts_raw(double volts) {
    return to_s16(volts / volts_per_count);
}
inline std::uint16_t amps_raw(double amps) {
    return to_s16(amps / amps_per_count);
}
inline std::uint16_t watts_raw(double watts) {
    return to_u16(watts / watts_per_count);
}
inline std::uint16_t celsius_raw(double celsius) {
    return to_s16(celsius);
}

inline double raw_volts(std::uint16_t word) {
    return as_signed(word) * volts_per_count;
}
inline double raw_amps(std::uint16_t word) {
    return as_signed(word) * amps_per_count;
}
inline double raw_slave_amps(std::uint16_t word) {
    return as_signed(word) * slave_amps_per_count;
}

}  // namespace tristar::sim
