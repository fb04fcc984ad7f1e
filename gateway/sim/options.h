#pragma once
// tristar-sim's command line: the one device it simulates (where it is served, its identity and
// day, its quirks), or --config naming a file of several (sim_config.h); the stats file, the
// control FIFO and the log level. A config file's [[device]] tables are read with the same
// per-device options, so both ways check every value alike.
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

// One simulated TriStar: its name, where it is served and how it behaves.
struct DeviceOptions {
    std::string name = "device";  // the control commands' name for it; a config file names each
    std::optional<HostPort> tcp;
    std::optional<std::string> rtu;
    modbus::SerialFormat serial;  // the RTU line's, and --wire-time's
    ModelConfig model;
    QuirkConfig quirks;
    bool accept_fc16 = false;
    RefusalConfig refusals;
};

struct SimOptions {
    DeviceOptions device;                    // the command line's one device
    std::optional<std::string> config_path;  // --config: the devices come from this file instead
    std::optional<std::string> control_path;
    std::optional<std::string> stats_path;
    std::string log_level = "info";
};

// Declares the per-device options (--tcp ... --accept-fc16) on `app`, writing into `device`
// when parsed.
void add_device_options(CLI::App& app, DeviceOptions& device);
// Declares every option on `app`, the device's in a group; parsing fails (CLI::ParseError) when
// --config comes with device options, or neither --config nor --tcp/--rtu is given.
void add_options(CLI::App& app, SimOptions& options);

}  // namespace tristar::sim
