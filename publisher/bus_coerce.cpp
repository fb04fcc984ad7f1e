// coerce() (bus_coerce.h): each D-Bus type a client may send, to int32, double or string.
#include "publisher/bus_coerce.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <system_error>
#include <utility>

namespace tristar::publisher {
namespace {

using Int = std::int32_t;

// A double that is an integer within int32 ("4.0" from a JSON float or a CLI string).
std::optional<Int> integral(double value) {
    constexpr auto low = static_cast<double>(std::numeric_limits<Int>::min());
    constexpr auto high = static_cast<double>(std::numeric_limits<Int>::max());
    if (!std::isfinite(value) || value < low || value > high || std::trunc(value) != value)
        return std::nullopt;
    return static_cast<Int>(value);
}

// The whole string as a finite number; no surrounding blanks, no hex, no "nan"/"inf".
std::optional<double> parse_number(const std::string& text) {
    double value = 0.0;
    const char* end = text.data() + text.size();
    const auto [ptr, error] = std::from_chars(text.data(), end, value);
    if (text.empty() || error != std::errc{} || ptr != end || !std::isfinite(value))
        return std::nullopt;
    return value;
}

template <typename T>
std::optional<Int> in_int32(T value) {
    if (!std::in_range<Int>(value)) return std::nullopt;
    return static_cast<Int>(value);
}

// Any integer D-Bus type, or nothing when the signature is not one.
std::optional<std::int64_t> as_int64(const sdbus::Variant& value, const std::string& sig) {
    if (sig == "i") return value.get<std::int32_t>();
    if (sig == "x") return value.get<std::int64_t>();
    if (sig == "u") return value.get<std::uint32_t>();
    if (sig == "y") return value.get<std::uint8_t>();
    if (sig == "n") return value.get<std::int16_t>();
    if (sig == "q") return value.get<std::uint16_t>();
    if (sig == "b") return value.get<bool>() ? 1 : 0;
    return std::nullopt;
}

std::optional<SetArgument> to_integer(const sdbus::Variant& value, const std::string& sig) {
    std::optional<Int> result;
    if (sig == "t") {
        result = in_int32(value.get<std::uint64_t>());  // beyond int64, so not in as_int64()
    } else if (auto whole = as_int64(value, sig)) {
        result = in_int32(*whole);
    } else if (sig == "d") {
        result = integral(value.get<double>());
    } else if (sig == "s") {
        if (auto number = parse_number(value.get<std::string>())) result = integral(*number);
    }
    if (!result) return std::nullopt;
    return SetArgument{*result};
}

std::optional<SetArgument> to_number(const sdbus::Variant& value, const std::string& sig) {
    std::optional<double> result;
    if (sig == "t") {
        result = static_cast<double>(value.get<std::uint64_t>());
    } else if (auto whole = as_int64(value, sig)) {
        result = static_cast<double>(*whole);
    } else if (sig == "d") {
        result = value.get<double>();
    } else if (sig == "s") {
        result = parse_number(value.get<std::string>());
    }
    if (!result || !std::isfinite(*result)) return std::nullopt;
    return SetArgument{*result};
}

}  // namespace

std::optional<SetArgument> coerce(const sdbus::Variant& value, VenusType type) {
    if (value.isEmpty()) return std::nullopt;
    const auto sig = value.peekValueType();
    switch (type) {
        case VenusType::integer: return to_integer(value, sig);
        case VenusType::number: return to_number(value, sig);
        case VenusType::string:
            if (sig != "s") return std::nullopt;
            return SetArgument{value.get<std::string>()};
    }
    return std::nullopt;
}

}  // namespace tristar::publisher
