#include "gateway/sim/register_image.h"

#include <stdexcept>
#include <string>

namespace tristar::sim {

namespace {

Block make_block(std::uint16_t first, std::uint16_t last) {
    return {first, last, std::vector<std::uint16_t>(std::size_t{last} - first + 1U, 0)};
}

}  // namespace

RegisterImage::RegisterImage()
    : blocks_{make_block(0x0000, 0x005B),     // RAM: live data and slave overrides
              make_block(0x1000, 0x1030),     // processor B: versions, IP, names (NetBIOS 8 words)
              make_block(0x151B, 0x151D),     // network EEPROM: HTTP/Modbus ports, NetRules
              make_block(0xE000, 0xE0CD)} {}  // EEPROM: settings, lifetime counters, identity

std::optional<std::size_t> RegisterImage::find(std::uint16_t address, std::uint16_t count) const {
    if (count == 0) return std::nullopt;
    const std::uint32_t last = std::uint32_t{address} + count - 1U;
    for (std::size_t i = 0; i < blocks_.size(); ++i) {
        if (address >= blocks_[i].first && last <= blocks_[i].last) return i;
    }
    return std::nullopt;
}

bool RegisterImage::contains(std::uint16_t address, std::uint16_t count) const {
    return find(address, count).has_value();
}

std::optional<std::vector<std::uint16_t>> RegisterImage::read(std::uint16_t address,
                                                              std::uint16_t count) const {
    const auto index = find(address, count);
    if (!index) return std::nullopt;
    const Block& block = blocks_[*index];
    const auto begin = block.words.begin() + (address - block.first);
    return std::vector<std::uint16_t>(begin, begin + count);
}

std::size_t RegisterImage::index_of(std::uint16_t address) const {
    const auto index = find(address, 1);
    if (!index) throw std::out_of_range("unmapped register " + std::to_string(address));
    return *index;
}

std::uint16_t RegisterImage::get(std::uint16_t address) const {
    const Block& block = blocks_[index_of(address)];
    return block.words[std::size_t{address} - block.first];
}

std::uint16_t& RegisterImage::word(std::uint16_t address) {
    Block& block = blocks_[index_of(address)];
    return block.words[std::size_t{address} - block.first];
}

void RegisterImage::set(std::uint16_t address, std::uint16_t value) {
    word(address) = value;
}

void RegisterImage::set_u32_hi_first(std::uint16_t address, std::uint32_t value) {
    set(address, static_cast<std::uint16_t>(value >> 16));
    set(static_cast<std::uint16_t>(address + 1), static_cast<std::uint16_t>(value & 0xFFFF));
}

void RegisterImage::set_u32_lo_first(std::uint16_t address, std::uint32_t value) {
    set(address, static_cast<std::uint16_t>(value & 0xFFFF));
    set(static_cast<std::uint16_t>(address + 1), static_cast<std::uint16_t>(value >> 16));
}

void RegisterImage::set_ascii(std::uint16_t address, std::string_view text, std::size_t words) {
    for (std::size_t i = 0; i < words; ++i) {
        const auto low = 2 * i < text.size() ? static_cast<std::uint8_t>(text[2 * i]) : 0U;
        const auto high = 2 * i + 1 < text.size() ? static_cast<std::uint8_t>(text[2 * i + 1]) : 0U;
        set(static_cast<std::uint16_t>(address + i), static_cast<std::uint16_t>(high << 8 | low));
    }
}

void RegisterImage::clear(std::uint16_t first, std::uint16_t last) {
    for (std::uint32_t a = first; a <= last; ++a) set(static_cast<std::uint16_t>(a), 0);
}

}  // namespace tristar::sim
