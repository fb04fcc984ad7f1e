#pragma once
// Publisher: one device's solar charger service (design.md 8), and the wiring of its parts.
// DeviceReads polls the gateway (through GatewayRequests) and keeps what it reads; LinkState says
// whether the TriStar answers; BusRegistration puts the service on D-Bus once its identity is
// known; the values go out on the BusService; HistoryKeeper keeps the daily history;
// ControlWrites carries out SetValue, DvccDriver DVCC. Every request is for the config's device.
// The loop is the caller's (chargers.h): step(), then a poll of what prepare_wait() adds, then
// after_wait(), all on one thread, so every D-Bus callback runs there too and nothing needs a
// lock.
#include <sdbus-c++/sdbus-c++.h>

#include <set>
#include <string>
#include <vector>
#include <zmq.hpp>

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
    // `bus` and `context` (its gateway sockets') must outlive it.
    Publisher(const PublisherConfig& config, sdbus::IConnection& bus, zmq::context_t& context);
    ~Publisher();
    Publisher(const Publisher&) = delete;
    Publisher& operator=(const Publisher&) = delete;

    // One turn: what the D-Bus connection received is handled, then the reads due are sent and
    // what is overdue is dealt with.
    void step();
    // Adds the two things it waits for to `items` (the gateway's socket, the D-Bus connection's
    // fd); returns how long it may wait at most.
    milliseconds prepare_wait(std::vector<zmq::pollitem_t>& items);
    // After the wait: `mine` is the first of the two entries prepare_wait() added.
    void after_wait(const zmq::pollitem_t* mine);
    // At SIGTERM: leaves slave mode, saves the history and releases the bus name. False when the
    // history could not be saved.
    bool stop();

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
