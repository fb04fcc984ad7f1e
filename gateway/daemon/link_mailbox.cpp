#include "gateway/daemon/link_mailbox.h"

#include <sys/eventfd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>

namespace tristar::gateway {

LinkMailbox::LinkMailbox() : event_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    if (!event_) throw std::system_error(errno, std::generic_category(), "eventfd");
}

void LinkMailbox::post(const LinkRequest& request) {
    {
        std::lock_guard lock(mutex_);
        request_ = request;
    }
    wake_.notify_one();
}

std::optional<LinkResult> LinkMailbox::collect() {
    std::uint64_t count = 0;
    if (::read(event_.get(), &count, sizeof count) != sizeof count) return std::nullopt;
    std::lock_guard lock(mutex_);
    return std::exchange(result_, std::nullopt);
}

void LinkMailbox::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
}

std::optional<LinkRequest> LinkMailbox::take() {
    std::unique_lock lock(mutex_);
    wake_.wait(lock, [this] { return stopping_ || request_.has_value(); });
    if (stopping_) return std::nullopt;
    return std::exchange(request_, std::nullopt);
}

void LinkMailbox::reply(const LinkResult& result) {
    {
        std::lock_guard lock(mutex_);
        result_ = result;
    }
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(event_.get(), &one, sizeof one);
}

}  // namespace tristar::gateway
