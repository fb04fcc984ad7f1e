#include "publisher/bus_registration.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "gateway/base/atomic_file.h"
#include "gateway/base/local_zone.h"
#include "publisher/controls.h"
#include "publisher/device_files.h"
#include "publisher/venus_value.h"

namespace tristar::publisher {
namespace {

constexpr const char* bus_name_prefix = "com.victronenergy.solarcharger.";
constexpr const char* timezone_setting = "/Settings/System/TimeZone";

}  // namespace

BusRegistration::BusRegistration(const PublisherConfig& config, sdbus::IConnection& bus,
                                 std::function<void()> publish)
    : config_(config), bus_(bus), publish_(std::move(publish)), instance_(config.device_instance) {}

BusRegistration::~BusRegistration() = default;

void BusRegistration::register_when_known(const IdentityInputs& inputs) {
    if (registered()) return;
    if (const auto identity = resolve_identity(inputs)) register_service(*identity);
}

void BusRegistration::register_service(const ServiceIdentity& identity) {
    spdlog::info("[identity] {}", identity_text(identity));
    const std::string ident = bus_ident(identity.id);
    settings_ = std::make_unique<LocalSettings>(bus_, ident, config_.device_instance);
    auto values = settings_->attach([this](const ClassAndInstance& v) { on_instance_changed(v); },
                                    [this](const std::string& name) {
                                        custom_name_ = name;
                                        publish_();
                                    });
    if (values) {
        instance_ = values->instance.instance;
        custom_name_ = values->custom_name;
    } else {
        settings_.reset();
        instance_ = config_.device_instance;
        custom_name_ = load_custom_name();
    }
    apply_zone_setting();
    publish_();
    bus_name_ = bus_name_prefix + ident;
    bus_.requestName(bus_name_);
    on_bus_ = true;
    spdlog::info("[bus] on D-Bus as {} (device instance {})", bus_name_, instance_);
}

// Victron's drivers take a service off the bus when its device is gone; the GUI then lists it
// as not connected. Objects, instance and history stay: coming back is requesting the name again.
void BusRegistration::leave(milliseconds down_for) {
    spdlog::warn("[bus] no link to the TriStar for {} ms: {} leaves D-Bus until it answers again",
                 down_for.count(), bus_name_);
    bus_.releaseName(bus_name_);
    on_bus_ = false;
}

void BusRegistration::come_back() {
    if (on_bus_ || bus_name_.empty()) return;
    bus_.requestName(bus_name_);
    on_bus_ = true;
    spdlog::info("[bus] on D-Bus again as {} (device instance {})", bus_name_, instance_);
}

void BusRegistration::release() {
    if (on_bus_) bus_.releaseName(bus_name_);
}

// localsettings moved the instance (the user changed it, or another device took it): consumers
// cache the instance per name, so the name is released and requested again (spec 12.4).
void BusRegistration::on_instance_changed(const ClassAndInstance& value) {
    if (value.instance == instance_) return;
    spdlog::info("[bus] device instance {} -> {}: registering again", instance_, value.instance);
    instance_ = value.instance;
    if (!on_bus_) return publish_();  // the new instance is there when the name comes back
    bus_.releaseName(bus_name_);
    publish_();
    bus_.requestName(bus_name_);
}

// The config's timezone wins; else the Venus setting; else TZ as the process got it.
void BusRegistration::apply_zone_setting() {
    if (!config_.timezone.empty() || !settings_) return;
    try {
        auto proxy = sdbus::createProxy(bus_, settings_service, timezone_setting);
        sdbus::Variant value;
        proxy->callMethod("GetValue")
            .onInterface("com.victronenergy.BusItem")
            .withTimeout(std::chrono::seconds{2})
            .storeResultsTo(value);
        if (value.peekValueType() != "s") return;
        const auto zone = value.get<std::string>();
        if (apply_timezone(zone))
            spdlog::info("[timezone] local time zone {} (from {})", zone, timezone_setting);
        else if (!zone.empty())
            spdlog::warn("[timezone] time zone {:?} from {} is not known; local time follows TZ",
                         zone, timezone_setting);
    } catch (const sdbus::Error& e) {
        spdlog::debug("[timezone] no {}: {}", timezone_setting, e.getMessage());
    }
}

void BusRegistration::set_custom_name(const std::string& name) {
    custom_name_ = name;
    if (!settings_) {
        store_custom_name(name);
    } else if (!settings_->set_custom_name(name)) {
        spdlog::warn("[settings] localsettings did not take the custom name");
    }
}

void BusRegistration::add_values(PathValues& values) const {
    values["/DeviceInstance"] = integer_value(instance_, std::to_string(instance_));
    values["/CustomName"] = string_value(custom_name_);
}

std::string BusRegistration::custom_name_file() const {
    return device_file(config_, "custom-name").string();
}

std::string BusRegistration::load_custom_name() const {
    std::ifstream in(custom_name_file());
    std::string name;
    std::getline(in, name);
    return name.substr(0, custom_name_max);
}

// Without localsettings the name is kept in the data directory (atomic_file.h: a power cut
// leaves the old name or the new one).
void BusRegistration::store_custom_name(const std::string& name) {
    if (!replace_file(custom_name_file(), name + '\n'))
        spdlog::error("[identity] cannot write {}: {}", custom_name_file(), std::strerror(errno));
}

}  // namespace tristar::publisher
