#pragma once
// BusRegistration: the service's identity on D-Bus. The bus name comes from the serial (or, when
// the TriStar cannot report one, the configured serial or a fallback id: service_identity.h),
// /DeviceInstance and /CustomName from localsettings (or the config and the data directory
// without it), the time zone from the Venus setting. Registration order (spec venus-dbus.md 3):
// every path is exported and /DeviceInstance published before the name is requested. The name is
// released while the TriStar is gone and requested again when it answers (Victron's drivers do
// the same); a new instance from localsettings re-registers the name. `publish` is called
// whenever a value of its (add_values()) changed.
#include <sdbus-c++/sdbus-c++.h>

#include <functional>
#include <memory>
#include <string>

#include "publisher/config.h"
#include "publisher/local_settings.h"
#include "publisher/service_identity.h"
#include "publisher/venus_mapping.h"

namespace tristar::publisher {

class BusRegistration {
  public:
    // Keeps references to `config` and `bus`: they must outlive this.
    BusRegistration(const PublisherConfig& config, sdbus::IConnection& bus,
                    std::function<void()> publish);
    ~BusRegistration();
    BusRegistration(const BusRegistration&) = delete;
    BusRegistration& operator=(const BusRegistration&) = delete;

    bool registered() const { return !bus_name_.empty(); }
    // The name is ours: registered and not released for a link loss.
    bool on_bus() const { return on_bus_; }
    // Registers once the identity is known; nothing once registered.
    void register_when_known(const IdentityInputs& inputs);
    // The TriStar is gone: the name is released until come_back().
    void leave(milliseconds down_for);
    void come_back();
    // At exit.
    void release();

    // /CustomName from a SetValue: to localsettings, or to the data directory without it.
    void set_custom_name(const std::string& name);
    // /DeviceInstance and /CustomName.
    void add_values(PathValues& values) const;

  private:
    void register_service(const ServiceIdentity& identity);
    void on_instance_changed(const ClassAndInstance& value);
    void apply_zone_setting();
    std::string custom_name_file() const;
    std::string load_custom_name() const;
    void store_custom_name(const std::string& name);

    const PublisherConfig& config_;
    sdbus::IConnection& bus_;
    std::function<void()> publish_;
    std::string bus_name_;  // empty until registered
    bool on_bus_ = false;
    std::unique_ptr<LocalSettings> settings_;
    int instance_;
    std::string custom_name_;
};

}  // namespace tristar::publisher
