#pragma once
// A pair of connected pseudo-terminals made by socat, for RTU over a pty: the simulator on one
// end, the gateway on the other. socat is stopped by its pid with the pair. No doctest here, so
// the bench links it too.
#include <memory>
#include <string>

#include "tests/support/process.h"

namespace tristar::test {

// A pair of connected pseudo-terminals made by socat.
class PtyPair {
  public:
    PtyPair();
    std::string first;   // the simulator's end
    std::string second;  // the gateway's end

  private:
    std::unique_ptr<Process> socat_;
};

}  // namespace tristar::test
