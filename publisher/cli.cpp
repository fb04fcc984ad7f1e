#include "publisher/cli.h"

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>

#include "gateway/base/config_file.h"
#include "gateway/base/daemon_main.h"
#include "gateway/base/logging.h"
#include "gateway/base/signal_fd.h"
#include "publisher/chargers.h"

namespace tristar::publisher {
namespace {

struct CommandLine {
    DaemonOptions daemon;
    GatewayClientOptions client;
    std::optional<std::string> dbus;
    std::optional<std::string> dbus_address;
    std::optional<std::string> data_dir;
    std::optional<int> poll_ms;
    std::optional<int> device_instance;
    std::vector<std::string> devices;
};

void add_options(CLI::App& app, CommandLine& line) {
    add_config_option(app, line.daemon, "TOML config file ([publisher] table)");
    add_gateway_option(app, line.client);
    app.add_option("--device", line.devices,
                   "publish this device of the gateway (its [[devices]] name; repeat for "
                   "several); default: every device the gateway lists")
        ->check([](const std::string& name) { return device_name_problem(name).value_or(""); });
    app.add_option("--dbus", line.dbus, "bus: system (default) or session")
        ->check(CLI::IsMember({"system", "session"}));
    app.add_option("--dbus-address", line.dbus_address,
                   "connect to this D-Bus address instead (unix:path=...)");
    app.add_option("--data-dir", line.data_dir,
                   "directory of the daily history (default /data/tristar)");
    app.add_option("--poll-ms", line.poll_ms, "live poll period in ms (default 1000)")
        ->check(CLI::Range(100, 60000));
    app.add_option("--device-instance", line.device_instance,
                   "device instance without localsettings, and the default with it (default 0)")
        ->check(CLI::Range(0, 999));
    add_key_options(app, line.client);
    add_log_options(app, line.daemon, "log without timestamps (for multilog)");
}

PublisherConfig resolve(const CommandLine& line) {
    const auto& file = line.daemon.config_file;
    PublisherConfig config = file ? load_publisher_config(*file) : PublisherConfig{};
    apply_gateway_client_options(line.client, config.gateway, config.server_public_key_file,
                                 config.client_secret_key_file);
    if (line.dbus) config.bus = *line.dbus == "session" ? BusKind::session : BusKind::system;
    if (line.dbus_address) {
        config.bus = BusKind::address;
        config.bus_address = *line.dbus_address;
    }
    if (line.data_dir) config.data_dir = *line.data_dir;
    if (line.poll_ms) config.polls.live = milliseconds{*line.poll_ms};
    if (line.device_instance) config.device_instance = *line.device_instance;
    if (!line.devices.empty()) config.devices = line.devices;
    if (config.devices.size() > 1 && !config.serial.empty())
        throw ConfigError("command line", 0, "device",
                          "several devices, but [publisher] serial names a single one");
    apply_log_options(line.daemon, config.log_level, config.log_plain);
    return config;
}

std::unique_ptr<sdbus::IConnection> connect_bus(const PublisherConfig& config) {
    switch (config.bus) {
        case BusKind::session: return sdbus::createSessionBusConnection();
        case BusKind::address:
            return sdbus::createSessionBusConnectionWithAddress(config.bus_address);
        case BusKind::system: break;
    }
    return sdbus::createSystemBusConnection();
}

}  // namespace

int publisher_main(int argc, char** argv) {
    CLI::App app{
        "tristar-publisher: a TriStar MPPT as a Victron Venus OS solar charger, through "
        "tristar-gatewayd"};
    CommandLine line;
    add_options(app, line);
    PublisherConfig config;
    return daemon_main(app, argc, argv,
                       {.program = "tristar-publisher",
                        .configure = configure_step(config, [&] { return resolve(line); }),
                        .checked = check_config_step(line.daemon,
                                                     [&] {
                                                         return "configuration ok: gateway " +
                                                                config.gateway + ", data in " +
                                                                config.data_dir;
                                                     }),
                        .serve = [&] {
                            // SIGTERM and SIGINT arrive as a readable fd, so the loop stops between
                            // two steps.
                            const SignalFd stop;
                            Chargers chargers(config, [&] { return connect_bus(config); });
                            return chargers.run(stop.fd());
                        }});
}

}  // namespace tristar::publisher
