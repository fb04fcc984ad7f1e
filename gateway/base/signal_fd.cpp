#include "gateway/base/signal_fd.h"

#include <poll.h>
#include <sys/signalfd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <csignal>
#include <system_error>

namespace tristar {

SignalFd::SignalFd(Options options) : restore_mask_(options.restore_mask) {
    if (options.ignore_sigpipe) std::signal(SIGPIPE, SIG_IGN);
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    // pthread_sigmask returns the error; it does not set errno.
    if (const int error = pthread_sigmask(SIG_BLOCK, &mask, &old_mask_); error != 0) {
        throw std::system_error(error, std::generic_category(), "pthread_sigmask");
    }
    fd_.reset(signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC));
    if (!fd_) {
        const int error = errno;
        if (restore_mask_) pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
        throw std::system_error(error, std::generic_category(), "signalfd");
    }
}

SignalFd::~SignalFd() {
    fd_.reset();
    if (restore_mask_) pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
}

std::optional<int> SignalFd::read() {
    signalfd_siginfo info{};
    if (::read(fd_.get(), &info, sizeof info) != static_cast<ssize_t>(sizeof info)) {
        return std::nullopt;
    }
    stopped_ = true;
    return static_cast<int>(info.ssi_signo);
}

bool SignalFd::check() {
    while (read()) {
    }
    return stopped_;
}

bool SignalFd::wait(std::chrono::milliseconds timeout) {
    pollfd item{fd_.get(), POLLIN, 0};
    const auto ms =
        static_cast<int>(std::clamp<std::chrono::milliseconds::rep>(timeout.count(), 0, INT_MAX));
    if (poll(&item, 1, ms) < 0 && errno != EINTR) {
        throw std::system_error(errno, std::generic_category(), "poll");
    }
    return check();
}

}  // namespace tristar
