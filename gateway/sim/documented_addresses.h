#pragma once
// Every register and coil address the device spec (tristar-modbus.md) documents, as the
// simulator's own table: --refuse-undocumented answers exception 2 for anything outside it.
// Written from the spec, not from the product's register map, so that the two can be tested
// against each other.
#include <cstdint>
#include <span>

#include "gateway/sim/address_range.h"

namespace tristar::sim {

// Ascending, non-overlapping.
std::span<const AddressRange> documented_registers();
std::span<const AddressRange> documented_coils();

bool registers_documented(std::uint16_t address, std::uint16_t count);
bool coils_documented(std::uint16_t address, std::uint16_t count);

}  // namespace tristar::sim
