#include "gateway/daemon/device_profile.h"

#include <algorithm>

#include "proto/tristar/register_map.h"

namespace tristar::gateway {

namespace {

// Read-ahead widens a read only over addresses the device's spec documents: a device may
// refuse undocumented ones (tristar-modbus.md 8: "Exceptions: unknown"). The live block is
// documented as a whole (its reserved words read without exception); elsewhere the runs of
// consecutive registers in the map.
void add_documented_runs(const tristar::BlockRange& block, std::vector<ReadBlock>& out) {
    if (block.block == tristar::Block::ram) {
        out.push_back({false, block.first, block.last});
        return;
    }
    std::optional<ReadBlock> run;
    for (unsigned a = block.first; a <= block.last; ++a) {
        const bool documented =
            tristar::find_register_covering(static_cast<std::uint16_t>(a)) != nullptr;
        if (documented && run && run->last + 1u == a)
            run->last = static_cast<std::uint16_t>(a);
        else if (documented) {
            if (run) out.push_back(*run);
            run = ReadBlock{false, static_cast<std::uint16_t>(a), static_cast<std::uint16_t>(a)};
        }
    }
    if (run) out.push_back(*run);
}

}  // namespace

DeviceProfile tristar_device_profile() {
    DeviceProfile profile;
    for (const auto& block : tristar::blocks()) {
        // The network processor's registers are left alone: nothing says it serves them as a block.
        if (block.block == tristar::Block::network) continue;
        add_documented_runs(block, profile.read_ahead);
    }
    // Coils 0 and 2 are documented, coil 1 is not: no coil block to widen to.
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
        if (size <= max_count)
            return Span{span.table, span.unit, block.first, static_cast<std::uint16_t>(size)};
        // Too big for one read: the window of max_count words that starts as early as it can
        // while still holding the whole span.
        const auto latest_start =
            std::min<std::uint32_t>(span.address, block.last + 1u - max_count);
        const auto start = std::max<std::uint32_t>(
            block.first, span.end() > max_count ? span.end() - max_count : 0);
        const auto first = std::min(start, latest_start);
        return Span{span.table, span.unit, static_cast<std::uint16_t>(first), max_count};
    }
    return std::nullopt;
}

}  // namespace tristar::gateway
