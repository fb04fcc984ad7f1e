#pragma once
// tristar-bridge for benchmark h: a Modbus-TCP server on an ephemeral loopback port in front of
// the bench's gateway, log level warn. Ready once it printed its address (its first stdout
// line); stopped by its pid when the object goes.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "tests/bench/processes.h"
#include "tests/support/temp_dir.h"

namespace tristar::bench {

class BridgeProcess {
  public:
    // `name` tells apart the logs of several bridges in one temp dir.
    // `executable`: another tristar-bridge; empty: this build tree's.
    BridgeProcess(const test::TempDir& dir, const std::string& name, const std::string& gateway,
                  std::chrono::milliseconds max_age, const std::string& executable = {});

    std::uint16_t tcp_port() const { return port_; }
    pid_t pid() const { return child_->pid(); }

  private:
    std::unique_ptr<BenchChild> child_;
    std::uint16_t port_ = 0;
};

}  // namespace tristar::bench
