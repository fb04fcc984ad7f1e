#pragma once
// The gateway's command line (design.md 3.7): a config file plus overrides.
#include <optional>
#include <string>
#include <vector>

#include "gateway/base/daemon_main.h"
#include "gateway/daemon/config.h"

namespace tristar::gateway {

struct CommandLine {
    DaemonOptions daemon;  // --config, --log-level, --log-plain, --check-config
    std::optional<std::string> device;
    std::vector<std::string> endpoints;
    std::optional<int> unit;
    std::optional<std::string> gen_key;  // BASE: write BASE.key and BASE.pub, then exit
};

// The config file's settings with the command line's overrides applied. Throws ConfigError.
Config resolve_config(const CommandLine& line);

// Runs tristar-gatewayd with argv; returns the exit code (0 ok, 1 runtime failure, 2 usage or
// config error).
int gatewayd_main(int argc, char** argv);

}  // namespace tristar::gateway
