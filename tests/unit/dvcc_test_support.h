#pragma once
// What the DVCC unit tests share: a 24 V bank's device view, systemcalc's writes, and readers of a
// step's writes.
#include <doctest/doctest.h>

#include <cmath>
#include <optional>
#include <string>

#include "publisher/dvcc.h"

namespace tristar::publisher::dvcc_test {

using namespace std::chrono_literals;

inline constexpr std::uint16_t mppt = 5;
inline constexpr std::uint16_t slave = 9;
inline constexpr std::uint16_t disconnect = 2;
inline const SteadyTime t0 = SteadyTime{} + 1000h;

inline DvccConfig enabled(double limit = 60.0) {
    return DvccConfig{.enabled = true, .charge_current_limit = limit};
}

// A 24 V bank on a real unit's scale (V_PU 180), bulk charging towards 28.80 V.
inline DeviceView bulk(double target_v = 28.8, bool disconnected = false) {
    return DeviceView{180.0, target_v, mppt, disconnected};
}

inline void dvcc_writes(Dvcc& dvcc, SteadyTime now, double volts, double amps,
                        std::int32_t mode = 5) {
    REQUIRE(dvcc.set("/Link/NetworkMode", mode, now) == set_result::accepted);
    REQUIRE(dvcc.set("/Link/ChargeVoltage", volts, now) == set_result::accepted);
    REQUIRE(dvcc.set("/Link/ChargeCurrent", amps, now) == set_result::accepted);
}

// The device takes every write.
inline void ack(Dvcc& dvcc, const DvccStep& step, SteadyTime now) {
    for (const auto& w : step.writes) dvcc.finished(w, std::nullopt, now);
}

// DVCC asks 27.6 V and 2 A at t0 and the device takes the writes: slave mode.
inline void enter_slave_mode(Dvcc& dvcc) {
    dvcc_writes(dvcc, t0, 27.6, 2.0);
    ack(dvcc, dvcc.step(bulk(), t0), t0);
}

inline std::optional<std::uint16_t> reg(const DvccStep& step, std::uint16_t address) {
    for (const auto& w : step.writes)
        if (w.target == DvccWrite::Target::holding_register && w.address == address) return w.value;
    return std::nullopt;
}

inline std::optional<bool> coil(const DvccStep& step) {
    for (const auto& w : step.writes)
        if (w.target == DvccWrite::Target::coil && w.address == 2) return w.value != 0;
    return std::nullopt;
}

inline std::uint16_t volts_raw(double v, double v_pu = 180.0) {
    return static_cast<std::uint16_t>(std::lround(v * 32768.0 / v_pu));
}

inline std::uint16_t amps_raw(double a) {
    return static_cast<std::uint16_t>(std::lround(a * 32768.0 / 80.0));
}

inline std::int32_t integer_at(const PathValues& values, const std::string& path) {
    const auto it = values.find(path);
    REQUIRE_MESSAGE(it != values.end(), path);
    REQUIRE_MESSAGE(std::holds_alternative<std::int32_t>(it->second.value), path);
    return std::get<std::int32_t>(it->second.value);
}

}  // namespace tristar::publisher::dvcc_test
