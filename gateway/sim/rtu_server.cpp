#include "gateway/sim/rtu_server.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "gateway/sim/serial_port.h"

namespace tristar::sim {

namespace {

// Linux delivers serial bytes in bursts and the scheduler adds jitter: framing by expected length
// does the real work, so the silence that ends frames of unknown length may be generous.
constexpr std::chrono::microseconds min_silence{10000};

}  // namespace

RtuServer::RtuServer(const std::string& device, const modbus::SerialFormat& format)
    : device_(device),
      fd_(open_serial_port(device, format)),
      framer_(std::max(modbus::t3_5(format), min_silence)) {}

pollfd RtuServer::poll_entry() const {
    const short events = static_cast<short>(POLLIN | (out_.empty() ? 0 : POLLOUT));
    return {fd_.get(), events, 0};
}

std::vector<modbus::RtuFrame> RtuServer::on_events(short revents, Clock::time_point now) {
    if ((revents & POLLOUT) != 0) flush();
    if ((revents & (POLLIN | POLLERR | POLLHUP)) == 0) return {};
    std::array<std::uint8_t, 512> buffer{};
    const ssize_t n = ::read(fd_.get(), buffer.data(), buffer.size());
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return {};
    if (n <= 0) {
        // A pty whose other end is closed reports POLLHUP / EIO: nothing to serve any more.
        throw std::runtime_error(device_ + ": serial line closed (" +
                                 (n < 0 ? std::string(std::strerror(errno)) : "EOF") + ")");
    }
    return framer_.feed(std::span(buffer.data(), static_cast<std::size_t>(n)), now);
}

void RtuServer::send(const modbus::Bytes& frame) {
    out_.insert(out_.end(), frame.begin(), frame.end());
    flush();
}

void RtuServer::flush() {
    while (!out_.empty()) {
        const ssize_t n = ::write(fd_.get(), out_.data(), out_.size());
        if (n < 0) {
            if (errno != EAGAIN && errno != EINTR) {
                spdlog::warn("[sim rtu] write failed: {}", std::strerror(errno));
                out_.clear();
            }
            return;
        }
        out_.erase(out_.begin(), out_.begin() + n);
    }
}

}  // namespace tristar::sim
