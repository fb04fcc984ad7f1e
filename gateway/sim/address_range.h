#pragma once
// Inclusive address ranges, the unit of the simulator's address switches (--refuse, the spec's
// documented addresses): parsing them from the command line and asking whether a request's span
// lies wholly inside, or touches, a set of them. Pure.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tristar::sim {

struct AddressRange {
    std::uint16_t first = 0;
    std::uint16_t last = 0;  // inclusive

    bool contains(std::uint32_t address) const { return address >= first && address <= last; }
    bool operator==(const AddressRange&) const = default;
};

// "0xE0CC", "57548": hexadecimal with 0x, or decimal; nothing unless it is a whole number that
// fits `max`.
std::optional<std::uint32_t> parse_number(std::string_view text, std::uint32_t max);

// "0xE0C0-0xE0C3,0xE0CC": ranges separated by commas, each ADDR or FIRST-LAST (FIRST <= LAST).
// On malformed input `error` says why and the result is empty.
std::vector<AddressRange> parse_ranges(std::string_view text, std::string& error);

// Every address of [address, address + count) lies in one of `ranges` (count 0: false).
bool covers(std::span<const AddressRange> ranges, std::uint16_t address, std::uint16_t count);
// At least one address of [address, address + count) lies in one of `ranges`.
bool touches(std::span<const AddressRange> ranges, std::uint16_t address, std::uint16_t count);

}  // namespace tristar::sim
