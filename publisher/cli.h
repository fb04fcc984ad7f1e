#pragma once
// tristar-publisher's command line: an optional TOML config ([publisher] table) plus overrides,
// then the publisher until SIGINT or SIGTERM.

namespace tristar::publisher {

// Runs tristar-publisher with argv; returns the exit code (0 ok, 1 runtime failure, 2 usage).
int publisher_main(int argc, char** argv);

}  // namespace tristar::publisher
