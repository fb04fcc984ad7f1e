#include "gateway/sim/address_range.h"

#include <charconv>

namespace tristar::sim {

namespace {

bool covered(std::span<const AddressRange> ranges, std::uint32_t address) {
    for (const auto& r : ranges) {
        if (r.contains(address)) return true;
    }
    return false;
}

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    return text;
}

std::optional<AddressRange> parse_range(std::string_view item, std::string& error) {
    item = trimmed(item);
    const auto dash = item.find('-');
    const std::string_view first_text = item.substr(0, dash);
    const std::string_view last_text =
        dash == std::string_view::npos ? first_text : item.substr(dash + 1);
    const auto first = parse_number(trimmed(first_text), 0xFFFF);
    const auto last = parse_number(trimmed(last_text), 0xFFFF);
    if (!first || !last) {
        error = "'" + std::string(item) + "' is not ADDR or FIRST-LAST (0x0000 ... 0xFFFF)";
        return std::nullopt;
    }
    if (*first > *last) {
        error = "'" + std::string(item) + "' ends before it starts";
        return std::nullopt;
    }
    return AddressRange{static_cast<std::uint16_t>(*first), static_cast<std::uint16_t>(*last)};
}

}  // namespace

std::optional<std::uint32_t> parse_number(std::string_view text, std::uint32_t max) {
    int base = 10;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        text.remove_prefix(2);
        base = 16;
    }
    std::uint32_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value > max) {
        return std::nullopt;
    }
    return value;
}

std::vector<AddressRange> parse_ranges(std::string_view text, std::string& error) {
    std::vector<AddressRange> ranges;
    for (;;) {
        const auto comma = text.find(',');
        const auto range = parse_range(text.substr(0, comma), error);
        if (!range) return {};
        ranges.push_back(*range);
        if (comma == std::string_view::npos) return ranges;
        text.remove_prefix(comma + 1);
    }
}

bool covers(std::span<const AddressRange> ranges, std::uint16_t address, std::uint16_t count) {
    if (count == 0) return false;
    for (std::uint32_t a = address; a < std::uint32_t{address} + count; ++a) {
        if (!covered(ranges, a)) return false;
    }
    return true;
}

bool touches(std::span<const AddressRange> ranges, std::uint16_t address, std::uint16_t count) {
    if (count == 0) return false;
    const std::uint32_t last = std::uint32_t{address} + count - 1U;
    for (const auto& r : ranges) {
        if (address <= r.last && last >= r.first) return true;
    }
    return false;
}

}  // namespace tristar::sim
