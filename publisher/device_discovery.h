#pragma once
// DeviceDiscovery: the devices the gateway serves, from its status (device_status.h): those the
// publisher publishes, or ([publisher] devices) which of its names are served. It asks at once;
// while the gateway does not answer it asks again every `retry` on a new socket, logged once, so a
// gateway that is down at start holds nothing up (the loop runs on, SIGTERM included) and the
// devices are published when it answers. After that it asks every `watch`: a status costs the
// devices no transaction, and the caller learns of a device added to the gateway later; its silence
// is then logged at debug only (the services log an outage). A status that answers with an error
// counts as no answer. One thread: the caller's loop polls socket_handle()
// and calls turn() and take_replies().
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "gateway/client/client.h"
#include "publisher/config.h"
#include "publisher/poll_plan.h"

namespace tristar::publisher {

class DeviceDiscovery {
  public:
    struct Timing {
        std::chrono::milliseconds retry{5000};
        std::chrono::milliseconds watch{60000};
    };
    // Reads the CURVE keys the config names; `context` must outlive this.
    DeviceDiscovery(const PublisherConfig& config, zmq::context_t& context, Timing timing);
    DeviceDiscovery(const PublisherConfig& config, zmq::context_t& context)
        : DeviceDiscovery(config, context, Timing{}) {}

    // Sends the status request when it is due; gives up on one unanswered for `retry`.
    void turn(SteadyTime now);
    SteadyTime next_due() const;
    void* socket_handle() { return client_->socket().handle(); }
    // The device names of the status replies waiting (the last one when several); nothing when
    // none answered. Empty names: a gateway that does not list its devices (one device).
    std::optional<std::vector<std::string>> take_replies(SteadyTime now);

  private:
    void connect();
    void send(SteadyTime now);

    std::string endpoint_;
    std::optional<client::CurveKeys> curve_;
    zmq::context_t& context_;
    Timing timing_;
    std::unique_ptr<client::GatewayClient> client_;
    std::optional<std::uint64_t> waiting_;  // the id of the request sent, until its reply
    SteadyTime sent_{};
    SteadyTime next_{};    // when the next request is due
    bool silent_ = false;  // gave up waiting; logged once until a reply comes
    bool listed_ = false;  // a status answered: the devices are known
};

}  // namespace tristar::publisher
