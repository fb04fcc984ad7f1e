#pragma once
// DeviceProfile: what the gateway knows about the device's address space (design.md 3.4): the
// blocks a read may be widened to (read-ahead) and which function codes read the same data.
#include <cstdint>
#include <optional>
#include <vector>

namespace tristar::gateway {

// The tables a Modbus device exposes. FC03/FC04 and FC01/FC02 read the same tables on devices
// whose profile says so (the TriStar: both pairs).
enum class Table : std::uint8_t { holding, input, coils, discrete };

struct Span {
    Table table = Table::holding;
    std::uint8_t unit = 1;
    std::uint16_t address = 0;
    std::uint16_t count = 0;

    std::uint32_t end() const { return std::uint32_t{address} + count; }  // one past the last
    bool covers(const Span& inner) const {
        return table == inner.table && unit == inner.unit && address <= inner.address &&
               inner.end() <= end();
    }
};

struct ReadBlock {
    bool bits = false;  // coils/discrete inputs rather than registers
    std::uint16_t first = 0;
    std::uint16_t last = 0;  // inclusive
};

struct DeviceProfile {
    std::vector<ReadBlock> read_ahead;
    bool registers_shared = false;  // FC03 and FC04 read the same registers
    bool bits_shared = false;       // FC01 and FC02 read the same coils
    // A write may change more than it touched (the TriStar's coils are commands that clear
    // counters, faults and daily registers): drop the unit's whole cache after any write.
    bool write_invalidates_all = false;
};

// The TriStar MPPT: live block 0x0000-0x005B, the two EEPROM blocks, coils 0-2; FC03 = FC04,
// FC01 = FC02 (TriStar spec section 1).
DeviceProfile tristar_device_profile();

// The table a read function code addresses under this profile.
Table table_of(int function, const DeviceProfile& profile);

// The span a read may be widened to: the profile block holding all of it, cut to at most
// `max_count` words around it; nothing when no block holds it.
std::optional<Span> widen(const Span& span, const DeviceProfile& profile, std::uint16_t max_count);

}  // namespace tristar::gateway
