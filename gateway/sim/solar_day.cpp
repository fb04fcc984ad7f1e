#include "gateway/sim/solar_day.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace tristar::sim {

namespace {

constexpr double module_voc_stc = 44.0;     // V, a 72-cell module
constexpr double vmp_ratio = 0.81;          // Vmp / Voc
constexpr double watts_per_12v = 750.0;     // array size per 12 V of battery
constexpr double voc_log_slope = 0.045;     // Voc drop per ln(irradiance)
constexpr double voc_temp_coeff = -0.0032;  // per degC
constexpr double power_temp_coeff = -0.004;
constexpr double dark_irradiance = 0.002;  // below this the array is dark

}  // namespace

Sun sun_at(double hour) {
    Sun sun;
    // Coldest before dawn (3:00), warmest mid-afternoon (15:00).
    sun.ambient_c = 15.0 + 7.0 * std::sin(2.0 * std::numbers::pi * (hour - 9.0) / 24.0);
    if (hour <= sunrise_hour || hour >= sunset_hour) return sun;
    const double elevation =
        std::sin(std::numbers::pi * (hour - sunrise_hour) / (sunset_hour - sunrise_hour));
    sun.irradiance = std::pow(elevation, 1.3);
    return sun;
}

// Modules in series: one per 12 V, but three at 48 V, which keeps a cold array's Voc under the
// TS-MPPT's 150 V input limit.
PvArray::PvArray(int battery_volts)
    : voc_stc_(module_voc_stc * (battery_volts >= 48 ? 3 : battery_volts / 12)),
      p_stc_(watts_per_12v * battery_volts / 12.0) {}

ArrayPoint PvArray::at(double irradiance, double cell_temp_c) const {
    if (irradiance < dark_irradiance) return {dark_voltage(), dark_voltage(), 0.0};
    const double temp_delta = cell_temp_c - 25.0;
    const double voc = voc_stc_ * (1.0 + voc_log_slope * std::log(irradiance)) *
                       (1.0 + voc_temp_coeff * temp_delta);
    const double pmax = p_stc_ * irradiance * (1.0 + power_temp_coeff * temp_delta);
    return {voc, voc * vmp_ratio, std::max(pmax, 0.0)};
}

double PvArray::power_at(const ArrayPoint& point, double volts) {
    if (point.pmax <= 0.0 || volts <= 0.0 || volts >= point.voc) return 0.0;
    if (volts <= point.vmp) return point.pmax * volts / point.vmp;
    return point.pmax * (point.voc - volts) / (point.voc - point.vmp);
}

double PvArray::voltage_for_power(const ArrayPoint& point, double watts) {
    if (point.pmax <= 0.0) return point.voc;
    const double fraction = std::clamp(watts / point.pmax, 0.0, 1.0);
    return point.voc - (point.voc - point.vmp) * fraction;
}

}  // namespace tristar::sim
