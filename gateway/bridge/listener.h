#pragma once
// Listener: the bridge's listening TCP socket (non-blocking). Accepted connections come out
// non-blocking with TCP_NODELAY, so a response leaves at once instead of waiting for Nagle.
#include <optional>
#include <string>

#include "gateway/base/unique_fd.h"
#include "gateway/bridge/config.h"

namespace tristar::bridge {

struct Accepted {
    UniqueFd fd;
    std::string peer;  // "127.0.0.1:41234", for logs
    std::string host;  // "127.0.0.1", for the per-address cap
};

class Listener {
  public:
    // Binds and listens; throws std::runtime_error when it cannot (address in use, bad host).
    explicit Listener(const ListenAddress& address);

    int fd() const { return fd_.get(); }
    // The address actually bound (port 0 resolved), as tcp://HOST:PORT.
    std::string endpoint() const;
    // The next waiting connection, or nothing when none is waiting.
    std::optional<Accepted> accept();

  private:
    ListenAddress address_;
    UniqueFd fd_;
};

}  // namespace tristar::bridge
