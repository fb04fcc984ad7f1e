#pragma once
// The sun over one day and a PV array sized for the system voltage. Pure functions of the hour of
// day; the device model adds clouds and noise on top.
#include <cstdint>

namespace tristar::sim {

inline constexpr double sunrise_hour = 6.0;
inline constexpr double sunset_hour = 18.0;

struct Sun {
    double irradiance = 0.0;  // fraction of 1000 W/m2
    double ambient_c = 15.0;
};

// Clear-sky sun at `hour` (0..24): dark before sunrise and after sunset.
Sun sun_at(double hour);

// What the array can do at one moment (a sweep's result).
struct ArrayPoint {
    double voc = 0.0;   // open-circuit voltage, V
    double vmp = 0.0;   // maximum-power voltage, V
    double pmax = 0.0;  // maximum power, W
};

// A PV array of 72-cell modules (Voc 44 V) in series strings, sized to about 750 W per 12 V of
// battery, so that the 60 A controller is rarely current limited.
class PvArray {
  public:
    explicit PvArray(int battery_volts);

    ArrayPoint at(double irradiance, double cell_temp_c) const;
    // The power delivered when the array is held at `volts` (fixed array voltage, 0x5A).
    static double power_at(const ArrayPoint& point, double volts);
    // The operating voltage (above Vmp) at which the array delivers `watts` < pmax.
    static double voltage_for_power(const ArrayPoint& point, double watts);
    // The array voltage in the dark: a few hundred millivolts of leakage.
    static double dark_voltage() { return 0.33; }

  private:
    double voc_stc_;
    double p_stc_;
};

}  // namespace tristar::sim
