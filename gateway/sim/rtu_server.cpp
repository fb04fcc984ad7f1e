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

RtuServer::RtuServer(const std::string& device, const modbus::SerialFormat& format, Stats& stats)
    : device_(device),
      fd_(open_serial_port(device, format)),
      framer_(std::max(modbus::t3_5(format), min_silence)),
      stats_(stats) {}

pollfd RtuServer::poll_entry() const {
    const short events = static_cast<short>(POLLIN | (out_.empty() ? 0 : POLLOUT));
    return {fd_.get(), events, 0};
}

std::vector<Incoming> RtuServer::on_events(short revents, Clock::time_point now,
                                           std::uint8_t unit_id) {
    if ((revents & POLLOUT) != 0) flush();
    std::vector<Incoming> requests;
    if ((revents & (POLLIN | POLLERR | POLLHUP)) == 0) return requests;
    std::array<std::uint8_t, 512> buffer{};
    const ssize_t n = ::read(fd_.get(), buffer.data(), buffer.size());
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return requests;
    if (n <= 0) {
        // A pty whose other end is closed reports POLLHUP / EIO: nothing to serve any more.
        throw std::runtime_error(device_ + ": serial line closed (" +
                                 (n < 0 ? std::string(std::strerror(errno)) : "EOF") + ")");
    }
    auto frames = framer_.feed(std::span(buffer.data(), static_cast<std::size_t>(n)), now);
    return accept_frames(std::move(frames), unit_id);
}

std::vector<Incoming> RtuServer::on_timer(Clock::time_point now, std::uint8_t unit_id) {
    return accept_frames(framer_.on_silence(now), unit_id);
}

std::vector<Incoming> RtuServer::accept_frames(std::vector<modbus::RtuFrame> frames,
                                               std::uint8_t unit_id) {
    stats_.bad_frames += framer_.bad_frames() - bad_frames_seen_;
    if (framer_.bad_frames() != bad_frames_seen_) spdlog::debug("[sim rtu] frame discarded");
    bad_frames_seen_ = framer_.bad_frames();
    std::vector<Incoming> requests;
    for (auto& frame : frames) {
        if (frame.unit_id != unit_id && frame.unit_id != 0) {
            ++stats_.other_units;
            continue;
        }
        requests.push_back({{Transport::rtu, 0}, 0, frame.unit_id, std::move(frame.pdu)});
    }
    return requests;
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
