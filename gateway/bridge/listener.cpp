#include "gateway/bridge/listener.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "gateway/base/tcp_listen.h"

namespace tristar::bridge {
namespace {

constexpr int listen_backlog = 64;

// The peer as "HOST:PORT" and its host alone.
std::pair<std::string, std::string> peer_name(const sockaddr_storage& addr, socklen_t len) {
    std::array<char, NI_MAXHOST> host{};
    std::array<char, NI_MAXSERV> serv{};
    if (getnameinfo(reinterpret_cast<const sockaddr*>(&addr), len, host.data(), host.size(),
                    serv.data(), serv.size(), NI_NUMERICHOST | NI_NUMERICSERV) != 0)
        return {"unknown peer", "unknown"};
    return {std::string(host.data()) + ":" + serv.data(), host.data()};
}

}  // namespace

Listener::Listener(const ListenAddress& address)
    : address_(address),
      fd_(listen_tcp(address.host, address.port, listen_backlog, listen_text(address))) {
    address_.port = bound_port(fd_.get());
}

std::string Listener::endpoint() const {
    return listen_text(address_);
}

std::optional<Accepted> Listener::accept() {
    for (;;) {
        sockaddr_storage addr{};
        socklen_t len = sizeof addr;
        UniqueFd fd(::accept4(fd_.get(), reinterpret_cast<sockaddr*>(&addr), &len,
                              SOCK_NONBLOCK | SOCK_CLOEXEC));
        if (fd) {
            const int one = 1;
            setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            auto [peer, host] = peer_name(addr, len);
            return Accepted{std::move(fd), std::move(peer), std::move(host)};
        }
        // A connection reset before we took it is gone; try the next one.
        if (errno != ECONNABORTED && errno != EINTR) return std::nullopt;
    }
}

}  // namespace tristar::bridge
