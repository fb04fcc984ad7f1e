#include "gateway/sim/documented_addresses.h"

namespace tristar::sim {

namespace {

constexpr AddressRange registers[] = {
    // 3: the live block. Its reserved words (0x05-0x17, 0x2D, 0x3F, 0x4A, 0x50-0x57) "read
    // without exception" inside a block (section 8), so the whole block counts as documented.
    {0x0000, 0x005B},
    // 6.1: processor B version; IP, mask, gateway, DNS; ControllerID (16 ASCII = 8 words),
    // NetFlags, MAC (3 words), NetBIOS name (8 words); HTTP port, Modbus port, NetRules.
    {0x1000, 0x1000},
    {0x100F, 0x1018},
    {0x101D, 0x1030},
    {0x151B, 0x151D},
    // 6.2: charge settings. 0xE00C has no row, but section 8 reports "18 regs at 0xE000"
    // (0xE000-0xE011) read on real units, so it reads like the reserved RAM words.
    {0xE000, 0xE012},
    {0xE015, 0xE01A},  // EV_soc_* thresholds, Emodbus_id, Emeterbus_id
    {0xE01D, 0xE01D},  // EIb_lim
    {0xE020, 0xE021},  // EVa_ref_fixed_init, EVa_ref_fixed_pct_init
    // 6.3: lifetime counters and identity.
    {0xE080, 0xE08C},
    {0xE0C0, 0xE0C3},  // Eserial
    {0xE0CC, 0xE0CD},  // Emodel, Ehw_version
};

// 6.5
constexpr AddressRange coils[] = {
    {0x0000, 0x0000},  // equalize
    {0x0002, 0x0002},  // charge disconnect
    {0x0010, 0x0016},  // clear Ah r/t, kWh r, service calendar, faults, alarms; EEPROM update
    {0x0018, 0x0019},  // clear kWh total, clear vb_min/vb_max
    {0x00F0, 0x00F0},  // single-phase test
    {0x00FF, 0x00FF},  // reset controller
    {0x1000, 0x1003},  // test notifications 1-4
    {0x10FF, 0x10FF},  // reset communications server
};

}  // namespace

std::span<const AddressRange> documented_registers() {
    return registers;
}

std::span<const AddressRange> documented_coils() {
    return coils;
}

bool registers_documented(std::uint16_t address, std::uint16_t count) {
    return covers(registers, address, count);
}

bool coils_documented(std::uint16_t address, std::uint16_t count) {
    return covers(coils, address, count);
}

}  // namespace tristar::sim
