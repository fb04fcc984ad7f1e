#pragma once
// SwitchPane: the GUI's switch pane entries (venus-dbus.md section 10). /SwitchableOutput/0 is the
// charger (a toggle on coil 2), /SwitchableOutput/1 equalize (a momentary button on coil 0), the
// latter only when the config asks for it. The settings the GUI offers for an entry (its name,
// its group and "Show controls") are writable and kept in a file of the data directory, so they
// survive a restart; the rest of an entry is fixed. Pure apart from load() and save().
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "publisher/bus_service.h"
#include "publisher/venus_mapping.h"

namespace tristar::publisher {

struct SwitchSettings {
    std::string custom_name;  // Settings/CustomName, "" = the entry's own name
    std::string group;        // Settings/Group, "" = grouped by device
    std::int32_t show_ui_control =
        1;  // Settings/ShowUIControl: 0 hidden, 1 always, 2 local, 4 remote
    bool operator==(const SwitchSettings&) const = default;
};

inline constexpr std::size_t switch_text_max = 32;  // bytes, as /CustomName

class SwitchPane {
  public:
    explicit SwitchPane(bool with_equalize) : outputs_(with_equalize ? 2 : 1) {}

    // Every path of the pane with its type; the settings the GUI edits are writable.
    std::vector<ItemSpec> items() const;
    // Whether `path` is one of the writable settings.
    bool is_setting(std::string_view path) const;
    // A SetValue on a setting: set_result::accepted (the value changed or was equal),
    // not_writable (wrong type) or rejected (out of range, too long). The caller saves and
    // publishes after an accepted one.
    std::int32_t set(std::string_view path, const SetArgument& value);

    // The paths' values: fixed parts, settings, and State/Status from coils 0 and 2 (unknown:
    // invalid).
    PathValues values(std::optional<bool> equalize_requested,
                      std::optional<bool> charge_disconnect) const;

    const SwitchSettings& settings(std::size_t output) const { return settings_.at(output); }
    std::size_t outputs() const { return outputs_; }

    // The file holds one "<output>/<Setting>=<value>" line per setting. A missing file keeps the
    // defaults; unreadable lines are skipped (logged by the caller from the returned count).
    std::size_t load(const std::filesystem::path& file);
    // Through gateway/base/atomic_file.h: a power cut leaves old or new. False when it could not be
    // written.
    bool save(const std::filesystem::path& file) const;

  private:
    std::size_t outputs_;
    std::array<SwitchSettings, 2> settings_{};
};

}  // namespace tristar::publisher
