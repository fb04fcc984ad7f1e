#pragma once
// SIGINT and SIGTERM as a pollable fd (signalfd): the signals are blocked for the process and
// read in the loop, so shutdown happens between transactions, never inside one.
#include <optional>

#include "gateway/base/unique_fd.h"

namespace tristar {

class SignalFd {
  public:
    SignalFd();  // blocks SIGINT and SIGTERM, ignores SIGPIPE; throws on failure
    int fd() const { return fd_.get(); }
    // The signal that arrived, if any.
    std::optional<int> read();

  private:
    UniqueFd fd_;
};

}  // namespace tristar
