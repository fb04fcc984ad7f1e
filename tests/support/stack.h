#pragma once
// The product's processes as test fixtures: the simulator (TCP or RTU over a socat pty pair)
// and the gateway, each started on ephemeral ports in a temp dir and stopped by pid.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/pty_pair.h"
#include "tests/support/temp_dir.h"

namespace tristar::test {

struct SimOptions {
    bool rtu = false;
    bool frozen = true;
    std::vector<std::string> extra;  // quirk switches
};

class Sim {
  public:
    Sim(const TempDir& dir, SimOptions options = {});
    ~Sim();  // stops the simulator and checks that it exited cleanly (0, no sanitizer report)
    const std::string& uri() const { return uri_; }  // tcp://127.0.0.1:PORT or rtu:///dev/pts/N
    // A number from the stats file (rewritten by the sim at least once a second).
    std::optional<std::int64_t> stat(const std::string& key) const;
    // Stops the sim (stats written at exit) and returns the final figure.
    std::int64_t final_stat(const std::string& key);
    Process& process() { return *process_; }
    std::string stats_text() const;

  private:
    std::unique_ptr<PtyPair> pty_;
    std::unique_ptr<Process> process_;
    std::string log_file_;
    std::string stats_file_;
    std::string uri_;
};

class Gatewayd {
  public:
    // `device` as the gateway's --device (none when empty: the config's [[devices]]), `toml` the
    // whole config file (test_config() by default).
    Gatewayd(const TempDir& dir, const std::string& device,
             const std::string& toml = test_config());
    ~Gatewayd();  // stops the gateway and checks that it exited cleanly
    // The defaults a user runs; only the log is quieter (warnings).
    static std::string test_config();
    const std::string& endpoint() const { return endpoint_; }
    Process& process() { return *process_; }

  private:
    std::unique_ptr<Process> process_;
    std::string log_file_;
    std::string endpoint_;
};

// Stops `process` and checks it exited with 0; shows the end of its log otherwise.
void stop_cleanly(Process& process, const std::string& log_file);

// The integer after "key": in a flat JSON text; nothing when absent.
std::optional<std::int64_t> json_number(const std::string& json, const std::string& key);

}  // namespace tristar::test
