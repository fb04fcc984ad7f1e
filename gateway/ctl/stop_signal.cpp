#include "gateway/ctl/stop_signal.h"

#include <poll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <system_error>

namespace tristar::ctl {

StopSignal::StopSignal() {
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    if (pthread_sigmask(SIG_BLOCK, &mask, &old_mask_) != 0) {
        throw std::system_error(errno, std::generic_category(), "pthread_sigmask");
    }
    fd_ = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    if (fd_ < 0) {
        const int error = errno;
        pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
        throw std::system_error(error, std::generic_category(), "signalfd");
    }
}

StopSignal::~StopSignal() {
    close(fd_);
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
}

bool StopSignal::check() {
    signalfd_siginfo info{};
    while (read(fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) stopped_ = true;
    return stopped_;
}

bool StopSignal::wait(std::chrono::milliseconds timeout) {
    pollfd item{fd_, POLLIN, 0};
    const auto ms =
        static_cast<int>(std::clamp<std::chrono::milliseconds::rep>(timeout.count(), 0, INT_MAX));
    if (poll(&item, 1, ms) < 0 && errno != EINTR) {
        throw std::system_error(errno, std::generic_category(), "poll");
    }
    return check();
}

}  // namespace tristar::ctl
