#pragma once
// What the publisher knows of the device at one moment: the raw words of each poll, each part
// optional. A part that has not been read yet, or was dropped on link loss, is std::nullopt and
// every Venus path computed from it is invalid.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "proto/tristar/decode.h"

namespace tristar::publisher {

// The blocks the publisher polls (design.md section 8, spec tristar-modbus.md sections 3, 6).
inline constexpr std::uint16_t live_first = 0x0000;  // .. 0x005B, read at once
inline constexpr std::size_t live_words = 92;
inline constexpr std::uint16_t identity_first = 0xE080;  // .. 0xE0CD: counters, serial, model, hw
inline constexpr std::size_t identity_words = 78;
inline constexpr std::uint16_t network_version_address = 0x1000;
inline constexpr std::size_t coil_count = 3;  // coils 0-2: 0 equalize, 2 charge disconnect

using LiveWords = std::array<std::uint16_t, live_words>;
using IdentityWords = std::array<std::uint16_t, identity_words>;
using CoilBits = std::array<bool, coil_count>;

struct Snapshot {
    std::optional<LiveWords> live;                 // 0x0000-0x005B
    std::optional<CoilBits> coils;                 // coils 0-2
    std::optional<IdentityWords> identity;         // 0xE080-0xE0CD
    std::optional<std::uint16_t> network_version;  // 0x1000, processor B

    // The `count` words from `first`, if one present part holds all of them.
    std::optional<std::span<const std::uint16_t>> words(std::uint16_t first,
                                                        std::size_t count) const;
    std::optional<bool> coil(std::uint16_t address) const;
    // V_PU and I_PU from the live block (0x0000-0x0003); the real-unit default 180/80 without it.
    tristar::Scale scale() const;
};

// A part from words of any length: absent unless exactly the expected number of words is given,
// so a short read can never shift addresses.
std::optional<LiveWords> live_from(std::span<const std::uint16_t> words);
std::optional<IdentityWords> identity_from(std::span<const std::uint16_t> words);

// The decoded register `name` (register_map.h), absent when the snapshot lacks its words or the
// decoded value has no number (e.g. T_rts 0x80).
std::optional<tristar::Value> decoded(const Snapshot& snapshot, std::string_view name);
std::optional<double> decoded_number(const Snapshot& snapshot, std::string_view name);
// The register's first raw word (enums, bitfields): absent without its words.
std::optional<std::uint16_t> raw_word(const Snapshot& snapshot, std::string_view name);

}  // namespace tristar::publisher
