#include "publisher/service_items.h"

#include <string_view>

#include "publisher/controls.h"

namespace tristar::publisher {
namespace {

using enum VenusType;

struct SwitchConstant {
    std::string_view path;
    VenusType type;
};

// Status bits of a switchable output (spec section 10): 0x00 off, 0x09 on.
constexpr std::int32_t status_off = 0x00;
constexpr std::int32_t status_on = 0x09;
// Output types: 0 momentary, 1 toggle; ValidTypes is a bit mask of them.
constexpr std::int32_t type_momentary = 0;
constexpr std::int32_t type_toggle = 1;
constexpr std::int32_t show_always = 1;

constexpr SwitchConstant switch_constants[] = {
    {"/SwitchableOutput/0/Name", string},
    {"/SwitchableOutput/0/Settings/Type", integer},
    {"/SwitchableOutput/0/Settings/ValidTypes", integer},
    {"/SwitchableOutput/0/Settings/ShowUIControl", integer},
    {"/SwitchableOutput/0/Status", integer},
    {"/SwitchableOutput/1/Name", string},
    {"/SwitchableOutput/1/Settings/Type", integer},
    {"/SwitchableOutput/1/Settings/ValidTypes", integer},
    {"/SwitchableOutput/1/Settings/ShowUIControl", integer},
    {"/SwitchableOutput/1/Status", integer},
};

bool is_integer_history(std::string_view path) {
    return path.ends_with("/Nr") || path.ends_with("/DaysAvailable");
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

VenusValue switch_status(std::optional<bool> on) {
    if (!on) return invalid_value();
    return integer_value(*on ? status_on : status_off, *on ? "On" : "Off");
}

}  // namespace

std::vector<ItemSpec> service_items(std::size_t history_days) {
    std::vector<ItemSpec> items;
    for (const auto& spec : venus_paths()) items.push_back({std::string(spec.path), spec.type, spec.writable});
    for (const auto& spec : caller_paths()) items.push_back({std::string(spec.path), spec.type, spec.writable});
    for (const auto& control : control_paths()) {
        if (find_path(control.path) == nullptr) items.push_back({std::string(control.path), control.type, true});
    }
    for (const auto& constant : switch_constants) items.push_back({std::string(constant.path), constant.type, false});
    const DailyHistory empty(HistoryConfig{.max_days = history_days});
    for (const auto& item : history_items(empty))
        items.push_back({item.path, is_integer_history(item.path) ? integer : number, false});
    return items;
}

PathValues switch_pane_constants() {
    PathValues values;
    values["/SwitchableOutput/0/Name"] = string_value("Charger");
    values["/SwitchableOutput/0/Settings/Type"] = integer_value(type_toggle, "Toggle");
    values["/SwitchableOutput/0/Settings/ValidTypes"] = integer_value(1 << type_toggle, "Toggle");
    values["/SwitchableOutput/0/Settings/ShowUIControl"] = integer_value(show_always, "Always");
    values["/SwitchableOutput/1/Name"] = string_value("Equalize");
    values["/SwitchableOutput/1/Settings/Type"] = integer_value(type_momentary, "Momentary");
    values["/SwitchableOutput/1/Settings/ValidTypes"] = integer_value(1 << type_momentary, "Momentary");
    values["/SwitchableOutput/1/Settings/ShowUIControl"] = integer_value(show_always, "Always");
    return values;
}

PathValues switch_pane_values(std::optional<bool> equalize_requested, std::optional<bool> charge_disconnect) {
    PathValues values;
    const std::optional<bool> charger_on =
        charge_disconnect ? std::optional<bool>{!*charge_disconnect} : std::nullopt;
    values["/SwitchableOutput/0/State"] =
        charger_on ? integer_value(*charger_on ? 1 : 0, *charger_on ? "On" : "Off") : invalid_value();
    values["/SwitchableOutput/0/Status"] = switch_status(charger_on);
    // A momentary button reads 0; its Status shows whether an equalize is requested or running.
    values["/SwitchableOutput/1/State"] = integer_value(0, "Off");
    values["/SwitchableOutput/1/Status"] = switch_status(equalize_requested);
    return values;
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
