#pragma once
// tristar-sim's command line: what to serve where, the device's identity and day, and the quirks.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/base/host_port.h"
#include "gateway/sim/device_model.h"
#include "gateway/sim/quirks.h"
#include "gateway/sim/refusals.h"
#include "proto/modbus/framing.h"

namespace tristar::sim {

using tristar::HostPort;

// "127.0.0.1:502", "localhost:0", "[::1]:1502"; nothing if malformed (tristar::parse_host_port).
std::optional<HostPort> parse_host_port(std::string_view text);

struct SimOptions {
    std::optional<HostPort> tcp;
    std::optional<std::string> rtu;
    modbus::SerialFormat serial;
    ModelConfig model;
    QuirkConfig quirks;
    bool accept_fc16 = false;
    RefusalConfig refusals;
    std::optional<std::string> stats_path;
    std::string log_level = "info";
};

// Declares every option on `app`, writing into `options` when parsed.
void add_options(CLI::App& app, SimOptions& options);

}  // namespace tristar::sim
