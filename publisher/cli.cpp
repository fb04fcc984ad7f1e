// tristar-publisher's command line: an optional TOML config plus overrides.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "gateway/base/config_file.h"
#include "gateway/base/daemon_main.h"
#include "gateway/base/logging.h"
#include "gateway/base/signal_fd.h"
#include "gateway/base/version.h"
#include "publisher/publisher.h"

namespace tristar::publisher {
namespace {

struct CommandLine {
    std::optional<std::string> config_file;
    std::optional<std::string> gateway;
    std::optional<std::string> server_key;  // CURVE: server_public_key_file
    std::optional<std::string> key;         // CURVE: client_secret_key_file
    std::optional<std::string> dbus;
    std::optional<std::string> dbus_address;
    std::optional<std::string> data_dir;
    std::optional<int> poll_ms;
    std::optional<int> device_instance;
    std::optional<std::string> log_level;
    bool log_plain = false;
    bool check_config = false;
};

void add_options(CLI::App& app, CommandLine& line) {
    app.add_option("-c,--config", line.config_file, "TOML config file ([publisher] table)")->check(CLI::ExistingFile);
    app.add_option("-g,--gateway", line.gateway, "the gateway's ZeroMQ endpoint (default tcp://127.0.0.1:5555)");
    app.add_option("--dbus", line.dbus, "bus: system (default) or session")->check(CLI::IsMember({"system", "session"}));
    app.add_option("--dbus-address", line.dbus_address, "connect to this D-Bus address instead (unix:path=...)");
    app.add_option("--data-dir", line.data_dir, "directory of the daily history (default /data/tristar)");
    app.add_option("--poll-ms", line.poll_ms, "live poll period in ms (default 1000)")->check(CLI::Range(100, 60000));
    app.add_option("--device-instance", line.device_instance,
                   "device instance without localsettings, and the default with it (default 0)")
        ->check(CLI::Range(0, 999));
    app.add_option("--server-key", line.server_key,
                   "CURVE: the gateway's public key file (server_public_key_file), with --key");
    app.add_option("--key", line.key, "CURVE: this client's secret key file (client_secret_key_file)");
    app.add_option("--log-level", line.log_level, std::string{"log level: "} + log_level_names());
    app.add_flag("--log-plain", line.log_plain, "log without timestamps (for multilog)");
    app.add_flag("--check-config", line.check_config, "validate the configuration and exit");
    app.set_version_flag("--version", version);
}

PublisherConfig resolve(const CommandLine& line) {
    PublisherConfig config = line.config_file ? load_publisher_config(*line.config_file) : PublisherConfig{};
    if (line.gateway) config.gateway = *line.gateway;
    if (line.server_key) config.server_public_key_file = *line.server_key;
    if (line.key) config.client_secret_key_file = *line.key;
    if (config.server_public_key_file.empty() != config.client_secret_key_file.empty())
        throw ConfigError("command line", 0, line.key ? "--server-key" : "--key",
                          "CURVE needs both the gateway's public key (--server-key) and this client's secret key (--key)");
    if (line.dbus) config.bus = *line.dbus == "session" ? BusKind::session : BusKind::system;
    if (line.dbus_address) {
        config.bus = BusKind::address;
        config.bus_address = *line.dbus_address;
    }
    if (line.data_dir) config.data_dir = *line.data_dir;
    if (line.poll_ms) config.polls.live = milliseconds{*line.poll_ms};
    if (line.device_instance) config.device_instance = *line.device_instance;
    if (line.log_level) config.log_level = *line.log_level;
    if (line.log_plain) config.log_plain = true;
    return config;
}

std::unique_ptr<sdbus::IConnection> connect_bus(const PublisherConfig& config) {
    switch (config.bus) {
        case BusKind::session: return sdbus::createSessionBusConnection();
        case BusKind::address: return sdbus::createSessionBusConnectionWithAddress(config.bus_address);
        case BusKind::system: break;
    }
    return sdbus::createSystemBusConnection();
}

}  // namespace

int publisher_main(int argc, char** argv) {
    CLI::App app{"tristar-publisher: a TriStar MPPT as a Victron Venus OS solar charger, through tristar-gatewayd"};
    CommandLine line;
    add_options(app, line);
    PublisherConfig config;
    return daemon_main(
        app, argc, argv,
        {.program = "tristar-publisher",
         .configure =
             [&] {
                 config = resolve(line);
                 setup_logging(config.log_level, config.log_plain);
             },
         .checked = [&]() -> std::optional<std::string> {
             if (!line.check_config) return std::nullopt;
             return "configuration ok: gateway " + config.gateway + ", data in " + config.data_dir;
         },
         .serve =
             [&] {
                 // SIGTERM and SIGINT arrive as a readable fd, so the loop stops between two steps.
                 const SignalFd stop;
                 auto bus = connect_bus(config);
                 Publisher publisher(config, *bus);
                 return publisher.run(stop.fd());
             }});
}

}  // namespace tristar::publisher
