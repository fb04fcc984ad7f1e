#pragma once
// The words a TriStar MPPT 60 leaves the factory with: identity, firmware versions, scale
// factors, network settings and plausible charge settings for a 12/24/48 V flooded lead-acid bank.
#include <cstdint>
#include <string>

#include "gateway/sim/register_image.h"

namespace tristar::sim {

struct Identity {
    std::string serial = "01234567";  // 8 ASCII characters
    int battery_volts = 12;
    std::uint8_t unit_id = 1;
};

void load_factory_image(RegisterImage& image, const Identity& identity);

// DIP switches of a unit set to `battery_volts`, custom battery, EQ manual, TCP writes allowed
// (0xBC on a 12 V unit, as in the spec's real dump).
std::uint16_t dip_switches(int battery_volts);

}  // namespace tristar::sim
