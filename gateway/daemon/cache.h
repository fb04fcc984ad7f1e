#pragma once
// Cache: the last value read of every register and bit, with the time it was read (design.md
// 3.4). Pure: the caller passes the time. A read is served from it only when every word it
// asks for is present and no older than the read's max_age.
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "gateway/daemon/device_profile.h"

namespace tristar::gateway {

class Cache {
  public:
    using Clock = std::chrono::steady_clock;

    // Words of `span` read at `at` (bits are stored as 0/1 words).
    void store(const Span& span, std::span<const std::uint16_t> words, Clock::time_point at);

    // The words of `span` if all are cached and read no earlier than now - max_age.
    std::optional<std::vector<std::uint16_t>> lookup(const Span& span, Clock::time_point now,
                                                     std::chrono::milliseconds max_age) const;

    void invalidate(const Span& span);
    void invalidate_unit(std::uint8_t unit);
    std::size_t size() const { return entries_.size(); }

  private:
    struct Entry {
        std::uint16_t value;
        Clock::time_point at;
    };
    static std::uint64_t key(Table table, std::uint8_t unit, std::uint32_t address) {
        return (std::uint64_t{static_cast<std::uint8_t>(table)} << 40) |
               (std::uint64_t{unit} << 32) | address;
    }
    std::unordered_map<std::uint64_t, Entry> entries_;
};

}  // namespace tristar::gateway
