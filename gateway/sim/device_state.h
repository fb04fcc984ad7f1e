#pragma once
// What the simulated controller knows between two physics steps: clocks, the electrical point, the
// temperatures and filters, faults and alarms, the pending commands and the accumulated totals. A
// plain value shared by DeviceModel (physics), DeviceCommands (coils, writes) and LiveRegisters
// (state -> RAM words); each of them documents which fields it changes.
#include <cstdint>

#include "gateway/sim/charger.h"
#include "gateway/sim/counters.h"
#include "gateway/sim/solar_day.h"

namespace tristar::sim {

// Heatsink and battery temperature, degC; both start at a cool night's value.
struct Temperatures {
    double battery_c = 12.0;
    double heatsink_c = 12.0;
};

// The 1-minute filters of 0x26/0x27 (0 until the first sample).
struct MinuteFilters {
    double vb = 0.0;
    double ib = 0.0;
};

struct DeviceState {
    double real_seconds = 0.0;
    double device_seconds = 0.0;  // since midnight of day 0
    ChargeState charge = ChargeState::start;
    ElectricalPoint point;
    ArrayPoint sweep;
    Temperatures temps;
    MinuteFilters filtered;
    std::uint16_t faults = 0;
    std::uint32_t alarms = 0;
    bool equalize_requested = false;  // coil 0
    bool disconnect = false;          // coil 2
    std::uint8_t unit_id = 1;
    Totals totals;
    DailyLog daily;
};

}  // namespace tristar::sim
