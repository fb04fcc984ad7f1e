#pragma once
// What the controller accumulates: lifetime and resettable totals (Ah, kWh, hours, long-term
// battery V extremes, calendars) and the daily record of registers 0x40-0x4F, which starts at
// dawn and stays frozen from midnight until the next dawn (spec section 5).
#include <cstdint>

#include "gateway/sim/charger.h"

namespace tristar::sim {

struct Sample {
    ChargeState state = ChargeState::night;
    ElectricalPoint point;
    double battery_temp_c = 20.0;
    std::uint16_t faults = 0;
    std::uint32_t alarms = 0;
};

struct Totals {
    double ah_resettable = 0.0;
    double ah_total = 0.0;
    double kwh_resettable = 0.0;
    double kwh_total = 0.0;
    double hours = 0.0;
    double vb_min = 0.0;  // long-term, cleared with coil 0x10 / 0x19
    double vb_max = 0.0;
    std::uint16_t days_since_equalize = 0;
    std::uint16_t days_since_service = 0;

    void accumulate(const Sample& sample, double seconds);
    void clear_vb_extremes() { vb_min = vb_max = 0.0; }
};

namespace daily_flag {
inline constexpr std::uint16_t reset_detected = 1U << 0;
inline constexpr std::uint16_t equalize_triggered = 1U << 1;
inline constexpr std::uint16_t entered_float = 1U << 2;
inline constexpr std::uint16_t alarm_occurred = 1U << 3;
inline constexpr std::uint16_t fault_occurred = 1U << 4;
}  // namespace daily_flag

struct DailyLog {
    double vb_min = 0.0;
    double vb_max = 0.0;
    double va_max = 0.0;
    double ah = 0.0;
    double wh = 0.0;
    double pout_max = 0.0;
    double tb_min = 0.0;
    double tb_max = 0.0;
    std::uint16_t flags = 0;
    std::uint16_t faults = 0;
    std::uint32_t alarms = 0;
    double absorption_s = 0.0;
    double equalize_s = 0.0;
    double float_s = 0.0;
    bool frozen = false;  // midnight until dawn
    bool seeded = false;  // min/max hold a first sample

    void record(const Sample& sample, double seconds);
    void clear() { *this = DailyLog{}; }
};

// A plausible "yesterday" for a simulator started at midnight.
DailyLog yesterday_log(double battery_scale);

}  // namespace tristar::sim
