#include "gateway/sim/battery.h"

#include <algorithm>
#include <cmath>

namespace tristar::sim {

namespace {

constexpr double ocv_empty = 11.8;         // V per 12 V block at 0 % (rested)
constexpr double ocv_span = 1.0;           // V per 12 V block from 0 to 100 %
constexpr double base_resistance = 0.006;  // ohm per 12 V block
constexpr double gassing_resistance = 0.05;
constexpr double bank_capacity_ah = 300.0;
constexpr double taper_per_hour = 1.4;  // acceptance ceiling: C * (1 - soc) * 1.4 per hour
constexpr double min_soc = 0.05;

}  // namespace

Battery::Battery(int nominal_volts, double soc)
    : strings_(nominal_volts / 12.0),
      capacity_ah_(bank_capacity_ah),
      soc_(std::clamp(soc, min_soc, 1.0)) {}

double Battery::open_circuit_voltage() const {
    return strings_ * (ocv_empty + ocv_span * soc_);
}

double Battery::resistance() const {
    return strings_ * (base_resistance + gassing_resistance * std::pow(soc_, 6.0));
}

double Battery::terminal_voltage(double net_amps) const {
    // Gassing resistance only shows while charging; a discharge sees the plain resistance.
    const double r = net_amps > 0.0 ? resistance() : strings_ * base_resistance;
    return open_circuit_voltage() + net_amps * r;
}

double Battery::acceptance(double volts) const {
    const double by_voltage = (volts - open_circuit_voltage()) / resistance();
    const double ceiling = capacity_ah_ * (1.0 - soc_) * taper_per_hour;
    return std::clamp(std::min(by_voltage, ceiling), 0.0, 1e6);
}

void Battery::charge(double net_amps, double seconds) {
    soc_ = std::clamp(soc_ + net_amps * seconds / 3600.0 / capacity_ah_, min_soc, 1.0);
}

}  // namespace tristar::sim
