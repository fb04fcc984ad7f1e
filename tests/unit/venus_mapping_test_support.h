#pragma once
// What the mapping tests share: the spec's 9.1 dump as a Snapshot, and typed readers of a path.
#include <doctest/doctest.h>

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "proto/tristar/register_map.h"
#include "publisher/venus_mapping.h"
#include "publisher/venus_rules.h"

namespace tristar::publisher::mapping_test {

// The real 12 V unit of spec 9.1 (at night), plus the SPEC identity examples of 9.2.
inline Snapshot dump_9_1() {
    LiveWords live{};
    auto set = [&live](std::uint16_t address, std::uint16_t word) { live[address] = word; };
    set(0x00, 180), set(0x02, 80), set(0x04, 0x0012);
    set(0x18, 2445), set(0x1A, 2440), set(0x1B, 60), set(0x1C, 0), set(0x1D, 0);
    set(0x23, 4), set(0x24, 5), set(0x25, 5), set(0x26, 2446), set(0x27, 5);
    set(0x28, 25), set(0x29, 3017), set(0x2A, 1), set(0x2B, 21481);
    set(0x30, 188), set(0x31, 6), set(0x32, 3), set(0x44, 1230), set(0x45, 9);
    CounterWords counters{};
    counters[0xE08B - counters_first] = 28;
    const SerialWords serial{0x3130, 0x3332, 0x3534, 0x3736};
    const ModelWords model{1, 0x0102};
    return {live, CoilStates{false, false}, counters, serial, model, std::uint16_t{0x0925}};
}

const MappingOptions options{"Modbus TCP 192.168.1.20"};

inline VenusValue at(const Snapshot& snapshot, std::string_view path) {
    const PathSpec* spec = find_path(path);
    REQUIRE_MESSAGE(spec != nullptr, "no row " << path);
    return compute_path(*spec, snapshot, options);
}

inline double number_at(const Snapshot& snapshot, std::string_view path) {
    VenusValue value = at(snapshot, path);
    REQUIRE_MESSAGE(std::holds_alternative<double>(value.value), path << " is not a valid d");
    return std::get<double>(value.value);
}

inline std::int32_t int_at(const Snapshot& snapshot, std::string_view path) {
    VenusValue value = at(snapshot, path);
    REQUIRE_MESSAGE(std::holds_alternative<std::int32_t>(value.value), path << " is not a valid i");
    return std::get<std::int32_t>(value.value);
}

inline std::string string_at(const Snapshot& snapshot, std::string_view path) {
    VenusValue value = at(snapshot, path);
    REQUIRE_MESSAGE(std::holds_alternative<std::string>(value.value), path << " is not a valid s");
    return std::get<std::string>(value.value);
}

inline Snapshot with_word(Snapshot snapshot, std::uint16_t address, std::uint16_t word) {
    (*snapshot.live)[address] = word;
    return snapshot;
}

inline std::set<std::string> valid_paths(const PathValues& values) {
    std::set<std::string> out;
    for (const auto& [path, value] : values) {
        if (value.valid()) out.insert(path);
    }
    return out;
}

}  // namespace tristar::publisher::mapping_test
