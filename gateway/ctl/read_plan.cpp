#include "gateway/ctl/read_plan.h"

#include <algorithm>

namespace tristar::ctl {
namespace {

// The index of the block holding the address; blocks().size() when in none.
std::size_t block_index(std::uint32_t address) {
    const auto table = blocks();
    for (std::size_t i = 0; i < table.size(); ++i) {
        if (address >= table[i].first && address <= table[i].last) return i;
    }
    return table.size();
}

bool same_block(std::uint32_t first, std::uint32_t last) {
    const auto index = block_index(first);
    return index < blocks().size() && index == block_index(last);
}

// A word a read may cover although nobody asked for it: any word of the live block (its reserved
// words read without exception, spec section 8), or a word of a documented register. Elsewhere a
// TriStar may answer exception 2 for an undocumented word and fail the whole read.
bool readable(std::uint32_t address) {
    const auto* block = find_block(static_cast<std::uint16_t>(address));
    if (block != nullptr && block->block == Block::ram) return true;
    return find_register_covering(static_cast<std::uint16_t>(address)) != nullptr;
}

// Whether every word in [first, end) may be read along.
bool readable_gap(std::uint32_t first, std::uint32_t end) {
    for (auto address = first; address < end; ++address) {
        if (!readable(address)) return false;
    }
    return true;
}

struct Span {
    std::uint32_t first;
    std::uint32_t end;  // one past the last word
};

ReadSpan to_read(const Span& span) {
    return {static_cast<std::uint16_t>(span.first),
            static_cast<std::uint16_t>(span.end - span.first)};
}

}  // namespace

WordRange scale_range() {
    return {addr::v_pu_hi, static_cast<std::uint16_t>(addr::i_pu_hi + 2U - addr::v_pu_hi)};
}

bool needs_scale(const Register& reg) {
    switch (reg.scaling) {
        case Scaling::voltage:
        case Scaling::current:
        case Scaling::power:
        case Scaling::tempco: return true;
        default: return false;
    }
}

std::vector<ReadSpan> plan_register_reads(std::vector<WordRange> ranges, std::uint32_t max_count) {
    std::sort(ranges.begin(), ranges.end(),
              [](const WordRange& a, const WordRange& b) { return a.address < b.address; });
    std::vector<ReadSpan> spans;
    std::optional<Span> current;
    for (const auto& range : ranges) {
        const Span next{range.address, std::uint32_t{range.address} + range.words};
        if (current) {
            const auto end = std::max(current->end, next.end);
            if (end - current->first <= max_count && same_block(current->first, end - 1) &&
                readable_gap(current->end, next.first)) {
                current->end = end;
                continue;
            }
            spans.push_back(to_read(*current));
        }
        current = next;
    }
    if (current) spans.push_back(to_read(*current));
    return spans;
}

std::vector<WordRange> ranges_for(const std::vector<const Register*>& wanted) {
    std::vector<WordRange> ranges;
    bool scale = false;
    for (const auto* reg : wanted) {
        ranges.push_back({reg->address, reg->words});
        scale = scale || needs_scale(*reg);
    }
    if (scale) ranges.push_back(scale_range());
    return ranges;
}

std::vector<ReadSpan> plan_bit_reads(std::vector<std::uint16_t> addresses,
                                     std::uint32_t max_count) {
    std::sort(addresses.begin(), addresses.end());
    addresses.erase(std::unique(addresses.begin(), addresses.end()), addresses.end());
    std::vector<ReadSpan> spans;
    for (const auto address : addresses) {
        const bool extends = !spans.empty() &&
                             std::uint32_t{spans.back().address} + spans.back().count == address &&
                             spans.back().count < max_count;
        if (extends) {
            ++spans.back().count;
        } else {
            spans.push_back({address, 1});
        }
    }
    return spans;
}

void RegisterImage::add(std::uint16_t address, const std::vector<std::uint16_t>& words) {
    std::uint32_t at = address;
    for (const auto word : words) words_[at++] = word;
}

std::optional<std::vector<std::uint16_t>> RegisterImage::words(std::uint16_t address,
                                                               std::uint16_t count) const {
    std::vector<std::uint16_t> out;
    out.reserve(count);
    for (std::uint32_t at = address; at < std::uint32_t{address} + count; ++at) {
        const auto it = words_.find(at);
        if (it == words_.end()) return std::nullopt;
        out.push_back(it->second);
    }
    return out;
}

}  // namespace tristar::ctl
