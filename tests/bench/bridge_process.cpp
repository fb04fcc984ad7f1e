#include "tests/bench/bridge_process.h"

#include <stdexcept>

namespace tristar::bench {

BridgeProcess::BridgeProcess(const test::TempDir& dir, const std::string& name,
                             const std::string& gateway, std::chrono::milliseconds max_age,
                             const std::string& executable)
    : child_(std::make_unique<BenchChild>(
          std::vector<std::string>{program(executable, "tristar-bridge"), "--listen", "127.0.0.1:0",
                                   "--gateway", gateway, "--max-age-ms",
                                   std::to_string(max_age.count()), "--log-level", "warn"},
          dir.file(name + ".log"), "tristar-bridge")) {
    // tcp://127.0.0.1:PORT once it listens.
    const auto line = child_->first_line();
    const auto colon = line.rfind(':');
    if (colon == std::string::npos) {
        child_->stop();
        throw std::runtime_error("tristar-bridge did not report its address");
    }
    port_ = static_cast<std::uint16_t>(std::stoi(line.substr(colon + 1)));
}

}  // namespace tristar::bench
