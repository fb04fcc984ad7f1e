// Applying the path table to a snapshot, and the per-poll change set.
#include "publisher/venus_mapping.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include "publisher/venus_paths.h"
#include "publisher/venus_rules.h"

namespace tristar::publisher {
namespace {

const PathSpec* find_in(std::span<const PathSpec> table, std::string_view path) {
    auto it = std::ranges::find(table, path, &PathSpec::path);
    return it == table.end() ? nullptr : &*it;
}

// The fault bits without an /ErrorCode row: 10 and 12-15 (section 17).
constexpr std::uint16_t unlisted_fault_bits = 0xF400;

std::string hex_word(std::uint16_t word) {
    std::array<char, 8> buf{};
    std::snprintf(buf.data(), buf.size(), "0x%04X", static_cast<unsigned>(word));
    return buf.data();
}

}  // namespace

const PathSpec* find_path(std::string_view path) {
    if (const PathSpec* spec = find_in(venus_paths(), path)) return spec;
    return find_in(caller_paths(), path);
}

VenusValue compute_path(const PathSpec& spec, const Snapshot& snapshot,
                        const MappingOptions& options) {
    if (spec.compute == nullptr) return invalid_value();
    return spec.compute(spec, snapshot, options);
}

Mapping map_snapshot(const Snapshot& snapshot, const MappingOptions& options) {
    Mapping mapping;
    for (const PathSpec& spec : venus_paths())
        mapping.values.emplace(spec.path, compute_path(spec, snapshot, options));
    mapping.warnings = mapping_warnings(snapshot);
    return mapping;
}

std::vector<std::string> mapping_warnings(const Snapshot& snapshot) {
    std::vector<std::string> warnings;
    auto charge_state = raw_word(snapshot, "charge_state");
    if (charge_state && !venus_state(*charge_state).documented) {
        warnings.push_back("undocumented charge_state " + std::to_string(*charge_state) +
                           " published as /State 0");
    }
    auto faults = raw_word(snapshot, "faults");
    if (faults && (*faults & unlisted_fault_bits) != 0) {
        warnings.push_back("fault bits " + hex_word(*faults & unlisted_fault_bits) +
                           " have no /ErrorCode row (255 unless a listed bit is set)");
    }
    return warnings;
}

PathValues diff(const PathValues& previous, const PathValues& current) {
    PathValues changed;
    for (const auto& [path, value] : current) {
        auto it = previous.find(path);
        if (it == previous.end() || it->second != value) changed.emplace(path, value);
    }
    for (const auto& [path, value] : previous) {
        if (!current.contains(path)) changed.emplace(path, invalid_value());
    }
    return changed;
}

}  // namespace tristar::publisher
