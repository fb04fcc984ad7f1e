#pragma once
// The life of every daemon's main (tristar-gatewayd, tristar-publisher, tristar-bridge): parse
// the command line (--help and --version exit 0, a usage error 2), resolve the config and set up
// logging (a bad config: "<program>: <error>" on stderr, exit 2), answer --check-config, then
// serve (an exception: logged as critical, exit 1).
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

namespace tristar {

inline constexpr int exit_runtime = 1;
inline constexpr int exit_usage = 2;

struct DaemonSteps {
    std::string_view program;                              // "tristar-bridge"
    std::function<void()> configure;                       // resolve the config, set up logging; throws
    std::function<std::optional<std::string>()> checked;  // --check-config's line, when it was asked
    std::function<int()> serve;                            // the exit code once stopped
};

int daemon_main(CLI::App& app, int argc, char** argv, const DaemonSteps& steps);

}  // namespace tristar
