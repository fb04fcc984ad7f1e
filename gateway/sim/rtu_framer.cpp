#include "gateway/sim/rtu_framer.h"

namespace tristar::sim {

std::vector<modbus::RtuFrame> RtuFramer::feed(std::span<const std::uint8_t> bytes,
                                              Clock::time_point now) {
    std::vector<modbus::RtuFrame> frames;
    if (bytes.empty()) return frames;
    last_byte_ = now;
    if (discarding_) return frames;
    buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
    extract(frames);
    return frames;
}

void RtuFramer::extract(std::vector<modbus::RtuFrame>& out) {
    while (!buffer_.empty() && !discarding_) {
        const auto expected = modbus::expected_rtu_request_length(buffer_);
        if (expected.need_more || !expected.length) return;  // more bytes, or wait for silence
        const std::size_t length = *expected.length;
        if (length > modbus::rtu_max_adu_size) return discard_until_silence();
        if (buffer_.size() < length) return;
        auto frame = modbus::parse_rtu_frame(std::span(buffer_).first(length));
        if (!frame) return discard_until_silence();
        out.push_back(std::move(*frame));
        buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(length));
    }
}

void RtuFramer::discard_until_silence() {
    ++bad_frames_;
    buffer_.clear();
    discarding_ = true;
}

std::vector<modbus::RtuFrame> RtuFramer::on_silence(Clock::time_point now) {
    std::vector<modbus::RtuFrame> frames;
    const auto due = deadline();
    if (!due || now < *due) return frames;
    discarding_ = false;
    if (buffer_.empty()) return frames;
    // Whatever is buffered is one frame: an unknown function code, or a truncated request.
    if (auto frame = modbus::parse_rtu_frame(buffer_)) {
        frames.push_back(std::move(*frame));
    } else {
        ++bad_frames_;
    }
    buffer_.clear();
    return frames;
}

std::optional<RtuFramer::Clock::time_point> RtuFramer::deadline() const {
    if (buffer_.empty() && !discarding_) return std::nullopt;
    return last_byte_ + silence_;
}

}  // namespace tristar::sim
