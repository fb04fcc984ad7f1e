#pragma once
// LocalSettings: the publisher's settings in Venus OS localsettings (com.victronenergy.settings,
// spec venus-dbus.md sections 11-12), through the publisher's one D-Bus connection:
//  - /Settings/Devices/<ident>/ClassAndVrmInstance, default "solarcharger:<n>": the VRM device
//    instance, published as /DeviceInstance;
//  - /Settings/Devices/<ident>/CustomName, default "": /CustomName, persisted.
// Both are created with AddSettings (an existing setting keeps its value; localsettings moves the
// instance to the next free one of the class) and watched through their PropertiesChanged.
// Without a settings service (a PC, a test bus) attach() reports that and the caller falls back
// to its config.
//
// Single-threaded like BusService: no threads inside; attach() and set_custom_name() block on
// the connection for at most the timeout per call, and the callbacks run from the connection's
// event loop that the caller drives (processPendingRequest). A callback must not destroy the
// LocalSettings it came from.
#include <sdbus-c++/sdbus-c++.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace tristar::publisher {

inline constexpr const char* settings_service = "com.victronenergy.settings";

struct ClassAndInstance {
    std::string device_class;  // "solarcharger"
    int instance = 0;
    friend bool operator==(const ClassAndInstance&, const ClassAndInstance&) = default;
};

// "solarcharger:279" -> {solarcharger, 279}; nothing when malformed (no colon, empty class,
// instance not a whole number 0..2^31-1).
std::optional<ClassAndInstance> parse_class_and_instance(std::string_view text);
std::string format_class_and_instance(const ClassAndInstance& value);

struct SettingsValues {
    ClassAndInstance instance;
    std::string custom_name;
};

class LocalSettings {
  public:
    using InstanceChanged = std::function<void(const ClassAndInstance&)>;
    using NameChanged = std::function<void(const std::string&)>;

    // ident: "tristar_<serial>"; default_instance: the <n> of the default "solarcharger:<n>".
    LocalSettings(sdbus::IConnection& connection, std::string ident, int default_instance,
                  std::chrono::milliseconds timeout = std::chrono::milliseconds{2000});
    ~LocalSettings();
    LocalSettings(const LocalSettings&) = delete;
    LocalSettings& operator=(const LocalSettings&) = delete;

    // Adds (or finds) both settings and subscribes to their changes. Nothing when no settings
    // service is on the bus, it does not answer in time or it refuses a setting (logged; info
    // once for a missing or silent service). A ClassAndVrmInstance that cannot be parsed, or of
    // another class, is reset to the default (spec 12.2) and the instance localsettings then
    // holds is used (the default, or the next free one when the default is taken).
    // Afterwards on_instance is called when the parsed instance really changes (a change to junk
    // is reset again and is no change), on_name when the name changes other than by
    // set_custom_name. Attaching again starts over (the old subscriptions end first).
    std::optional<SettingsValues> attach(InstanceChanged on_instance, NameChanged on_name);
    bool attached() const;

    // Writes /CustomName through to localsettings; false when not attached or refused.
    bool set_custom_name(const std::string& name);

    std::string instance_path() const;     // "/Settings/Devices/<ident>/ClassAndVrmInstance"
    std::string custom_name_path() const;  // "/Settings/Devices/<ident>/CustomName"

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tristar::publisher
