#include "tests/bench/bridge_process.h"

#include <stdexcept>

#include "tests/bench/processes.h"

namespace tristar::bench {
namespace {

constexpr std::chrono::seconds startup_timeout{10};

}  // namespace

BridgeProcess::BridgeProcess(const test::TempDir& dir, const std::string& name,
                             const std::string& gateway, std::chrono::milliseconds max_age,
                             const std::string& executable)
    : log_file_(dir.file(name + ".log")) {
    process_ = std::make_unique<test::Process>(
        std::vector<std::string>{executable.empty() ? test::executable("tristar-bridge") : executable,
                                 "--listen", "127.0.0.1:0",
                                 "--gateway", gateway, "--max-age-ms", std::to_string(max_age.count()),
                                 "--log-level", "warn"},
        log_file_);
    // tcp://127.0.0.1:PORT once it listens.
    const auto line = process_->read_line(startup_timeout);
    const auto colon = line ? line->rfind(':') : std::string::npos;
    if (colon == std::string::npos) {
        stop_and_check(*process_, "tristar-bridge", log_file_);
        throw std::runtime_error("tristar-bridge did not report its address");
    }
    port_ = static_cast<std::uint16_t>(std::stoi(line->substr(colon + 1)));
}

BridgeProcess::~BridgeProcess() { stop_and_check(*process_, "tristar-bridge", log_file_); }

}  // namespace tristar::bench
