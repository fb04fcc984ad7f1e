// libFuzzer harness: the publisher's coercion of a D-Bus SetValue argument to its path's type
// (bus_coerce.cpp, coerce()). The variant is built from the input with the type a
// client could send: every basic integer type, double, boolean, string, and the containers an
// invalid value or a confused client sends (arrays, a struct, a dict); then coerced to each of
// integer, number and string. coerce() answers a value or nothing; it must never throw.
//
// Input: [type][value bytes...]: integers little-endian from the value bytes, a double from 8
// of them (any bit pattern: NaN, infinities, denormals), a string as the bytes themselves.
#include <sdbus-c++/sdbus-c++.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "publisher/bus_coerce.h"

namespace {

using namespace tristar::publisher;

template <typename T>
T read_value(std::span<const std::uint8_t> bytes) {
    T value{};
    std::memcpy(&value, bytes.data(), std::min(sizeof value, bytes.size()));
    return value;
}

template <typename T>
std::vector<T> read_array(std::span<const std::uint8_t> bytes) {
    std::vector<T> values;
    for (std::size_t at = 0; at + sizeof(T) <= bytes.size() && values.size() < 16; at += sizeof(T))
        values.push_back(read_value<T>(bytes.subspan(at)));
    return values;
}

std::optional<sdbus::Variant> make_variant(std::uint8_t type, std::span<const std::uint8_t> bytes) {
    const std::string text(bytes.begin(), bytes.end());
    switch (type % 16) {
        case 0: return sdbus::Variant(read_value<std::int32_t>(bytes));
        case 1: return sdbus::Variant(read_value<std::int64_t>(bytes));
        case 2: return sdbus::Variant(read_value<std::uint32_t>(bytes));
        case 3: return sdbus::Variant(read_value<std::uint8_t>(bytes));
        case 4: return sdbus::Variant(read_value<std::int16_t>(bytes));
        case 5: return sdbus::Variant(read_value<std::uint16_t>(bytes));
        case 6: return sdbus::Variant(!bytes.empty() && bytes[0] != 0);
        case 7: return sdbus::Variant(read_value<std::uint64_t>(bytes));
        case 8: return sdbus::Variant(read_value<double>(bytes));
        case 9:
        case 10: return sdbus::Variant(text);  // the common case: numbers as text
        case 11: return sdbus::Variant(read_array<std::int32_t>(bytes));
        case 12: return sdbus::Variant(read_array<double>(bytes));
        case 13:
            return sdbus::Variant(
                sdbus::Struct<std::int32_t, std::string>(read_value<std::int32_t>(bytes), text));
        case 14:
            return sdbus::Variant(
                std::map<std::string, std::int32_t>{{text, read_value<std::int32_t>(bytes)}});
        default: return sdbus::Variant{};  // empty
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    std::optional<sdbus::Variant> value;
    try {
        value = make_variant(data[0], std::span(data + 1, size - 1));
    } catch (const sdbus::Error&) {
        return 0;  // not a value D-Bus can carry (a string that is not UTF-8): never reaches us
    }
    for (const auto type : {VenusType::integer, VenusType::number, VenusType::string}) {
        const auto result = coerce(*value, type);
        if (!result) continue;
        // A coerced value is always of its path's type, and a number is always finite.
        if (type == VenusType::integer && !std::holds_alternative<std::int32_t>(*result))
            __builtin_trap();
        if (type == VenusType::number &&
            (!std::holds_alternative<double>(*result) || !std::isfinite(std::get<double>(*result))))
            __builtin_trap();
        if (type == VenusType::string && !std::holds_alternative<std::string>(*result))
            __builtin_trap();
    }
    return 0;
}
