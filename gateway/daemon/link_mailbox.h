#pragma once
// LinkMailbox: the one-slot hand-off between the front loop and the link worker. The front
// posts one request when the link is idle; the worker takes it, runs it and puts the result
// back, which makes result_fd() (an eventfd) readable in the front loop's poll set. Nothing is
// serialised or copied through a socket: request and result live in the slot.
// docs/architecture.md has the measurement against an inproc PAIR socket that chose it.
#include <condition_variable>
#include <mutex>
#include <optional>

#include "gateway/base/unique_fd.h"
#include "gateway/daemon/link_types.h"

namespace tristar::gateway {

class LinkMailbox {
  public:
    LinkMailbox();  // throws std::system_error when no eventfd can be had
    LinkMailbox(const LinkMailbox&) = delete;
    LinkMailbox& operator=(const LinkMailbox&) = delete;

    // Front loop side.
    int result_fd() const { return event_.get(); }
    void post(const LinkRequest& request);
    // The result, once result_fd() was readable; nothing when it was not (spurious wake).
    std::optional<LinkResult> collect();
    void stop();  // the worker's next take() returns nothing

    // Worker side: blocks until a request or stop().
    std::optional<LinkRequest> take();
    void reply(const LinkResult& result);

  private:
    std::mutex mutex_;
    std::condition_variable wake_;
    std::optional<LinkRequest> request_;
    std::optional<LinkResult> result_;
    bool stopping_ = false;
    UniqueFd event_;
};

}  // namespace tristar::gateway
