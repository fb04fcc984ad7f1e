// Snapshot access: words by address, coils, and decoding through the register map.
#include "publisher/venus_snapshot.h"

#include <algorithm>

namespace tristar::publisher {
namespace {

template <std::size_t N>
std::optional<std::span<const std::uint16_t>> slice(
    const std::optional<std::array<std::uint16_t, N>>& part, std::uint16_t part_first,
    std::uint16_t first, std::size_t count) {
    if (!part || first < part_first) return std::nullopt;
    std::size_t offset = first - part_first;
    if (offset + count > N) return std::nullopt;
    return std::span<const std::uint16_t>(*part).subspan(offset, count);
}

}  // namespace

std::optional<std::span<const std::uint16_t>> Snapshot::words(std::uint16_t first,
                                                              std::size_t count) const {
    if (auto part = slice(live, live_first, first, count)) return part;
    if (auto part = slice(counters, counters_first, first, count)) return part;
    if (auto part = slice(serial, serial_first, first, count)) return part;
    if (auto part = slice(model, model_first, first, count)) return part;
    if (network_version && first == network_version_address && count == 1)
        return std::span<const std::uint16_t>(&*network_version, 1);
    return std::nullopt;
}

std::optional<bool> Snapshot::coil(std::uint16_t address) const {
    switch (address) {
        case tristar::addr::coil_equalize: return coils.equalize;
        case tristar::addr::coil_charge_disconnect: return coils.charge_disconnect;
        default: return std::nullopt;
    }
}

std::optional<bool>* Snapshot::coil_state(std::uint16_t address) {
    switch (address) {
        case tristar::addr::coil_equalize: return &coils.equalize;
        case tristar::addr::coil_charge_disconnect: return &coils.charge_disconnect;
        default: return nullptr;
    }
}

tristar::Scale Snapshot::scale() const {
    if (!live) return {};
    return tristar::scale_from_words(*live);
}

std::optional<tristar::Value> decoded(const Snapshot& snapshot, std::string_view name) {
    const tristar::Register* reg = tristar::find_register(name);
    if (reg == nullptr) return std::nullopt;
    auto words = snapshot.words(reg->address, reg->words);
    if (!words) return std::nullopt;
    return tristar::decode(*reg, *words, snapshot.scale());
}

std::optional<double> decoded_number(const Snapshot& snapshot, std::string_view name) {
    auto value = decoded(snapshot, name);
    if (!value) return std::nullopt;
    return value->number;
}

std::optional<std::uint16_t> raw_word(const Snapshot& snapshot, std::string_view name) {
    const tristar::Register* reg = tristar::find_register(name);
    if (reg == nullptr) return std::nullopt;
    auto words = snapshot.words(reg->address, reg->words);
    if (!words) return std::nullopt;
    return words->front();
}

}  // namespace tristar::publisher
