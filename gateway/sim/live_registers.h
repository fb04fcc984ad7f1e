#pragma once
// The RAM block as a function of the controller's state (spec section 3): what a poll reads, and
// the lifetime EEPROM words the controller stores at dawn. Measurements get +-1 count of noise
// from the model's generator unless the model is frozen. Writes only to the register image.
#include <random>

#include "gateway/sim/counters.h"
#include "gateway/sim/device_state.h"
#include "gateway/sim/register_image.h"

namespace tristar::sim {

class LiveRegisters {
  public:
    // `scale` is battery volts / 12; `frozen` turns the noise off.
    LiveRegisters(double scale, bool frozen) : scale_(scale), frozen_(frozen) {}

    void publish(const DeviceState& state, RegisterImage& image, std::mt19937& rng) const;

  private:
    void publish_measurements(const DeviceState& s, RegisterImage& image, std::mt19937& rng) const;
    void publish_status(const DeviceState& s, RegisterImage& image) const;
    double noise(double counts, std::mt19937& rng) const;

    double scale_;
    bool frozen_;
};

// Hourmeter, Ah/kWh counters, the finished day's extremes and calendars into EEPROM (0xE0xx).
void store_lifetime_eeprom(RegisterImage& image, const Totals& totals, const DailyLog& daily);

}  // namespace tristar::sim
