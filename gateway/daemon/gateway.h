#pragma once
// Gateway: wires the front loop to the link worker. No logic of its own.
#include <functional>
#include <string>
#include <vector>

#include "gateway/daemon/config.h"

namespace tristar::gateway {

class Gateway {
  public:
    explicit Gateway(Config config);

    // Blocks SIGINT/SIGTERM (they arrive on a signalfd), binds, calls on_ready with the bound
    // endpoints, then serves until a signal. Returns the process exit code.
    int run(const std::function<void(const std::vector<std::string>&)>& on_ready);

  private:
    Config config_;
};

}  // namespace tristar::gateway
