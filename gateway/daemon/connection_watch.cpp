#include "gateway/daemon/connection_watch.h"

#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <atomic>
#include <cstdint>
#include <cstring>

namespace tristar::gateway {
namespace {

// The local port of a TCP socket, 0 for anything else.
std::uint16_t local_port(int fd) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return 0;
    if (address.ss_family == AF_INET)
        return ntohs(reinterpret_cast<const sockaddr_in&>(address).sin_port);
    if (address.ss_family == AF_INET6)
        return ntohs(reinterpret_cast<const sockaddr_in6&>(address).sin6_port);
    return 0;
}

bool is_unix_socket(int fd) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    return ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0 &&
           address.ss_family == AF_UNIX;
}

// "tcp://127.0.0.1:5555" -> 5555; 0 when there is no port.
std::uint16_t endpoint_port(const std::string& endpoint) {
    if (!endpoint.starts_with("tcp://")) return 0;
    const auto colon = endpoint.rfind(':');
    try {
        return static_cast<std::uint16_t>(std::stoul(endpoint.substr(colon + 1)));
    } catch (const std::exception&) {
        return 0;
    }
}

std::string monitor_address() {
    static std::atomic<int> next{0};
    return "inproc://tristar-router-monitor-" + std::to_string(next++);
}

}  // namespace

std::size_t connection_bound(std::size_t configured, std::size_t reserve) {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
        return configured;
    const auto soft = static_cast<std::size_t>(limit.rlim_cur);
    const std::size_t room = soft > 2 * reserve ? soft - reserve : soft / 2;
    return std::max<std::size_t>(1, std::min(configured, room));
}

ConnectionWatch::ConnectionWatch(zmq::context_t& context, zmq::socket_t& router,
                                 std::size_t max_connections)
    : monitor_(context, zmq::socket_type::pair), peers_(max_connections) {
    const auto address = monitor_address();
    if (zmq_socket_monitor(router.handle(), address.c_str(),
                           ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED) != 0)
        throw zmq::error_t();
    monitor_.set(zmq::sockopt::linger, 0);
    monitor_.connect(address);
}

ConnectionWatch::Events ConnectionWatch::drain(Clock::time_point now) {
    Events events;
    zmq::message_t header;
    zmq::message_t endpoint;
    while (monitor_.recv(header, zmq::recv_flags::dontwait)) {
        if (!monitor_.recv(endpoint)) break;  // the second frame follows the first at once
        if (header.size() < 6) continue;
        std::uint16_t event = 0;
        std::int32_t fd = -1;
        std::memcpy(&event, header.data(), sizeof event);
        std::memcpy(&fd, static_cast<const char*>(header.data()) + 2, sizeof fd);
        if (event == ZMQ_EVENT_ACCEPTED) {
            endpoints_[fd] = endpoint.to_string();
            for (const int victim : peers_.accepted(fd, now))
                if (evict(victim)) ++events.evicted;
        } else if (event == ZMQ_EVENT_DISCONNECTED) {
            endpoints_.erase(fd);
            if (auto client = peers_.closed(fd)) events.departed.push_back(std::move(*client));
        }
    }
    return events;
}

// Shuts the socket down (ZeroMQ notices and closes it), after checking the fd is still one
// of the ROUTER's accepted connections: a TCP socket on the port that accepted it, or a unix one.
bool ConnectionWatch::evict(int fd) {
    const auto endpoint = endpoints_.find(fd);
    if (endpoint == endpoints_.end()) return false;
    const auto port = endpoint_port(endpoint->second);
    const bool ours = port != 0 ? local_port(fd) == port : is_unix_socket(fd);
    if (!ours || ::shutdown(fd, SHUT_RDWR) != 0) return false;
    return true;
}

}  // namespace tristar::gateway
