#pragma once
// The life of every daemon's main (tristar-gatewayd, tristar-publisher, tristar-bridge): parse
// the command line (--help and --version exit 0, a usage error 2), resolve the config and set up
// logging (a bad config: "<program>: <error>" on stderr, exit 2), answer --check-config, then
// serve (an exception: logged as critical, exit 1). Also the options the daemons share, so each
// spells them, and checks them, the same way.
#include <CLI/CLI.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/base/logging.h"

namespace tristar {

inline constexpr int exit_runtime = 1;
inline constexpr int exit_usage = 2;

struct DaemonSteps {
    std::string_view program;         // "tristar-bridge"
    std::function<void()> configure;  // resolve the config, set up logging; throws
    std::function<std::optional<std::string>()>
        checked;                 // --check-config's line, when it was asked
    std::function<int()> serve;  // the exit code once stopped
};

// Adds --version, then runs the steps.
int daemon_main(CLI::App& app, int argc, char** argv, const DaemonSteps& steps);

// Every daemon: -c/--config FILE, --log-level, --log-plain, --check-config.
struct DaemonOptions {
    std::optional<std::string> config_file;
    std::optional<std::string> log_level;
    bool log_plain = false;
    bool check_config = false;
};
// -c/--config (the file must exist); `help` names the tables it holds.
void add_config_option(CLI::App& app, DaemonOptions& options, const std::string& help);
// --log-level, --log-plain and --check-config; `plain_help` says which supervisors add the time.
void add_log_options(
    CLI::App& app, DaemonOptions& options,
    const std::string& plain_help = "log without timestamps (for multilog/journald)");
// DaemonSteps::configure for a daemon whose config holds log_level and log_plain: `config` is set
// to what `resolve` returns, then logging is set up from it.
template <typename Config, typename Resolve>
std::function<void()> configure_step(Config& config, Resolve resolve) {
    return [&config, resolve] {
        config = resolve();
        setup_logging(config.log_level, config.log_plain);
    };
}

// DaemonSteps::checked for a daemon whose only early exit is --check-config: `summary` then.
std::function<std::optional<std::string>()> check_config_step(const DaemonOptions& options,
                                                              std::function<std::string()> summary);
// The log options over the config's.
void apply_log_options(const DaemonOptions& options, std::string& level, bool& plain);

// The gateway's clients (tristar-bridge, tristar-publisher): -g/--gateway, and the CURVE key
// files --server-key (server_public_key_file) and --key (client_secret_key_file).
struct GatewayClientOptions {
    std::optional<std::string> gateway;
    std::optional<std::string> server_key;
    std::optional<std::string> key;
};
void add_gateway_option(CLI::App& app, GatewayClientOptions& options);
void add_key_options(CLI::App& app, GatewayClientOptions& options);
// The options over the config's; a ConfigError when only one of the two key files is left set.
void apply_gateway_client_options(const GatewayClientOptions& options, std::string& gateway,
                                  std::string& server_public_key_file,
                                  std::string& client_secret_key_file);

}  // namespace tristar
