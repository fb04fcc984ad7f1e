#pragma once
// StopSignal: SIGINT and SIGTERM as a pollable fd (signalfd), for `watch`, which must leave
// cleanly on Ctrl-C while it waits for replies or for the next refresh. Owns the fd and the
// blocked signal mask; both are restored on destruction. Create it before any socket, so every
// thread (ZeroMQ's I/O threads included) inherits the blocked mask.
#include <signal.h>

#include <chrono>

namespace tristar::ctl {

class StopSignal {
  public:
    StopSignal();
    ~StopSignal();
    StopSignal(const StopSignal&) = delete;
    StopSignal& operator=(const StopSignal&) = delete;

    int fd() const { return fd_; }
    // Consumes a pending signal, if any; true once one has arrived.
    bool check();
    bool stopped() const { return stopped_; }
    // Waits up to `timeout`; true when a stop signal arrived.
    bool wait(std::chrono::milliseconds timeout);

  private:
    int fd_ = -1;
    bool stopped_ = false;
    sigset_t old_mask_{};
};

}  // namespace tristar::ctl
