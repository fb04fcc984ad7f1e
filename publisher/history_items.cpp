#include "publisher/history_items.h"

#include <limits>

namespace tristar::publisher {
namespace {

HistoryValue value_of(const std::optional<double>& v) {
    if (!v) return std::monostate{};
    return *v;
}

HistoryValue minutes_of(double seconds) {
    return static_cast<double>(day_minutes(seconds));
}

int int_of(std::int64_t n) {
    if (n > std::numeric_limits<int>::max()) return std::numeric_limits<int>::max();
    return static_cast<int>(n);
}

// LastError1 .. LastError4 under `base`; invalid when `errors` is absent (a slot not held).
void add_errors(std::vector<HistoryItem>& items, const std::string& base,
                const LastErrors* errors) {
    for (std::size_t i = 0; i < LastErrors{}.size(); ++i) {
        HistoryValue value;
        if (errors) value = int{(*errors)[i]};
        items.push_back({base + "LastError" + std::to_string(i + 1), value});
    }
}

void add_day(std::vector<HistoryItem>& items, std::size_t slot, const DayRecord* day) {
    const std::string base = "/History/Daily/" + std::to_string(slot) + "/";
    const auto add = [&](const char* leaf, HistoryValue value) {
        items.push_back({base + leaf, day ? std::move(value) : HistoryValue{}});
    };
    const DayRecord none{};
    const DayRecord& d = day ? *day : none;
    add("Yield", d.yield_wh / 1000.0);
    add("MaxPower", value_of(d.max_power_w));
    add("MaxPvVoltage", value_of(d.max_pv_v));
    add("MinBatteryVoltage", value_of(d.min_battery_v));
    add("MaxBatteryVoltage", value_of(d.max_battery_v));
    add("MaxBatteryCurrent", value_of(d.max_battery_a));
    add("TimeInBulk", minutes_of(d.bulk_s));
    add("TimeInAbsorption", minutes_of(d.absorption_s));
    add("TimeInFloat", minutes_of(d.float_s));
    add("Nr", int_of(d.nr));
    add_errors(items, base, day ? &d.last_errors : nullptr);
}

void add_overall(std::vector<HistoryItem>& items, const DailyHistory& history) {
    const auto& o = history.overall();
    items.push_back({"/History/Overall/DaysAvailable", history.days_available()});
    items.push_back({"/History/Overall/MaxPvVoltage", value_of(o.max_pv_v)});
    items.push_back({"/History/Overall/MaxBatteryVoltage", value_of(o.max_battery_v)});
    items.push_back({"/History/Overall/MinBatteryVoltage", value_of(o.min_battery_v)});
    add_errors(items, "/History/Overall/", &o.last_errors);
}

}  // namespace

std::vector<HistoryItem> history_items(const DailyHistory& history) {
    std::vector<HistoryItem> items;
    const auto& days = history.days();
    for (std::size_t slot = 0; slot < history.config().max_days; ++slot) {
        add_day(items, slot, slot < days.size() ? &days[slot] : nullptr);
    }
    add_overall(items, history);
    const Totals totals = history.totals();
    items.push_back({"/Yield/User", totals.user_kwh});
    items.push_back({"/Yield/System", totals.system_kwh});
    // Restored from the last save, not yet read from the device (history.h, sampled()).
    if (!history.sampled()) {
        for (auto& item : items) {
            const bool stale =
                item.path == "/History/Daily/0/Yield" || item.path.starts_with("/Yield/");
            if (stale) item.value = {};
        }
    }
    return items;
}

}  // namespace tristar::publisher
