#include "publisher/local_settings.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

namespace tristar::publisher {
namespace {

constexpr const char* settings_interface = "com.victronenergy.Settings";
constexpr const char* item_interface = "com.victronenergy.BusItem";
constexpr const char* device_class = "solarcharger";  // must equal the service type (spec 12.1)

using Dict = std::map<std::string, sdbus::Variant>;

bool service_absent(const sdbus::Error& error) {
    const auto& name = error.getName();
    return name == "org.freedesktop.DBus.Error.ServiceUnknown" ||
           name == "org.freedesktop.DBus.Error.NameHasNoOwner";
}

bool timed_out(const sdbus::Error& error) {
    const auto& name = error.getName();
    return name == "org.freedesktop.DBus.Error.Timeout" ||
           name == "org.freedesktop.DBus.Error.NoReply" ||
           name == "org.freedesktop.DBus.Error.TimedOut";
}

std::optional<std::string> string_of(const sdbus::Variant& value) {
    if (!value.containsValueOfType<std::string>()) return std::nullopt;
    return value.get<std::string>();
}

// For log lines: the text of a string, else the variant's D-Bus type.
std::string describe(const sdbus::Variant& value) {
    if (auto text = string_of(value)) return "\"" + *text + "\"";
    return "a value of type '" + value.peekValueType() + "'";
}

// A solarcharger instance from a setting's value; nothing for anything else.
std::optional<ClassAndInstance> solarcharger_instance(const sdbus::Variant& value) {
    const auto text = string_of(value);
    if (!text) return std::nullopt;
    auto parsed = parse_class_and_instance(*text);
    if (!parsed || parsed->device_class != device_class) return std::nullopt;
    return parsed;
}

std::optional<std::int32_t> error_code_of(const Dict& entry) {
    const auto it = entry.find("error");
    if (it == entry.end() || !it->second.containsValueOfType<std::int32_t>()) return std::nullopt;
    return it->second.get<std::int32_t>();
}

const Dict* entry_for(const std::vector<Dict>& reply, const std::string& path) {
    for (const auto& entry : reply) {
        const auto it = entry.find("path");
        if (it != entry.end() && string_of(it->second) == path) return &entry;
    }
    return nullptr;
}

}  // namespace

std::optional<ClassAndInstance> parse_class_and_instance(std::string_view text) {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    const auto digits = text.substr(colon + 1);
    const auto* end = digits.data() + digits.size();
    int instance = 0;
    const auto [stop, error] = std::from_chars(digits.data(), end, instance);
    if (error != std::errc{} || stop != end || instance < 0) return std::nullopt;
    return ClassAndInstance{std::string{text.substr(0, colon)}, instance};
}

std::string format_class_and_instance(const ClassAndInstance& value) {
    return value.device_class + ":" + std::to_string(value.instance);
}

struct LocalSettings::Impl {
    Impl(sdbus::IConnection& bus, std::string device_ident, int default_instance,
         std::chrono::milliseconds call_timeout)
        : connection(bus),
          ident(std::move(device_ident)),
          fallback{device_class, default_instance},
          timeout(call_timeout) {}

    sdbus::IConnection& connection;
    const std::string ident;
    const ClassAndInstance fallback;
    const std::chrono::milliseconds timeout;
    std::unique_ptr<sdbus::IProxy> instance_item;
    std::unique_ptr<sdbus::IProxy> name_item;
    std::optional<SettingsValues> values;  // set while attached
    InstanceChanged on_instance;
    NameChanged on_name;
    bool absence_reported = false;

    std::string path(const char* leaf) const { return "/Settings/Devices/" + ident + "/" + leaf; }
    std::string instance_path() const { return path("ClassAndVrmInstance"); }
    std::string name_path() const { return path("CustomName"); }

    void detach() {
        values.reset();
        instance_item.reset();
        name_item.reset();
    }

    // Before AddSettings, so that no change between its reply and the subscription is lost.
    void subscribe() {
        instance_item = sdbus::createProxy(connection, settings_service, instance_path());
        instance_item->uponSignal("PropertiesChanged")
            .onInterface(item_interface)
            .call([this](const Dict& changes) {
                guarded("instance", [&] { instance_signal(changes); });
            });
        instance_item->finishRegistration();
        name_item = sdbus::createProxy(connection, settings_service, name_path());
        name_item->uponSignal("PropertiesChanged")
            .onInterface(item_interface)
            .call([this](const Dict& changes) { guarded("name", [&] { name_signal(changes); }); });
        name_item->finishRegistration();
    }

    std::vector<Dict> add_settings() {
        const std::vector<Dict> request{
            {{"path", sdbus::Variant{instance_path()}},
             {"default", sdbus::Variant{format_class_and_instance(fallback)}}},
            {{"path", sdbus::Variant{name_path()}}, {"default", sdbus::Variant{std::string{}}}}};
        auto root = sdbus::createProxy(connection, settings_service, "/");
        std::vector<Dict> reply;
        root->callMethod("AddSettings")
            .onInterface(settings_interface)
            .withTimeout(timeout)
            .withArguments(request)
            .storeResultsTo(reply);
        return reply;
    }

    // The setting's value from its AddSettings reply entry, or read when the entry has none.
    std::optional<sdbus::Variant> value_of(const std::vector<Dict>& reply,
                                           const std::string& setting, sdbus::IProxy& item) {
        const auto* entry = entry_for(reply, setting);
        const auto code = entry ? error_code_of(*entry) : std::nullopt;
        if (code != 0) {
            spdlog::warn("[settings] AddSettings refused {} (error {})", setting,
                         code ? std::to_string(*code) : std::string{"missing"});
            return std::nullopt;
        }
        if (const auto it = entry->find("value"); it != entry->end()) return it->second;
        return get_value(item);
    }

    sdbus::Variant get_value(sdbus::IProxy& item) {
        sdbus::Variant value;
        item.callMethod("GetValue")
            .onInterface(item_interface)
            .withTimeout(timeout)
            .storeResultsTo(value);
        return value;
    }

    std::int32_t set_value(sdbus::IProxy& item, const sdbus::Variant& value) {
        std::int32_t code = -1;
        item.callMethod("SetValue")
            .onInterface(item_interface)
            .withTimeout(timeout)
            .withArguments(value)
            .storeResultsTo(code);
        return code;
    }

    // Spec 12.2: a value that is not a solarcharger instance is reset to the default. Read back,
    // because localsettings moves the default on to the next free instance when it is taken.
    ClassAndInstance settle_instance(const sdbus::Variant& value) {
        if (auto instance = solarcharger_instance(value)) return *instance;
        const auto reset = format_class_and_instance(fallback);
        spdlog::warn("[settings] {} holds {}, not a {} instance: resetting it to {}",
                     instance_path(), describe(value), device_class, reset);
        if (const auto code = set_value(*instance_item, sdbus::Variant{reset}); code != 0) {
            spdlog::warn("[settings] localsettings refused the reset of {} (code {})",
                         instance_path(), code);
            return fallback;
        }
        return solarcharger_instance(get_value(*instance_item)).value_or(fallback);
    }

    std::optional<SettingsValues> read_values(const std::vector<Dict>& reply) {
        const auto instance = value_of(reply, instance_path(), *instance_item);
        const auto name = value_of(reply, name_path(), *name_item);
        if (!instance || !name) return std::nullopt;
        auto custom_name = string_of(*name);
        if (!custom_name) {
            spdlog::warn("[settings] {} holds {}, not a string", name_path(), describe(*name));
            return std::nullopt;
        }
        return SettingsValues{settle_instance(*instance), std::move(*custom_name)};
    }

    void report_failure(const sdbus::Error& error) {
        if (!service_absent(error) && !timed_out(error)) {
            spdlog::warn("[settings] localsettings failed: {}: {}", error.getName(),
                         error.getMessage());
            return;
        }
        const auto level = absence_reported ? spdlog::level::debug : spdlog::level::info;
        absence_reported = true;
        spdlog::log(level, "[settings] no usable {} on the bus ({}): using the configuration",
                    settings_service, timed_out(error) ? "no answer in time" : "not running");
    }

    // Signal handlers run inside sd-bus's dispatch: nothing may escape them.
    template <typename Body>
    void guarded(const char* what, Body&& body) {
        try {
            body();
        } catch (const std::exception& e) {
            spdlog::warn("[settings] handling a change of the {} setting failed: {}", what,
                         e.what());
        }
    }

    void instance_signal(const Dict& changes) {
        const auto it = changes.find("Value");
        if (!values || it == changes.end()) return;
        const auto instance = solarcharger_instance(it->second);
        if (!instance) return reset_instance_async(it->second);
        if (*instance == values->instance) return;
        values->instance = *instance;
        spdlog::info("[settings] {} changed to {}", instance_path(),
                     format_class_and_instance(*instance));
        if (on_instance) on_instance(*instance);
    }

    // From a signal handler: no blocking call; the reset's own change signal reports the outcome.
    void reset_instance_async(const sdbus::Variant& value) {
        const auto reset = format_class_and_instance(fallback);
        spdlog::warn("[settings] {} changed to {}, not a {} instance: resetting it to {}",
                     instance_path(), describe(value), device_class, reset);
        instance_item->callMethodAsync("SetValue")
            .onInterface(item_interface)
            .withTimeout(timeout)
            .withArguments(sdbus::Variant{reset})
            .uponReplyInvoke(
                [setting = instance_path()](const sdbus::Error* error, std::int32_t code) {
                    if (error)
                        spdlog::warn("[settings] resetting {} failed: {}", setting,
                                     error->getMessage());
                    else if (code != 0)
                        spdlog::warn("[settings] localsettings refused the reset of {} (code {})",
                                     setting, code);
                });
    }

    void name_signal(const Dict& changes) {
        const auto it = changes.find("Value");
        if (!values || it == changes.end()) return;
        auto name = string_of(it->second);
        if (!name) {
            spdlog::warn("[settings] {} changed to {}: ignored", name_path(), describe(it->second));
            return;
        }
        if (*name == values->custom_name) return;
        values->custom_name = *name;
        spdlog::info("[settings] {} changed to \"{}\"", name_path(), *name);
        if (on_name) on_name(*name);
    }
};

LocalSettings::LocalSettings(sdbus::IConnection& connection, std::string ident,
                             int default_instance, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>(connection, std::move(ident), default_instance, timeout)) {}

LocalSettings::~LocalSettings() = default;

std::optional<SettingsValues> LocalSettings::attach(InstanceChanged on_instance,
                                                    NameChanged on_name) {
    auto& impl = *impl_;
    impl.detach();
    try {
        impl.subscribe();
        auto values = impl.read_values(impl.add_settings());
        if (!values) {
            impl.detach();
            return std::nullopt;
        }
        impl.on_instance = std::move(on_instance);
        impl.on_name = std::move(on_name);
        impl.values = values;
        spdlog::info("[settings] {} is {}, {} is \"{}\"", impl.instance_path(),
                     format_class_and_instance(values->instance), impl.name_path(),
                     values->custom_name);
        return values;
    } catch (const sdbus::Error& e) {
        impl.report_failure(e);
        impl.detach();
        return std::nullopt;
    }
}

bool LocalSettings::attached() const {
    return impl_->values.has_value();
}

bool LocalSettings::set_custom_name(const std::string& name) {
    auto& impl = *impl_;
    if (!impl.values) return false;
    try {
        if (const auto code = impl.set_value(*impl.name_item, sdbus::Variant{name}); code != 0) {
            spdlog::warn("[settings] localsettings refused \"{}\" for {} (code {})", name,
                         impl.name_path(), code);
            return false;
        }
    } catch (const sdbus::Error& e) {
        spdlog::warn("[settings] writing {} failed: {}: {}", impl.name_path(), e.getName(),
                     e.getMessage());
        return false;
    }
    impl.values->custom_name = name;  // so that the echo of our own write is no change
    spdlog::info("[settings] {} set to \"{}\"", impl.name_path(), name);
    return true;
}

std::string LocalSettings::instance_path() const {
    return impl_->instance_path();
}

std::string LocalSettings::custom_name_path() const {
    return impl_->name_path();
}

}  // namespace tristar::publisher
