#pragma once
// DvccDriver: DVCC's wiring (dvcc.h decides, this carries it out). systemcalc's SetValues go to
// Dvcc; its writes go to the gateway as single writes at interactive priority (the slave
// registers time out; a poll must not hold them up), their replies come back to it, and what it
// publishes joins the service's values. The loop drives it on every turn (at least once a
// second). What must outlive a restart (BmsPresent, a charge stop of DVCC's) is kept in
// <data_dir>/dvcc-state. `publish` is called whenever its values changed.
#include <functional>
#include <string>

#include "publisher/bus_service.h"
#include "publisher/config.h"
#include "publisher/dvcc.h"
#include "publisher/gateway_requests.h"
#include "publisher/switch_pane.h"
#include "publisher/venus_snapshot.h"

namespace tristar::publisher {

class DvccDriver {
  public:
    // Keeps references to every argument but `publish`: they must outlive this.
    DvccDriver(const PublisherConfig& config, GatewayRequests& requests, Snapshot& snapshot,
               const SwitchPane& switch_pane, std::function<void()> publish);

    // Sets DVCC up from the config and what it remembered (logged); nothing when disabled.
    void start();
    void drive(SteadyTime now);
    void on_reply(const Outstanding& done, const v1::Reply& reply);
    void add_values(PathValues& values) const;

    bool handles(const std::string& path) const { return dvcc_.handles(path); }
    void set(const std::string& path, const SetArgument& value, SetReply reply);
    // The user's /Mode (dvcc.h): the coil 2 value to write for it, or nothing (accept at once).
    std::optional<bool> user_switch(bool off) { return dvcc_.user_switch(off); }

    // Before exit, while the link is `connected`: out of slave mode (waits for the answer).
    void leave_slave_mode(bool connected);

  private:
    DeviceView device_view() const;
    void send(const DvccWrite& write, SteadyTime now);
    void save_memory();

    const PublisherConfig& config_;
    GatewayRequests& requests_;
    Snapshot& snapshot_;
    const SwitchPane& switch_pane_;
    std::function<void()> publish_;
    Dvcc dvcc_{DvccConfig{}, SteadyTime{}};  // start() sets it up
    DvccMemory saved_;
};

}  // namespace tristar::publisher
