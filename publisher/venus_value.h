#pragma once
// One value as published on a Venus BusItem (spec venus-dbus.md section 2): a number, an integer,
// a string, or invalid (sent as an empty int32 array), plus the display text.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace tristar::publisher {

// The D-Bus type a path always carries when valid: 'd' measurements, 'i' enums/ids/counters,
// 's' text. Never changes at run time (spec section 2: "keep each path's type stable").
enum class VenusType : std::uint8_t { number, integer, string };

char signature(VenusType type);  // 'd', 'i', 's'

// Contract: `value` holds std::monostate exactly when the path is invalid; `text` is cosmetic
// (velib's "---" when invalid). Doubles are never rounded; only `text` is.
struct VenusValue {
    std::variant<std::monostate, double, std::int32_t, std::string> value;
    std::string text;

    bool valid() const { return !std::holds_alternative<std::monostate>(value); }
    friend bool operator==(const VenusValue&, const VenusValue&) = default;
};

inline constexpr std::string_view invalid_text = "---";

VenusValue invalid_value();
VenusValue number_value(double value, std::string text);
VenusValue integer_value(std::int32_t value, std::string text);
VenusValue string_value(std::string value);  // the text is the string itself

// The type a valid value carries; absent when invalid.
std::optional<VenusType> type_of(const VenusValue& value);

// True when the value is invalid or carries `type`: the stable-type rule for one path.
bool fits(const VenusValue& value, VenusType type);

// "13.43 V", "5 °C", "110 W": `decimals` places, a space, the unit (none if empty); "-0.00" is
// printed as "0.00".
std::string format_number(double value, int decimals, std::string_view unit);

}  // namespace tristar::publisher
