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

namespace tristar::bridge {
namespace {

constexpr int listen_backlog = 64;

struct AddrInfo {
    addrinfo* list = nullptr;
    ~AddrInfo() {
        if (list != nullptr) freeaddrinfo(list);
    }
};

UniqueFd bind_listen(const ListenAddress& address) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    AddrInfo found;
    const std::string service = std::to_string(address.port);
    const int rc = getaddrinfo(address.host.c_str(), service.c_str(), &hints, &found.list);
    if (rc != 0)
        throw std::runtime_error("cannot resolve " + address.host + ": " + gai_strerror(rc));
    std::string error = "no address";
    for (const addrinfo* ai = found.list; ai != nullptr; ai = ai->ai_next) {
        UniqueFd fd(::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        const int one = 1;
        if (fd) setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (fd && ::bind(fd.get(), ai->ai_addr, ai->ai_addrlen) == 0 &&
            ::listen(fd.get(), listen_backlog) == 0)
            return fd;
        error = std::strerror(errno);
    }
    throw std::runtime_error("cannot listen on " + listen_text(address) + ": " + error);
}

std::uint16_t bound_port(int fd) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return 0;
    if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
    return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
}

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

Listener::Listener(const ListenAddress& address) : address_(address), fd_(bind_listen(address)) {
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
