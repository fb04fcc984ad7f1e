#pragma once
// The TriStar's addressable words: the RAM block 0x0000-0x005B, the network block, the network
// EEPROM words and the EEPROM block 0xE000-0xE0CD (spec sections 3 and 6). A read is served only
// when it lies entirely inside one block; anything else is an illegal data address.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace tristar::sim {

struct Block {
    std::uint16_t first;
    std::uint16_t last;  // inclusive
    std::vector<std::uint16_t> words;
};

class RegisterImage {
  public:
    RegisterImage();

    bool contains(std::uint16_t address, std::uint16_t count) const;
    std::optional<std::vector<std::uint16_t>> read(std::uint16_t address,
                                                   std::uint16_t count) const;
    std::span<const Block> blocks() const { return blocks_; }

    // Single words; throw std::out_of_range for an unmapped address.
    std::uint16_t get(std::uint16_t address) const;
    void set(std::uint16_t address, std::uint16_t value);

    void set_u32_hi_first(std::uint16_t address, std::uint32_t value);  // RAM pairs
    void set_u32_lo_first(std::uint16_t address, std::uint32_t value);  // EEPROM pairs
    // ASCII, two characters per word, low byte first (Eserial: 0x3130 -> "01"); NUL padded.
    void set_ascii(std::uint16_t address, std::string_view text, std::size_t words);
    void clear(std::uint16_t first, std::uint16_t last);

  private:
    std::optional<std::size_t> find(std::uint16_t address, std::uint16_t count) const;
    std::size_t index_of(std::uint16_t address) const;
    std::uint16_t& word(std::uint16_t address);

    std::vector<Block> blocks_;
};

}  // namespace tristar::sim
