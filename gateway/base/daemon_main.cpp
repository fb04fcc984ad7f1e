#include "gateway/base/daemon_main.h"

#include <spdlog/spdlog.h>

#include <iostream>

#include "gateway/base/config_file.h"
#include "gateway/base/logging.h"
#include "gateway/base/version.h"

namespace tristar {

int daemon_main(CLI::App& app, int argc, char** argv, const DaemonSteps& steps) {
    app.set_version_flag("--version", version);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : exit_usage;
    }
    try {
        steps.configure();
    } catch (const std::exception& e) {
        std::cerr << steps.program << ": " << e.what() << '\n';
        return exit_usage;
    }
    if (const auto line = steps.checked()) {
        std::cout << *line << '\n';
        return 0;
    }
    try {
        return steps.serve();
    } catch (const std::exception& e) {
        spdlog::critical("{}: {}", steps.program, e.what());
        return exit_runtime;
    }
}

void add_config_option(CLI::App& app, DaemonOptions& options, const std::string& help) {
    app.add_option("-c,--config", options.config_file, help)->check(CLI::ExistingFile);
}

void add_log_options(CLI::App& app, DaemonOptions& options, const std::string& plain_help) {
    app.add_option("--log-level", options.log_level,
                   std::string{"log level: "} + log_level_names());
    app.add_flag("--log-plain", options.log_plain, plain_help);
    app.add_flag("--check-config", options.check_config, "validate the configuration and exit");
}

std::function<std::optional<std::string>()> check_config_step(
    const DaemonOptions& options, std::function<std::string()> summary) {
    return [&options, summary = std::move(summary)]() -> std::optional<std::string> {
        if (!options.check_config) return std::nullopt;
        return summary();
    };
}

void apply_log_options(const DaemonOptions& options, std::string& level, bool& plain) {
    if (options.log_level) level = *options.log_level;
    if (options.log_plain) plain = true;
}

void add_gateway_option(CLI::App& app, GatewayClientOptions& options) {
    app.add_option("-g,--gateway", options.gateway,
                   "the gateway's ZeroMQ endpoint (default tcp://127.0.0.1:5555)");
}

void add_key_options(CLI::App& app, GatewayClientOptions& options) {
    app.add_option("--server-key", options.server_key,
                   "CURVE: the gateway's public key file (server_public_key_file), with --key");
    app.add_option("--key", options.key,
                   "CURVE: this client's secret key file (client_secret_key_file)");
}

void apply_gateway_client_options(const GatewayClientOptions& options, std::string& gateway,
                                  std::string& server_public_key_file,
                                  std::string& client_secret_key_file) {
    if (options.gateway) gateway = *options.gateway;
    if (options.server_key) server_public_key_file = *options.server_key;
    if (options.key) client_secret_key_file = *options.key;
    if (server_public_key_file.empty() != client_secret_key_file.empty())
        throw ConfigError("command line", 0, options.key ? "--server-key" : "--key",
                          "CURVE needs both the gateway's public key (--server-key) and this "
                          "client's secret key (--key)");
}

}  // namespace tristar
