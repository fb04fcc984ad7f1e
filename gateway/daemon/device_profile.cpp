#include "gateway/daemon/device_profile.h"

#include <algorithm>

#include "proto/tristar/register_map.h"

namespace tristar::gateway {

DeviceProfile tristar_device_profile() {
    DeviceProfile profile;
    for (const auto& block : tristar::blocks()) {
        // The network processor's registers are left alone: nothing says it serves them as a block.
        if (block.block == tristar::Block::network) continue;
        profile.read_ahead.push_back({false, block.first, block.last});
    }
    profile.read_ahead.push_back({true, tristar::addr::coil_equalize, tristar::addr::coil_charge_disconnect});
    profile.registers_shared = true;
    profile.bits_shared = true;
    profile.write_invalidates_all = true;
    return profile;
}

Table table_of(int function, const DeviceProfile& profile) {
    switch (function) {
        case 1: return Table::coils;
        case 2: return profile.bits_shared ? Table::coils : Table::discrete;
        case 4: return profile.registers_shared ? Table::holding : Table::input;
        default: return Table::holding;
    }
}

std::optional<Span> widen(const Span& span, const DeviceProfile& profile, std::uint16_t max_count) {
    const bool bits = span.table == Table::coils || span.table == Table::discrete;
    for (const auto& block : profile.read_ahead) {
        if (block.bits != bits || span.address < block.first || span.end() > block.last + 1u)
            continue;
        const auto size = static_cast<std::uint32_t>(block.last - block.first + 1);
        if (size <= max_count) return Span{span.table, span.unit, block.first, static_cast<std::uint16_t>(size)};
        // Too big for one read: the window of max_count words that starts as early as it can
        // while still holding the whole span.
        const auto latest_start = std::min<std::uint32_t>(span.address, block.last + 1u - max_count);
        const auto start = std::max<std::uint32_t>(block.first, span.end() > max_count ? span.end() - max_count : 0);
        const auto first = std::min(start, latest_start);
        return Span{span.table, span.unit, static_cast<std::uint16_t>(first), max_count};
    }
    return std::nullopt;
}

}  // namespace tristar::gateway
