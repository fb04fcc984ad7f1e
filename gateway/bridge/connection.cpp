#include "gateway/bridge/connection.h"

#include <poll.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace tristar::bridge {
namespace {

// Enough for a few dozen full ADUs per read, small enough to bound what one read can queue.
constexpr std::size_t read_chunk = 4096;
// Unsent output beyond which the connection stops reading: the master is not reading its
// answers, so it gets no more until it does (TCP flow control then holds it back).
constexpr std::size_t max_unsent_bytes = 16 * 1024;

}  // namespace

Connection::Connection(UniqueFd fd, std::string peer, std::size_t max_pending, std::string host,
                       Time now)
    : fd_(std::move(fd)),
      peer_(std::move(peer)),
      host_(std::move(host)),
      max_pending_(max_pending),
      last_input_(now) {}

bool Connection::peer_gone() const {
    pollfd item{fd_.get(), POLLRDHUP, 0};
    if (::poll(&item, 1, 0) < 0) return false;
    return (item.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

bool Connection::wants_read() const {
    return unanswered_ < max_pending_ && out_.size() < max_unsent_bytes &&
           slots_.size() < 4 * max_pending_;
}

bool Connection::receive(std::vector<modbus::TcpAdu>& adus, Time now) {
    std::array<std::uint8_t, read_chunk> buffer{};
    const ssize_t n = ::recv(fd_.get(), buffer.data(), buffer.size(), 0);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return true;
        error_ = std::strerror(errno);
        return false;
    }
    if (n == 0) {
        error_ = "closed by the peer";
        return false;
    }
    last_input_ = now;
    parser_.feed(std::span(buffer.data(), static_cast<std::size_t>(n)));
    bool completed = false;
    for (;;) {
        modbus::TcpAdu adu;
        const auto status = parser_.next(adu);
        if (status == modbus::MbapStreamParser::Status::need_more) {
            // The frame timeout runs from the first byte of a frame, not from its last piece:
            // a frame trickled in a byte at a time still has to be complete in time.
            if (parser_.buffered() == 0)
                frame_started_.reset();
            else if (completed || !frame_started_)
                frame_started_ = now;
            return true;
        }
        if (status == modbus::MbapStreamParser::Status::malformed) {
            error_ = "malformed MBAP header: " + parser_.error();
            return false;
        }
        adus.push_back(std::move(adu));
        ++requests_;
        completed = true;
    }
}

std::uint64_t Connection::expect(const modbus::MbapHeader& header) {
    slots_.push_back(Slot{header.transaction_id, header.unit_id, std::nullopt});
    ++unanswered_;
    return first_slot_ + slots_.size() - 1;
}

void Connection::answer(std::uint64_t slot, std::span<const std::uint8_t> pdu) {
    if (slot < first_slot_ || slot - first_slot_ >= slots_.size()) return;
    auto& place = slots_[static_cast<std::size_t>(slot - first_slot_)];
    if (place.pdu) return;  // answered already
    place.pdu = modbus::Bytes(pdu.begin(), pdu.end());
    --unanswered_;
    release_ready();
}

void Connection::release_ready() {
    while (!slots_.empty() && slots_.front().pdu) {
        const Slot& slot = slots_.front();
        const auto adu = modbus::encode_tcp_adu(slot.transaction_id, slot.unit, *slot.pdu);
        out_.insert(out_.end(), adu.begin(), adu.end());
        slots_.pop_front();
        ++first_slot_;
    }
}

bool Connection::flush() {
    std::size_t sent = 0;
    while (sent < out_.size()) {
        const ssize_t n = ::send(fd_.get(), out_.data() + sent, out_.size() - sent, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) break;
            error_ = std::strerror(errno);
            return false;
        }
        sent += static_cast<std::size_t>(n);
    }
    out_.erase(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(sent));
    return true;
}

}  // namespace tristar::bridge
