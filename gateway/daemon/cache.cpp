#include "gateway/daemon/cache.h"

#include <iterator>

namespace tristar::gateway {

void Cache::store(const Span& span, std::span<const std::uint16_t> words, Clock::time_point at) {
    for (std::size_t i = 0; i < words.size() && i < span.count; ++i)
        entries_[key(span.table, span.unit, span.address + static_cast<std::uint32_t>(i))] = {
            words[i], at};
}

std::optional<std::vector<std::uint16_t>> Cache::lookup(const Span& span, Clock::time_point now,
                                                        std::chrono::milliseconds max_age) const {
    const auto oldest = now - max_age;
    std::vector<std::uint16_t> words;
    words.reserve(span.count);
    for (std::uint32_t a = span.address; a < span.end(); ++a) {
        const auto it = entries_.find(key(span.table, span.unit, a));
        if (it == entries_.end() || it->second.at < oldest) return std::nullopt;
        words.push_back(it->second.value);
    }
    return words;
}

void Cache::invalidate(const Span& span) {
    for (std::uint32_t a = span.address; a < span.end(); ++a)
        entries_.erase(key(span.table, span.unit, a));
}

void Cache::invalidate_unit(std::uint8_t unit) {
    std::erase_if(entries_,
                  [unit](const auto& item) { return ((item.first >> 32) & 0xFF) == unit; });
}

}  // namespace tristar::gateway
