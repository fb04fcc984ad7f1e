#pragma once
// Publisher: tristar-publisher's one loop (design.md 8), and the wiring of its parts. DeviceReads
// polls the gateway (through GatewayRequests) and keeps what it reads; LinkState says whether the
// TriStar answers; BusRegistration puts the service on D-Bus once its identity is known; the
// values go out on the BusService; HistoryKeeper keeps the daily history; ControlWrites carries
// out SetValue, DvccDriver DVCC. One thread: the loop polls the gateway's socket, the D-Bus
// connection's fd and a stop fd together, so every D-Bus callback runs here too and nothing
// needs a lock.
#include <sdbus-c++/sdbus-c++.h>

#include <set>
#include <string>

#include "gateway/client/client.h"
#include "publisher/bus_registration.h"
#include "publisher/bus_service.h"
#include "publisher/config.h"
#include "publisher/control_writes.h"
#include "publisher/device_reads.h"
#include "publisher/dvcc_driver.h"
#include "publisher/gateway_requests.h"
#include "publisher/history_keeper.h"
#include "publisher/link_state.h"
#include "publisher/switch_pane.h"

namespace tristar::publisher {

namespace v1 = tristar::gateway::v1;

class Publisher {
  public:
    // Exports every path on `bus` at once (values invalid until read); the name comes later.
    Publisher(const PublisherConfig& config, sdbus::IConnection& bus);
    ~Publisher();
    Publisher(const Publisher&) = delete;
    Publisher& operator=(const Publisher&) = delete;

    // Runs until `stop_fd` becomes readable (a signalfd for SIGTERM/SIGINT); saves the history
    // and releases the bus name on the way out. Returns the exit code.
    int run(int stop_fd);

  private:
    void turn(SteadyTime now);
    void check_overdue(SteadyTime now);
    SteadyTime next_wakeup() const;
    void on_reply(Outstanding& done, const v1::Reply& reply);
    void on_poll(Poll poll, const v1::Reply& reply, SteadyTime now);
    bool take_answer(Poll poll, const v1::Reply& reply);
    void on_live(std::optional<v1::ErrorCode> failure, SteadyTime now);
    void set_connected(bool connected, SteadyTime now);
    void register_when_known();
    void publish_all();
    void add_own_values(PathValues& values) const;

    PublisherConfig config_;
    sdbus::IConnection& bus_;
    GatewayRequests requests_;
    BusService service_;
    LinkState link_;
    DeviceReads reads_;
    BusRegistration registration_;
    HistoryKeeper history_;
    SwitchPane switch_pane_;
    DvccDriver dvcc_;
    ControlWrites controls_;
    std::set<std::string> warned_;  // mapping warnings logged once each
};

}  // namespace tristar::publisher
