// tristar-bridge's command line: an optional TOML config ([bridge] table) plus overrides.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>
#include <optional>

#include "gateway/bridge/bridge.h"
#include "gateway/base/config_file.h"
#include "gateway/base/daemon_main.h"
#include "gateway/base/logging.h"
#include "gateway/base/signal_fd.h"
#include "gateway/base/version.h"

namespace tristar::bridge {
namespace {


struct CommandLine {
    std::optional<std::string> config_file;
    std::optional<std::string> listen;
    std::optional<std::string> gateway;
    std::optional<std::string> server_key;  // CURVE: server_public_key_file
    std::optional<std::string> key;         // CURVE: client_secret_key_file
    std::optional<int> max_age_ms;
    std::optional<int> scaled_unit;
    std::optional<int> gateway_timeout_ms;
    std::optional<std::string> log_level;
    bool log_plain = false;
    bool check_config = false;
};

void add_options(CLI::App& app, CommandLine& line) {
    app.add_option("-c,--config", line.config_file, "TOML config file ([bridge] table)")
        ->check(CLI::ExistingFile);
    app.add_option("-l,--listen", line.listen,
                   "Modbus-TCP address to serve, HOST:PORT (default 0.0.0.0:5020; port 0 = any)");
    app.add_option("-g,--gateway", line.gateway,
                   "the gateway's ZeroMQ endpoint (default tcp://127.0.0.1:5555)");
    app.add_option("--max-age-ms", line.max_age_ms,
                   "reads accept cached values this young (default 1000)")
        ->check(CLI::Range(0, 600000));
    app.add_option("--scaled-unit", line.scaled_unit,
                   "unit id of the float32 scaled view; 0 = off (default 2)")
        ->check(CLI::Range(0, 247));
    app.add_option("--gateway-timeout-ms", line.gateway_timeout_ms,
                   "answer 0x0B when the gateway does not reply within this (default 3000)")
        ->check(CLI::Range(100, 60000));
    app.add_option("--server-key", line.server_key,
                   "CURVE: the gateway's public key file (server_public_key_file), with --key");
    app.add_option("--key", line.key, "CURVE: this client's secret key file (client_secret_key_file)");
    app.add_option("--log-level", line.log_level, std::string{"log level: "} + log_level_names());
    app.add_flag("--log-plain", line.log_plain, "log without timestamps (for multilog/journald)");
    app.add_flag("--check-config", line.check_config, "validate the configuration and exit");
    app.set_version_flag("--version", version);
}

BridgeConfig resolve(const CommandLine& line) {
    BridgeConfig config = line.config_file ? load_bridge_config(*line.config_file) : BridgeConfig{};
    if (line.listen) {
        try {
            config.listen = parse_listen(*line.listen);
        } catch (const std::invalid_argument& e) {
            throw ConfigError("command line", 0, "--listen", e.what());
        }
    }
    if (line.gateway) config.gateway = *line.gateway;
    if (line.server_key) config.server_public_key_file = *line.server_key;
    if (line.key) config.client_secret_key_file = *line.key;
    if (config.server_public_key_file.empty() != config.client_secret_key_file.empty())
        throw ConfigError("command line", 0, line.key ? "--server-key" : "--key",
                          "CURVE needs both the gateway's public key (--server-key) and this client's secret key (--key)");
    if (line.max_age_ms) config.max_age = milliseconds{*line.max_age_ms};
    if (line.scaled_unit) config.scaled_unit = *line.scaled_unit;
    if (line.gateway_timeout_ms) config.gateway_timeout = milliseconds{*line.gateway_timeout_ms};
    if (line.log_level) config.log_level = *line.log_level;
    if (line.log_plain) config.log_plain = true;
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
                        .configure =
                            [&] {
                                config = resolve(line);
                                setup_logging(config.log_level, config.log_plain);
                            },
                        .checked = [&]() -> std::optional<std::string> {
                            if (!line.check_config) return std::nullopt;
                            return "configuration ok: listen " + listen_text(config.listen) +
                                   ", gateway " + config.gateway;
                        },
                        .serve = [&] { return serve(config); }});
}

}  // namespace tristar::bridge
