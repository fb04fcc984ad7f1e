#include "publisher/switch_pane.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include "gateway/base/atomic_file.h"

namespace tristar::publisher {
namespace {

using enum VenusType;

// Status bits of a switchable output (spec section 10): 0x00 off, 0x09 on.
constexpr std::int32_t status_off = 0x00;
constexpr std::int32_t status_on = 0x09;
// Output types: 0 momentary, 1 toggle; ValidTypes is a bit mask of them.
constexpr std::int32_t type_momentary = 0;
constexpr std::int32_t type_toggle = 1;

enum class Setting { custom_name, group, show_ui_control };

struct SettingSpec {
    std::string_view name;  // below /SwitchableOutput/<x>/Settings/
    Setting setting;
    VenusType type;
};
constexpr std::array setting_specs{
    SettingSpec{"CustomName", Setting::custom_name, string},
    SettingSpec{"Group", Setting::group, string},
    SettingSpec{"ShowUIControl", Setting::show_ui_control, integer},
};

struct Output {
    std::string_view name;
    std::int32_t type;
    std::string_view type_text;
};
constexpr std::array output_specs{Output{"Charger", type_toggle, "Toggle"},
                                  Output{"Equalize", type_momentary, "Momentary"}};

std::string prefix(std::size_t output) {
    return "/SwitchableOutput/" + std::to_string(output) + "/";
}

std::string setting_path(std::size_t output, std::string_view name) {
    return prefix(output) + "Settings/" + std::string(name);
}

bool show_value_valid(std::int32_t value) {
    return value == 0 || value == 1 || value == 2 || value == 4;
}

std::string_view show_text(std::int32_t value) {
    switch (value) {
        case 0: return "Hidden";
        case 1: return "Always";
        case 2: return "Local only";
        case 4: return "Remote only";
        default: return "";
    }
}

VenusValue status_value(std::optional<bool> on) {
    if (!on) return invalid_value();
    return integer_value(*on ? status_on : status_off, *on ? "On" : "Off");
}

// "1/ShowUIControl" -> output 1, the ShowUIControl spec.
struct Located {
    std::size_t output;
    const SettingSpec* spec;
};
std::optional<Located> locate(std::string_view path, std::size_t count) {
    for (std::size_t output = 0; output < count; ++output)
        for (const auto& spec : setting_specs)
            if (path == setting_path(output, spec.name)) return Located{output, &spec};
    return std::nullopt;
}

// One stored line's value into `settings`; false when it does not parse or is out of range.
bool apply(SwitchSettings& settings, Setting setting, std::string_view text) {
    if (setting == Setting::show_ui_control) {
        std::int32_t value = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (error != std::errc{} || end != text.data() + text.size() || !show_value_valid(value))
            return false;
        settings.show_ui_control = value;
        return true;
    }
    if (text.size() > switch_text_max || text.find('\n') != std::string_view::npos) return false;
    (setting == Setting::custom_name ? settings.custom_name : settings.group) = std::string(text);
    return true;
}

}  // namespace

std::vector<ItemSpec> SwitchPane::items() const {
    std::vector<ItemSpec> items;
    for (std::size_t output = 0; output < outputs_; ++output) {
        for (const auto* leaf :
             {"Name", "State", "Status", "Settings/Type", "Settings/ValidTypes"}) {
            const std::string_view name = leaf;
            const bool state = name == "State";
            items.push_back(
                {prefix(output) + std::string(name), name == "Name" ? string : integer, state});
        }
        for (const auto& spec : setting_specs)
            items.push_back({setting_path(output, spec.name), spec.type, true});
    }
    return items;
}

bool SwitchPane::is_setting(std::string_view path) const {
    return locate(path, outputs_).has_value();
}

std::int32_t SwitchPane::set(std::string_view path, const SetArgument& value) {
    const auto at = locate(path, outputs_);
    if (!at) return set_result::not_writable;
    auto& settings = settings_[at->output];
    if (at->spec->setting == Setting::show_ui_control) {
        const auto* number = std::get_if<std::int32_t>(&value);
        if (number == nullptr) return set_result::not_writable;
        if (!show_value_valid(*number)) return set_result::rejected;
        settings.show_ui_control = *number;
        return set_result::accepted;
    }
    const auto* text = std::get_if<std::string>(&value);
    if (text == nullptr) return set_result::not_writable;
    return apply(settings, at->spec->setting, *text) ? set_result::accepted : set_result::rejected;
}

PathValues SwitchPane::values(std::optional<bool> equalize_requested,
                              std::optional<bool> charge_disconnect) const {
    PathValues values;
    for (std::size_t output = 0; output < outputs_; ++output) {
        const auto& fixed = output_specs[output];
        const auto& settings = settings_[output];
        const auto p = prefix(output);
        values[p + "Name"] = string_value(std::string(fixed.name));
        values[p + "Settings/Type"] = integer_value(fixed.type, std::string(fixed.type_text));
        values[p + "Settings/ValidTypes"] =
            integer_value(1 << fixed.type, std::string(fixed.type_text));
        values[p + "Settings/CustomName"] = string_value(settings.custom_name);
        values[p + "Settings/Group"] = string_value(settings.group);
        values[p + "Settings/ShowUIControl"] = integer_value(
            settings.show_ui_control, std::string(show_text(settings.show_ui_control)));
    }
    const std::optional<bool> charger_on =
        charge_disconnect ? std::optional<bool>{!*charge_disconnect} : std::nullopt;
    values["/SwitchableOutput/0/State"] =
        charger_on ? integer_value(*charger_on ? 1 : 0, *charger_on ? "On" : "Off")
                   : invalid_value();
    values["/SwitchableOutput/0/Status"] = status_value(charger_on);
    if (outputs_ > 1) {
        // A momentary button reads 0; its Status shows whether an equalize is requested or running.
        values["/SwitchableOutput/1/State"] = integer_value(0, "Off");
        values["/SwitchableOutput/1/Status"] = status_value(equalize_requested);
    }
    return values;
}

std::size_t SwitchPane::load(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::size_t skipped = 0;
    for (std::string line; std::getline(in, line);) {
        const auto slash = line.find('/');
        const auto equals = line.find('=');
        bool used = false;
        if (slash == 1 && equals != std::string::npos && equals > slash) {
            const std::size_t output = static_cast<std::size_t>(line[0] - '0');
            if (output < output_specs.size() && output >= outputs_)
                continue;  // equalize, not offered now
            const std::string_view name = std::string_view(line).substr(2, equals - 2);
            for (const auto& spec : setting_specs)
                if (output < outputs_ && name == spec.name)
                    used = apply(settings_[output], spec.setting,
                                 std::string_view(line).substr(equals + 1));
        }
        if (!used) ++skipped;
    }
    return skipped;
}

bool SwitchPane::save(const std::filesystem::path& file) const {
    std::ostringstream out;
    for (std::size_t output = 0; output < outputs_; ++output) {
        const auto& s = settings_[output];
        out << output << "/CustomName=" << s.custom_name << '\n'
            << output << "/Group=" << s.group << '\n'
            << output << "/ShowUIControl=" << s.show_ui_control << '\n';
    }
    return replace_file(file, out.str());
}

}  // namespace tristar::publisher
