#include "proto/modbus/framing.h"

#include <algorithm>

namespace tristar::modbus {

namespace {

constexpr unsigned fixed_timing_above_baud = 19200;
constexpr std::chrono::microseconds fixed_t3_5{1750};
constexpr std::chrono::microseconds fixed_t1_5{750};

std::chrono::microseconds character_times(double characters, const SerialFormat& format) {
    const double seconds = characters * bits_per_character(format) / format.baud;
    return std::chrono::microseconds{static_cast<std::int64_t>(seconds * 1e6 + 0.5)};
}

// A request whose length follows from a byte count at `offset`: header, data, CRC.
ExpectedLength length_from_byte_count(std::span<const std::uint8_t> head, std::size_t offset) {
    if (head.size() <= offset) return {std::nullopt, true};
    return {offset + 1 + head[offset] + 2, false};
}

}  // namespace

void encode_mbap(const MbapHeader& header, Bytes& out) {
    put_u16(out, header.transaction_id);
    put_u16(out, header.protocol_id);
    put_u16(out, header.length);
    out.push_back(header.unit_id);
}

std::optional<MbapHeader> decode_mbap(std::span<const std::uint8_t> bytes) {
    if (bytes.size() < mbap_header_size) return std::nullopt;
    return MbapHeader{get_u16(bytes, 0), get_u16(bytes, 2), get_u16(bytes, 4), bytes[6]};
}

std::string mbap_header_error(const MbapHeader& header) {
    if (header.protocol_id != 0) {
        return "protocol id " + std::to_string(header.protocol_id) + " is not 0 (Modbus)";
    }
    if (header.length < 2) {
        return "length " + std::to_string(header.length) + " leaves no room for a function code";
    }
    if (header.length > mbap_max_length) {
        return "length " + std::to_string(header.length) + " exceeds " +
               std::to_string(mbap_max_length);
    }
    return {};
}

Bytes encode_tcp_adu(std::uint16_t transaction_id, std::uint8_t unit_id,
                     std::span<const std::uint8_t> pdu) {
    Bytes out;
    out.reserve(mbap_header_size + pdu.size());
    encode_mbap({transaction_id, 0, static_cast<std::uint16_t>(pdu.size() + 1), unit_id}, out);
    out.insert(out.end(), pdu.begin(), pdu.end());
    return out;
}

void MbapStreamParser::feed(std::span<const std::uint8_t> bytes) {
    if (!error_.empty()) return;
    buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
}

MbapStreamParser::Status MbapStreamParser::next(TcpAdu& out) {
    if (!error_.empty()) return Status::malformed;
    const auto header = decode_mbap(buffer_);
    if (!header) return Status::need_more;
    error_ = mbap_header_error(*header);
    if (!error_.empty()) return Status::malformed;
    // The length field counts the unit id, which is the last header byte.
    const std::size_t total = 6 + std::size_t{header->length};
    if (buffer_.size() < total) return Status::need_more;
    out.header = *header;
    const auto pdu_begin = buffer_.begin() + static_cast<std::ptrdiff_t>(mbap_header_size);
    const auto pdu_end = buffer_.begin() + static_cast<std::ptrdiff_t>(total);
    out.pdu.assign(pdu_begin, pdu_end);
    buffer_.erase(buffer_.begin(), pdu_end);
    return Status::adu;
}

std::uint16_t crc16(std::span<const std::uint8_t> bytes) {
    std::uint16_t crc = 0xFFFF;
    for (const auto byte : bytes) {
        crc ^= byte;
        for (int bit = 0; bit < 8; ++bit) {
            const bool lsb = (crc & 1U) != 0;
            crc = static_cast<std::uint16_t>(crc >> 1);
            if (lsb) crc ^= 0xA001;
        }
    }
    return crc;
}

Bytes build_rtu_frame(std::uint8_t unit_id, std::span<const std::uint8_t> pdu) {
    Bytes frame;
    frame.reserve(pdu.size() + 3);
    frame.push_back(unit_id);
    frame.insert(frame.end(), pdu.begin(), pdu.end());
    const std::uint16_t crc = crc16(frame);
    frame.push_back(static_cast<std::uint8_t>(crc & 0xFF));
    frame.push_back(static_cast<std::uint8_t>(crc >> 8));
    return frame;
}

bool rtu_crc_ok(std::span<const std::uint8_t> frame) {
    if (frame.size() < rtu_min_adu_size) return false;
    const std::size_t body = frame.size() - 2;
    const std::uint16_t crc = crc16(frame.first(body));
    return frame[body] == (crc & 0xFF) && frame[body + 1] == (crc >> 8);
}

std::optional<RtuFrame> parse_rtu_frame(std::span<const std::uint8_t> frame) {
    if (frame.size() > rtu_max_adu_size || !rtu_crc_ok(frame)) return std::nullopt;
    const auto pdu = frame.subspan(1, frame.size() - 3);
    return RtuFrame{frame[0], Bytes(pdu.begin(), pdu.end())};
}

ExpectedLength expected_rtu_request_length(std::span<const std::uint8_t> head) {
    if (head.size() < 2) return {std::nullopt, true};
    switch (head[1]) {
        case 0x01:
        case 0x02:
        case 0x03:
        case 0x04:
        case 0x05:
        case 0x06:
        case 0x08:  // diagnostics: sub-function + one data word
            return {8, false};
        case 0x07:
        case 0x0B:
        case 0x0C:
        case 0x11:  // no data
            return {4, false};
        case 0x0F:
        case 0x10:  // address, quantity, byte count at offset 6
            return length_from_byte_count(head, 6);
        case 0x14:
        case 0x15:  // file record: byte count at offset 2
            return length_from_byte_count(head, 2);
        case 0x16:  // mask write: address, AND mask, OR mask
            return {10, false};
        case 0x17:  // read/write multiple: write byte count at offset 10
            return length_from_byte_count(head, 10);
        case 0x18:  // read FIFO queue: pointer address
            return {6, false};
        case 0x2B:  // encapsulated interface (device id): MEI type, code, object id
            return {7, false};
        default: return {std::nullopt, false};
    }
}

unsigned bits_per_character(const SerialFormat& format) {
    const unsigned parity_bits = format.parity == 'N' ? 0U : 1U;
    return 1 + format.data_bits + parity_bits + format.stop_bits;
}

std::chrono::microseconds wire_time(std::size_t bytes, const SerialFormat& format) {
    return character_times(static_cast<double>(bytes), format);
}

std::chrono::microseconds t3_5(const SerialFormat& format) {
    if (format.baud > fixed_timing_above_baud) return fixed_t3_5;
    return character_times(3.5, format);
}

std::chrono::microseconds t1_5(const SerialFormat& format) {
    if (format.baud > fixed_timing_above_baud) return fixed_t1_5;
    return character_times(1.5, format);
}

}  // namespace tristar::modbus
