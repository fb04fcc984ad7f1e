#include "publisher/service_items.h"

#include <string_view>

#include "publisher/controls.h"
#include "publisher/dvcc.h"
#include "publisher/switch_pane.h"
#include "publisher/venus_paths.h"

namespace tristar::publisher {
namespace {

using enum VenusType;

bool is_integer_history(std::string_view path) {
    return path.ends_with("/Nr") || path.ends_with("/DaysAvailable") ||
           path.find("/LastError") != std::string_view::npos;
}

std::string_view unit_of(std::string_view path) {
    if (path.ends_with("Yield") || path.starts_with("/Yield/")) return "kWh";
    if (path.ends_with("Power")) return "W";
    if (path.ends_with("Voltage")) return "V";
    if (path.ends_with("Current")) return "A";
    if (path.find("/TimeIn") != std::string_view::npos) return "min";
    return "";
}

int decimals_of(std::string_view unit) {
    if (unit == "kWh" || unit == "V" || unit == "A") return 2;
    return 0;
}

}  // namespace

std::vector<ItemSpec> service_items(const PublisherConfig& config) {
    std::vector<ItemSpec> items;
    for (const auto& spec : venus_paths())
        items.push_back({std::string(spec.path), spec.type, spec.writable});
    for (const auto& spec : caller_paths())
        items.push_back({std::string(spec.path), spec.type, spec.writable});
    for (const auto& control : control_paths()) {
        const bool in_pane = control.path.starts_with(switch_pane_prefix);
        if (!in_pane && find_path(control.path) == nullptr)
            items.push_back({std::string(control.path), control.type, true});
    }
    for (auto& item : SwitchPane(config.equalize_switch).items()) items.push_back(std::move(item));
    for (auto& item : dvcc_items(config.dvcc)) items.push_back(std::move(item));
    const DailyHistory empty(HistoryConfig{.max_days = config.history_days});
    for (const auto& item : history_items(empty))
        items.push_back({item.path, is_integer_history(item.path) ? integer : number, false});
    return items;
}

VenusValue venus_value_of(const HistoryItem& item) {
    if (const auto* n = std::get_if<int>(&item.value)) return integer_value(*n, std::to_string(*n));
    if (const auto* d = std::get_if<double>(&item.value)) {
        const auto unit = unit_of(item.path);
        return number_value(*d, format_number(*d, decimals_of(unit), unit));
    }
    return invalid_value();
}

void add_history(PathValues& values, const DailyHistory& history) {
    for (const auto& item : history_items(history)) values[item.path] = venus_value_of(item);
}

}  // namespace tristar::publisher
