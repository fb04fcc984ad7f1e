#pragma once
// App: tristar-ctl's command line (CLI11) wired to the commands. Only wiring: parsing of values
// and all behaviour live in the command files.
#include <memory>

namespace tristar::ctl {

class App {
  public:
    App();
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    // Parses and runs the chosen command; returns the exit code. CLI11's own errors (and --help)
    // are printed here and map to exit_usage (0 for --help). UsageError and GatewayError are
    // thrown for main() to report.
    int run(int argc, const char* const* argv);
    // Whether --json was given (valid once run() has parsed the command line).
    bool json() const;

    struct Parts;  // CLI11 and the parsed values, kept out of this header

  private:
    std::unique_ptr<Parts> parts_;
};

}  // namespace tristar::ctl
