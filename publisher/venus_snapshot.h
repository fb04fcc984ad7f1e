#pragma once
// What the publisher knows of the device at one moment: the raw words of each poll, each part
// optional. A part that has not been read yet, or was dropped on link loss, is std::nullopt and
// every Venus path computed from it is invalid.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "proto/tristar/decode.h"

namespace tristar::publisher {

// The spans the publisher reads (design.md section 8, spec tristar-modbus.md sections 3, 6):
// documented registers only, so a TriStar that refuses undocumented addresses answers them all.
inline constexpr std::uint16_t live_first =
    0x0000;  // .. 0x005B; its reserved words read fine (spec 8)
inline constexpr std::size_t live_words = 92;
inline constexpr std::uint16_t counters_first = 0xE080;  // .. 0xE08C: the stored lifetime counters
inline constexpr std::size_t counters_words = 13;
inline constexpr std::uint16_t serial_first = 0xE0C0;  // .. 0xE0C3: Eserial
inline constexpr std::size_t serial_words = 4;
inline constexpr std::uint16_t model_first = 0xE0CC;  // Emodel, then Ehw_version at 0xE0CD
inline constexpr std::size_t model_words = 2;
inline constexpr std::uint16_t network_version_address = 0x1000;

using LiveWords = std::array<std::uint16_t, live_words>;
using CounterWords = std::array<std::uint16_t, counters_words>;
using SerialWords = std::array<std::uint16_t, serial_words>;
using ModelWords = std::array<std::uint16_t, model_words>;

// The two coils that read back a state (spec 6.5); coil 1 is undocumented and never read.
struct CoilStates {
    std::optional<bool> equalize;           // coil 0
    std::optional<bool> charge_disconnect;  // coil 2
};

struct Snapshot {
    std::optional<LiveWords> live;                 // 0x0000-0x005B
    CoilStates coils;                              // coils 0 and 2
    std::optional<CounterWords> counters;          // 0xE080-0xE08C
    std::optional<SerialWords> serial;             // 0xE0C0-0xE0C3
    std::optional<ModelWords> model;               // 0xE0CC-0xE0CD
    std::optional<std::uint16_t> network_version;  // 0x1000, processor B

    // The `count` words from `first`, if one present part holds all of them.
    std::optional<std::span<const std::uint16_t>> words(std::uint16_t first,
                                                        std::size_t count) const;
    std::optional<bool> coil(std::uint16_t address) const;
    // The state of a readable coil (0 or 2), to be set; null for any other address.
    std::optional<bool>* coil_state(std::uint16_t address);
    // V_PU and I_PU from the live block (0x0000-0x0003); the real-unit default 180/80 without it.
    tristar::Scale scale() const;
};

// A part from words of any length: absent unless exactly N words are given, so a short read can
// never shift addresses.
template <std::size_t N>
std::optional<std::array<std::uint16_t, N>> exactly(std::span<const std::uint16_t> words) {
    if (words.size() != N) return std::nullopt;
    std::array<std::uint16_t, N> out{};
    std::copy(words.begin(), words.end(), out.begin());
    return out;
}
inline std::optional<LiveWords> live_from(std::span<const std::uint16_t> words) {
    return exactly<live_words>(words);
}

// The decoded register `name` (register_map.h), absent when the snapshot lacks its words or the
// decoded value has no number (e.g. T_rts 0x80).
std::optional<tristar::Value> decoded(const Snapshot& snapshot, std::string_view name);
std::optional<double> decoded_number(const Snapshot& snapshot, std::string_view name);
// The register's first raw word (enums, bitfields): absent without its words.
std::optional<std::uint16_t> raw_word(const Snapshot& snapshot, std::string_view name);

}  // namespace tristar::publisher
