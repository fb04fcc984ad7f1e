#include "gateway/sim/tcp_server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "gateway/base/host_port.h"
#include "gateway/base/tcp_listen.h"

namespace tristar::sim {

namespace {

constexpr int listen_backlog = 16;

std::string peer_name(const sockaddr_storage& addr) {
    std::array<char, NI_MAXHOST> host{};
    std::array<char, NI_MAXSERV> serv{};
    getnameinfo(reinterpret_cast<const sockaddr*>(&addr), sizeof addr, host.data(), host.size(),
                serv.data(), serv.size(), NI_NUMERICHOST | NI_NUMERICSERV);
    return std::string(host.data()) + ":" + serv.data();
}

}  // namespace

TcpServer::TcpServer(const std::string& host, std::uint16_t port, Stats& stats)
    : host_(host),
      listen_fd_(listen_tcp(host, port, listen_backlog, host + ":" + std::to_string(port))),
      stats_(stats) {
    port_ = bound_port(listen_fd_.get());
}

std::string TcpServer::endpoint() const {
    return tcp_endpoint(host_, port_);
}

std::vector<pollfd> TcpServer::poll_entries() {
    std::vector<pollfd> entries{{listen_fd_.get(), POLLIN, 0}};
    polled_.clear();
    for (const auto& [id, c] : connections_) {
        const short events =
            static_cast<short>((c.closing ? 0 : POLLIN) | (c.out.empty() ? 0 : POLLOUT));
        entries.push_back({c.fd.get(), events, 0});
        polled_.push_back(id);
    }
    return entries;
}

void TcpServer::on_events(std::span<const pollfd> entries, const TcpPolicy& policy,
                          std::vector<Incoming>& requests, std::vector<std::uint64_t>& closed) {
    for (std::size_t i = 1; i < entries.size() && i - 1 < polled_.size(); ++i) {
        const std::uint64_t id = polled_[i - 1];
        const auto it = connections_.find(id);
        if (it == connections_.end() || entries[i].revents == 0) continue;
        Connection& c = it->second;
        bool ok = true;
        if ((entries[i].revents & POLLOUT) != 0) ok = flush(c);
        if (ok && (entries[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
            ok = read_from(id, c, requests);
        }
        if (!ok || (c.closing && c.out.empty())) close(id, closed);
    }
    if (!entries.empty() && (entries[0].revents & POLLIN) != 0) accept_all(policy);
}

void TcpServer::accept_all(const TcpPolicy& policy) {
    for (;;) {
        sockaddr_storage addr{};
        socklen_t len = sizeof addr;
        UniqueFd fd(::accept4(listen_fd_.get(), reinterpret_cast<sockaddr*>(&addr), &len,
                              SOCK_NONBLOCK | SOCK_CLOEXEC));
        if (!fd) return;  // EAGAIN: accepted everything pending
        const std::string peer = peer_name(addr);
        if (policy.refuse || (policy.single_connection && !connections_.empty())) {
            ++stats_.refused_connections;
            spdlog::info("[sim tcp] refused {} ({})", peer,
                         policy.refuse ? "resetting" : "single connection");
            continue;  // fd closes here
        }
        const int one = 1;
        setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        ++stats_.connections;
        spdlog::debug("[sim tcp] connection {} from {}", next_id_, peer);
        connections_.emplace(next_id_++, Connection{std::move(fd), {}, {}, false, peer});
    }
}

bool TcpServer::read_from(std::uint64_t id, Connection& c, std::vector<Incoming>& requests) {
    std::array<std::uint8_t, 1024> buffer{};
    const ssize_t n = ::recv(c.fd.get(), buffer.data(), buffer.size(), 0);
    if (n < 0) return errno == EAGAIN || errno == EINTR;
    if (n == 0) return false;    // peer closed
    if (c.closing) return true;  // the device has stopped listening on this socket
    c.parser.feed(std::span(buffer.data(), static_cast<std::size_t>(n)));
    modbus::TcpAdu adu;
    for (;;) {
        const auto status = c.parser.next(adu);
        if (status == modbus::MbapStreamParser::Status::need_more) return true;
        if (status == modbus::MbapStreamParser::Status::malformed) {
            ++stats_.malformed;
            spdlog::warn("[sim tcp] closing {}: malformed MBAP header: {}", c.peer,
                         c.parser.error());
            return false;
        }
        requests.push_back({{Transport::tcp, id},
                            adu.header.transaction_id,
                            adu.header.unit_id,
                            std::move(adu.pdu)});
    }
}

bool TcpServer::flush(Connection& c) {
    while (!c.out.empty()) {
        const ssize_t n = ::send(c.fd.get(), c.out.data(), c.out.size(), MSG_NOSIGNAL);
        if (n < 0) return errno == EAGAIN || errno == EINTR;
        c.out.erase(c.out.begin(), c.out.begin() + n);
    }
    return true;
}

void TcpServer::send(std::uint64_t id, const modbus::Bytes& frame, bool close_after,
                     std::vector<std::uint64_t>& closed) {
    const auto it = connections_.find(id);
    if (it == connections_.end()) return;  // the client went away; the reply goes nowhere
    Connection& c = it->second;
    c.out.insert(c.out.end(), frame.begin(), frame.end());
    c.closing = c.closing || close_after;
    if (!flush(c) || (c.closing && c.out.empty())) close(id, closed);
}

void TcpServer::close_all(std::vector<std::uint64_t>& closed) {
    while (!connections_.empty()) {
        const auto id = connections_.begin()->first;
        flush(connections_.begin()->second);
        close(id, closed);
    }
}

void TcpServer::close(std::uint64_t id, std::vector<std::uint64_t>& closed) {
    const auto it = connections_.find(id);
    if (it == connections_.end()) return;
    spdlog::debug("[sim tcp] closing connection {} ({})", id, it->second.peer);
    connections_.erase(it);
    closed.push_back(id);
}

}  // namespace tristar::sim
