#pragma once
// SIGINT and SIGTERM as a pollable fd (signalfd): the signals are blocked in the creating thread
// (threads started afterwards, ZeroMQ's I/O threads included, inherit the mask) and read in the
// loop, so shutdown happens between transactions, never inside one. Create it before any thread
// or socket. Owns the fd; on request it also ignores SIGPIPE, or restores the old signal mask on
// destruction (for a command that stops waiting but keeps running, such as `tristar-ctl watch`).
#include <signal.h>

#include <chrono>
#include <optional>

#include "gateway/base/unique_fd.h"

namespace tristar {

class SignalFd {
  public:
    struct Options {
        bool ignore_sigpipe = true;  // a daemon: a peer that hangs up is an error value, not death
        bool restore_mask = false;   // unblock SIGINT/SIGTERM again when destroyed
    };

    SignalFd() : SignalFd(Options{}) {}
    explicit SignalFd(Options options);  // throws std::system_error on failure
    ~SignalFd();
    SignalFd(const SignalFd&) = delete;
    SignalFd& operator=(const SignalFd&) = delete;

    int fd() const { return fd_.get(); }
    // The signal that arrived, if any (one is consumed).
    std::optional<int> read();
    // Consumes every pending signal; true once one has arrived.
    bool check();
    bool stopped() const { return stopped_; }
    // Waits up to `timeout`; true when a signal arrived (now or before).
    bool wait(std::chrono::milliseconds timeout);

  private:
    UniqueFd fd_;
    bool stopped_ = false;
    bool restore_mask_ = false;
    sigset_t old_mask_{};
};

}  // namespace tristar
