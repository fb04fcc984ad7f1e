#pragma once
// tristar-bridge's command line: an optional TOML config ([bridge] table) plus overrides, then
// the bridge until SIGINT or SIGTERM.

namespace tristar::bridge {

// Runs tristar-bridge with argv; returns the exit code (0 ok, 1 runtime failure, 2 usage).
int bridge_main(int argc, char** argv);

}  // namespace tristar::bridge
