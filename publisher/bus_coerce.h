#pragma once
// coerce(): an incoming SetValue variant to its path's type, the way Venus clients send values
// (venus-dbus.md section 2): flashmq sends JSON int as 'i' or 'x', float as 'd', string as 's',
// bool as 'b'; dbus-spy tries double, int, then string; the `dbus` CLI sends strings unless the
// argument is prefixed with '%'. So a number may arrive as any of them. Pure: no bus needed.
#include <sdbus-c++/sdbus-c++.h>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "publisher/venus_value.h"

namespace tristar::publisher {

// A value coerced to its path's type (never invalid): double for number, int32 for integer,
// string for string.
using SetArgument = std::variant<double, std::int32_t, std::string>;

// Coerces an incoming SetValue variant to `type` as flashmq, dbus-spy and the `dbus` CLI send
// them (spec section 2). integer: i, x, u, y, n, q, t and b within int32 range; d and numeric
// strings only when the number is integral ("4", "4.0", "4e0"; not "4.5"). number: every numeric
// type, b, and strings that are wholly a finite number. string: only s. Nothing when impossible
// (an empty array, which is what an invalid value looks like, NaN, text that is not a number).
std::optional<SetArgument> coerce(const sdbus::Variant& value, VenusType type);

}  // namespace tristar::publisher
