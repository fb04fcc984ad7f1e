#pragma once
// Chargers: every solar charger service the process publishes (docs/venus.md, "Several
// chargers"): one Publisher per device of the gateway, each with a D-Bus connection of its own
// (one connection per service name, venus-dbus.md 1), all driven by one loop on one thread.
//
// One process and one loop, not a process or a thread per device: N services in one process take
// far less memory than N processes (code, libraries and the ZeroMQ context are there once;
// measured in docs/performance.md), and a Publisher's loop already was one poll over a few fds,
// so N of them are one poll over all their fds: no thread, no lock, one place that sees SIGTERM.
// The cost: a call that blocks holds the other services as long (localsettings at registration,
// at most 2 s a call; leaving DVCC's slave mode at stop, at most 2 s).
//
// Which devices (device_choice.h): [publisher] devices, or without it those of the first status
// the gateway answers (DeviceDiscovery). Until then no service exists, the gateway is asked again
// every 5 s and SIGTERM is answered at once. A name of [publisher] devices that the gateway does
// not serve is one error line naming those it does, and is published when a later status (every
// minute) lists it. Without [publisher] devices the list is fixed at the first status: a device
// the gateway lists later is logged once and published after a restart of the publisher; one it
// no longer serves is a device without a link (its service leaves the bus). With several devices
// discovered, the gateway's first takes over the files of the publisher of one device
// (device_files.h), so adding a second TriStar keeps the first one's history.
//
// SIGTERM or SIGINT ends the loop; then every Publisher stops in turn (leaves slave mode, saves
// its history, releases its name), each even when one before it failed. Each Publisher's work,
// its D-Bus callbacks included, runs in its LogScope: with several, its lines name its device.
#include <sdbus-c++/sdbus-c++.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "publisher/config.h"
#include "publisher/device_discovery.h"
#include "publisher/publisher.h"

namespace tristar::publisher {

class Chargers {
  public:
    using ConnectBus = std::function<std::unique_ptr<sdbus::IConnection>()>;

    // `connect` opens a new D-Bus connection, one per service.
    Chargers(const PublisherConfig& config, ConnectBus connect);
    ~Chargers();
    Chargers(const Chargers&) = delete;
    Chargers& operator=(const Chargers&) = delete;

    // Runs until `stop_fd` becomes readable (a signalfd for SIGTERM/SIGINT), then stops every
    // service. The exit code: 1 when a history could not be saved, else 0.
    int run(int stop_fd);

  private:
    struct Served {
        std::string log_name;  // the device in its log lines; "" with one device
        std::unique_ptr<sdbus::IConnection> bus;
        std::unique_ptr<Publisher> publisher;  // destroyed before its bus
    };

    bool turn(int stop_fd);
    void start(const std::vector<std::string>& listed);
    void start_named(const std::vector<std::string>& listed);
    void several_log(const std::vector<std::string>& names) const;
    void add(const PublisherConfig& config, bool several);
    void take_over_single_files(const std::string& first);
    void on_devices(const std::vector<std::string>& listed);
    int stop_all();

    PublisherConfig config_;
    ConnectBus connect_;
    zmq::context_t context_{1};  // every gateway socket of the process; outlives them
    std::optional<DeviceDiscovery> discovery_;
    std::optional<std::vector<std::string>> known_;  // the devices listed at start, once known
    std::vector<std::string> reported_;     // devices added later or not served, logged once each
    std::vector<PublisherConfig> waiting_;  // [publisher] devices the gateway does not serve yet
    std::vector<Served> served_;
};

}  // namespace tristar::publisher
