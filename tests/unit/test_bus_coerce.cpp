// coerce(): SetValue arguments as flashmq, dbus-spy and the `dbus` CLI send them, to a path's type.
#include <doctest/doctest.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "publisher/bus_coerce.h"

namespace tristar::publisher {
namespace {

using CoerceRow = std::pair<sdbus::Variant, std::optional<SetArgument>>;
void check_coerce(VenusType type, const std::vector<CoerceRow>& rows) {
    for (std::size_t row = 0; row < rows.size(); ++row)
        CHECK_MESSAGE(coerce(rows[row].first, type) == rows[row].second, "row " << row);
}

}  // namespace

// The tables read better packed.
// clang-format off
TEST_CASE("coerce to integer: integer types in range, integral doubles and numeric text") {
    const auto i = [](std::int32_t v) { return std::optional<SetArgument>{v}; };
    check_coerce(VenusType::integer, {
        {std::int32_t{-3}, i(-3)}, {std::int64_t{2147483647}, i(2147483647)}, {std::uint32_t{7}, i(7)},
        {std::uint8_t{255}, i(255)}, {std::int16_t{-5}, i(-5)}, {std::uint16_t{65535}, i(65535)},
        {std::uint64_t{12}, i(12)}, {true, i(1)}, {4.0, i(4)}, {-0.0, i(0)}, {std::string("4"), i(4)},
        {std::string("-12"), i(-12)}, {std::string("4.0"), i(4)}, {std::int64_t{2147483648}, {}},
        {std::uint32_t{4000000000}, {}}, {std::uint64_t{1} << 40, {}}, {4.5, {}}, {3e9, {}},
        {std::nan(""), {}}, {std::vector<std::int32_t>{}, {}}, {sdbus::Variant{}, {}}});
    for (const auto* text : {"", "abc", "4.5", " 4", "4 ", "0x10", "nan", "inf", "3000000000"})
        CHECK_MESSAGE(!publisher::coerce(std::string(text), VenusType::integer), text);
}

TEST_CASE("coerce to number: numeric types and numeric text; to string: only s") {
    const auto d = [](double v) { return std::optional<SetArgument>{v}; };
    check_coerce(VenusType::number, {
        {13.4, d(13.4)}, {std::int32_t{14}, d(14.0)}, {std::int64_t{-2}, d(-2.0)},
        {std::uint64_t{5}, d(5.0)}, {std::uint8_t{1}, d(1.0)}, {false, d(0.0)},
        {std::string("14.2"), d(14.2)}, {std::string("-1e2"), d(-100.0)}, {std::string("14.2 V"), {}},
        {std::string("nan"), {}}, {std::nan(""), {}}, {std::vector<std::int32_t>{}, {}},
        {std::vector<double>{1.0}, {}}});
    check_coerce(VenusType::string, {
        {std::string("Roof"), SetArgument{std::string("Roof")}}, {std::string(), SetArgument{std::string()}},
        {std::int32_t{1}, {}}, {1.5, {}}, {std::vector<std::int32_t>{}, {}}});
}
// clang-format on

}  // namespace tristar::publisher
