#pragma once
// The D-Bus view of the daily history: every /History/... path and /Yield/User, /Yield/System
// with its value (venus-dbus.md 8 and 5), for the service to publish.
//
// The path set is fixed: Daily/0 .. Daily/<max_days - 1> always exist, and a slot beyond the
// days held has invalid values. The service can so register every path before it requests its
// name (design.md 8) and only ever sends value changes; DaysAvailable tells the GUI how many
// slots to read. After a start, Daily/0/Yield, /Yield/User and /Yield/System are invalid until
// the device's day counter was read and believed (DailyHistory::sampled()): the saved values may
// be older than what was published before.
#include <string>
#include <variant>
#include <vector>

#include "publisher/history.h"

namespace tristar::publisher {

// std::monostate = invalid (published as an empty array); int = D-Bus "i"; double = "d".
using HistoryValue = std::variant<std::monostate, int, double>;

struct HistoryItem {
    std::string path;
    HistoryValue value;
};

std::vector<HistoryItem> history_items(const DailyHistory& history);

}  // namespace tristar::publisher
