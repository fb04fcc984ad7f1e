#include "gateway/bridge/cli.h"

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>
#include <optional>

#include "gateway/base/config_file.h"
#include "gateway/base/daemon_main.h"
#include "gateway/base/logging.h"
#include "gateway/base/signal_fd.h"
#include "gateway/bridge/bridge.h"

namespace tristar::bridge {
namespace {

struct CommandLine {
    DaemonOptions daemon;
    GatewayClientOptions client;
    std::optional<std::string> listen;
    std::optional<int> max_age_ms;
    std::optional<int> scaled_unit;
    std::optional<int> gateway_timeout_ms;
};

void add_options(CLI::App& app, CommandLine& line) {
    add_config_option(app, line.daemon, "TOML config file ([bridge] table)");
    app.add_option("-l,--listen", line.listen,
                   "Modbus-TCP address to serve, HOST:PORT (default 0.0.0.0:5020; port 0 = any)");
    add_gateway_option(app, line.client);
    app.add_option("--max-age-ms", line.max_age_ms,
                   "reads accept cached values this young (default 1000)")
        ->check(CLI::Range(0, 600000));
    app.add_option("--scaled-unit", line.scaled_unit,
                   "unit id of the float32 scaled view; 0 = off (default 2)")
        ->check(CLI::Range(0, 247));
    app.add_option("--gateway-timeout-ms", line.gateway_timeout_ms,
                   "answer 0x0B when the gateway does not reply within this (default 3000)")
        ->check(CLI::Range(100, 60000));
    add_key_options(app, line.client);
    add_log_options(app, line.daemon);
}

BridgeConfig resolve(const CommandLine& line) {
    const auto& file = line.daemon.config_file;
    BridgeConfig config = file ? load_bridge_config(*file) : BridgeConfig{};
    if (line.listen) {
        try {
            config.listen = parse_listen(*line.listen);
        } catch (const std::invalid_argument& e) {
            throw ConfigError("command line", 0, "--listen", e.what());
        }
    }
    apply_gateway_client_options(line.client, config.gateway, config.server_public_key_file,
                                 config.client_secret_key_file);
    if (line.max_age_ms) config.max_age = milliseconds{*line.max_age_ms};
    if (line.scaled_unit) config.scaled_unit = *line.scaled_unit;
    if (line.gateway_timeout_ms) config.gateway_timeout = milliseconds{*line.gateway_timeout_ms};
    apply_log_options(line.daemon, config.log_level, config.log_plain);
    check_bridge_config(config, "command line");
    return config;
}

int serve(const BridgeConfig& config) {
    // SIGTERM and SIGINT arrive as a readable fd, so the loop stops between two steps; blocked
    // before the ZeroMQ context starts its threads, which inherit the mask.
    const SignalFd stop;
    zmq::context_t context(1);
    Bridge bridge(config, context);
    // Readiness for supervisors and tests: the bound address, first line of stdout.
    std::cout << bridge.endpoint() << std::endl;
    return bridge.run(stop.fd());
}

}  // namespace

int bridge_main(int argc, char** argv) {
    CLI::App app{
        "tristar-bridge: a Modbus-TCP server for Home Assistant and other masters, through "
        "tristar-gatewayd"};
    CommandLine line;
    add_options(app, line);
    BridgeConfig config;
    return daemon_main(app, argc, argv,
                       {.program = "tristar-bridge",
                        .configure = configure_step(config, [&] { return resolve(line); }),
                        .checked = check_config_step(line.daemon,
                                                     [&] {
                                                         return "configuration ok: listen " +
                                                                listen_text(config.listen) +
                                                                ", gateway " + config.gateway;
                                                     }),
                        .serve = [&] { return serve(config); }});
}

}  // namespace tristar::bridge
