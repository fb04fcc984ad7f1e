#pragma once
// ControlWrites: SetValue on the service's writable paths. controls.h decides, this carries it
// out: a coil write goes to the gateway and the D-Bus caller gets its answer when the gateway's
// reply comes: 0 when the device took it, 2 when the gateway or the device refused it. Nothing is
// sent while the link is down. The switch pane's settings are kept in the data directory, DVCC's
// paths go to DvccDriver, /CustomName to BusRegistration. The user's switch and DVCC's stop
// share coil 2 (dvcc_stop.h). `publish` is called whenever a value changed.
#include <filesystem>
#include <functional>
#include <string>

#include "publisher/bus_registration.h"
#include "publisher/bus_service.h"
#include "publisher/config.h"
#include "publisher/dvcc_driver.h"
#include "publisher/gateway_requests.h"
#include "publisher/link_state.h"
#include "publisher/switch_pane.h"
#include "publisher/venus_snapshot.h"

namespace tristar::publisher {

class ControlWrites {
  public:
    struct Parts {
        GatewayRequests& requests;
        Snapshot& snapshot;
        const LinkState& link;
        BusRegistration& registration;
        DvccDriver& dvcc;
        SwitchPane& switch_pane;
    };
    // Keeps `config` and the parts by reference: they must outlive this.
    ControlWrites(const PublisherConfig& config, Parts parts, std::function<void()> publish);

    // Reads the switch pane's settings from the data directory (unreadable lines logged).
    void load_switch_pane();
    void on_set(const std::string& path, const SetArgument& value, SetReply reply);
    void on_write_reply(Outstanding& done, const v1::Reply& reply);
    // The switch pane's paths, and the one-shot controls: 0, or 1 while their write is on its way.
    void add_values(PathValues& values) const;

  private:
    void write_coil(const std::string& path, CoilWrite write, SetReply reply);
    void set_switch_setting(const std::string& path, const SetArgument& value, SetReply reply);
    std::filesystem::path switch_pane_file() const;

    const PublisherConfig& config_;
    Parts parts_;
    std::function<void()> publish_;
};

}  // namespace tristar::publisher
