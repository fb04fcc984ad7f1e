#pragma once
// Planning of the reads behind `get` and `watch`: the registers wanted become as few requests as
// possible (one per block span of at most 125 registers), never one request per register.
// Pure: no I/O. RegisterImage collects the words the reads returned.
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "proto/tristar/register_map.h"

namespace tristar::ctl {

// What one request reads: `count` registers or bits from `address`.
struct ReadSpan {
    std::uint16_t address = 0;
    std::uint16_t count = 0;
    bool operator==(const ReadSpan&) const = default;
};

// The words [address, address + words) of one register.
struct WordRange {
    std::uint16_t address = 0;
    std::uint16_t words = 1;
};

// The V_PU/I_PU words every voltage, current and power value is scaled by.
WordRange scale_range();
// True when decoding the register needs V_PU or I_PU.
bool needs_scale(const Register& reg);

// The spans covering every range. Ranges merge when they lie in the same device block (reads never
// cross a block: the words between blocks may not exist), the merged span has at most max_count
// registers and every word between them is documented: a register of the map, or any word of the
// live block, whose reserved words read fine (spec section 8). Elsewhere a TriStar may refuse an
// undocumented word (exception 2), and with it the whole read.
std::vector<ReadSpan> plan_register_reads(std::vector<WordRange> ranges,
                                          std::uint32_t max_count = 125);

// The ranges `get` needs for these registers: theirs, plus the scale words when any needs them.
std::vector<WordRange> ranges_for(const std::vector<const Register*>& wanted);

// Coils merge only when adjacent: whether the device answers for addresses between documented
// coils is unknown, and a read of one missing coil would fail the whole request.
std::vector<ReadSpan> plan_bit_reads(std::vector<std::uint16_t> addresses,
                                     std::uint32_t max_count = 2000);

// Words by address, as read.
class RegisterImage {
  public:
    void add(std::uint16_t address, const std::vector<std::uint16_t>& words);
    // The `count` words from `address`; nothing when any of them was not read.
    std::optional<std::vector<std::uint16_t>> words(std::uint16_t address,
                                                    std::uint16_t count) const;

  private:
    std::map<std::uint32_t, std::uint16_t> words_;
};

}  // namespace tristar::ctl
