// The service's identity: the bus name from the serial (or, when the TriStar cannot report one, the
// configured serial or a fallback id: service_identity.h), /DeviceInstance and /CustomName from
// localsettings (or the config and the data directory without it), the time zone from the Venus
// setting. Registration order (spec venus-dbus.md 3): every path is exported and /DeviceInstance
// published before the name is requested.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <spdlog/spdlog.h>

#include "gateway/base/atomic_file.h"
#include "gateway/base/local_zone.h"
#include "publisher/publisher.h"

namespace tristar::publisher {
namespace {

constexpr const char* bus_name_prefix = "com.victronenergy.solarcharger.";
constexpr const char* timezone_setting = "/Settings/System/TimeZone";

// An identity span is settled when it was read, or failed persistently (read_failures.h).
SpanState span_state(bool present, bool failed) {
    if (present) return SpanState::read;
    return failed ? SpanState::failed : SpanState::pending;
}

}  // namespace

IdentityInputs Publisher::identity_inputs() const {
    IdentityInputs in;
    in.live_read = snapshot_.live.has_value();
    in.serial = span_state(snapshot_.serial.has_value(), failures_.persistent(Poll::serial));
    in.model = span_state(snapshot_.model.has_value(), failures_.persistent(Poll::model));
    if (const auto serial = decoded(snapshot_, "serial")) in.device_serial = serial->text;
    in.configured_serial = config_.serial;
    in.device_uri = device_uri_;
    return in;
}

void Publisher::register_when_known() {
    if (!bus_name_.empty()) return;
    if (const auto identity = resolve_identity(identity_inputs())) register_service(*identity);
}

void Publisher::register_service(const ServiceIdentity& identity) {
    spdlog::info("[identity] {}", identity_text(identity));
    const std::string ident = bus_ident(identity.id);
    settings_ = std::make_unique<LocalSettings>(bus_, ident, config_.device_instance);
    auto values = settings_->attach([this](const ClassAndInstance& v) { on_instance_changed(v); },
                                    [this](const std::string& name) {
                                        custom_name_ = name;
                                        publish_all();
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
    publish_all();
    bus_name_ = bus_name_prefix + ident;
    bus_.requestName(bus_name_);
    on_bus_ = true;
    spdlog::info("on D-Bus as {} (device instance {})", bus_name_, instance_);
}

// localsettings moved the instance (the user changed it, or another device took it): consumers
// cache the instance per name, so the name is released and requested again (spec 12.4).
void Publisher::on_instance_changed(const ClassAndInstance& value) {
    if (value.instance == instance_) return;
    spdlog::info("device instance {} -> {}: registering again", instance_, value.instance);
    instance_ = value.instance;
    if (!on_bus_) return publish_all();  // the new instance is there when the name comes back
    bus_.releaseName(bus_name_);
    publish_all();
    bus_.requestName(bus_name_);
}

// The config's timezone wins; else the Venus setting; else TZ as the process got it.
void Publisher::apply_zone_setting() {
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
            spdlog::info("local time zone {} (from {})", zone, timezone_setting);
        else if (!zone.empty())
            spdlog::warn("time zone {:?} from {} is not known; local time follows TZ", zone, timezone_setting);
    } catch (const sdbus::Error& e) {
        spdlog::debug("no {}: {}", timezone_setting, e.getMessage());
    }
}

std::string Publisher::custom_name_file() const {
    return (std::filesystem::path(config_.data_dir) / "custom-name").string();
}

std::string Publisher::load_custom_name() const {
    std::ifstream in(custom_name_file());
    std::string name;
    std::getline(in, name);
    return name.substr(0, custom_name_max);
}

// Without localsettings the name is kept in the data directory (gateway/base/atomic_file.h: a power cut
// leaves the old name or the new one).
void Publisher::store_custom_name(const std::string& name) {
    if (!replace_file(custom_name_file(), name + '\n'))
        spdlog::error("cannot write {}: {}", custom_name_file(), std::strerror(errno));
}

}  // namespace tristar::publisher
