// VenusValue constructors and the display text of numbers.
#include "publisher/venus_value.h"

#include <array>
#include <cstdio>

namespace tristar::publisher {

char signature(VenusType type) {
    switch (type) {
        case VenusType::number: return 'd';
        case VenusType::integer: return 'i';
        case VenusType::string: return 's';
    }
    return '?';
}

VenusValue invalid_value() {
    return {std::monostate{}, std::string(invalid_text)};
}

VenusValue number_value(double value, std::string text) {
    return {value, std::move(text)};
}

VenusValue integer_value(std::int32_t value, std::string text) {
    return {value, std::move(text)};
}

VenusValue string_value(std::string value) {
    std::string text = value;
    return {std::move(value), std::move(text)};
}

std::optional<VenusType> type_of(const VenusValue& value) {
    if (std::holds_alternative<double>(value.value)) return VenusType::number;
    if (std::holds_alternative<std::int32_t>(value.value)) return VenusType::integer;
    if (std::holds_alternative<std::string>(value.value)) return VenusType::string;
    return std::nullopt;
}

bool fits(const VenusValue& value, VenusType type) {
    auto actual = type_of(value);
    return !actual || *actual == type;
}

std::string format_number(double value, int decimals, std::string_view unit) {
    std::array<char, 64> buf{};
    std::snprintf(buf.data(), buf.size(), "%.*f", decimals, value);
    std::string text(buf.data());
    if (text.starts_with('-') && text.find_first_not_of("-0.") == std::string::npos)
        text.erase(0, 1);
    if (!unit.empty()) text.append(" ").append(unit);
    return text;
}

}  // namespace tristar::publisher
