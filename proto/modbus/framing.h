#pragma once
// Modbus ADU framing: the MBAP header of Modbus TCP (Modbus Messaging on TCP/IP Implementation
// Guide v1.0b, section 3.1.3) with an incremental stream parser, and the RTU frame of the serial
// line (Modbus over Serial Line v1.02, sections 2.5 and 6.2): CRC-16, frame build/verify, the
// expected length of a request from its first bytes, wire time and the t3.5 silence.
// Pure: bytes and durations in, bytes and durations out.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "proto/modbus/pdu.h"

namespace tristar::modbus {

// ---------------------------------------------------------------------------- Modbus TCP (MBAP)

inline constexpr std::size_t mbap_header_size = 7;
// The MBAP length field counts the unit id plus the PDU: at most 1 + 253.
inline constexpr std::uint16_t mbap_max_length = 1 + max_pdu_size;
inline constexpr std::size_t tcp_max_adu_size = 6 + mbap_max_length;

struct MbapHeader {
    std::uint16_t transaction_id = 0;
    std::uint16_t protocol_id = 0;
    std::uint16_t length = 0;  // unit id + PDU bytes
    std::uint8_t unit_id = 0;

    bool operator==(const MbapHeader&) const = default;
};

struct TcpAdu {
    MbapHeader header;
    Bytes pdu;
};

void encode_mbap(const MbapHeader& header, Bytes& out);
// Decodes the first 7 bytes; nothing if fewer are given. Does not validate.
std::optional<MbapHeader> decode_mbap(std::span<const std::uint8_t> bytes);
// Why a header cannot start a valid ADU (protocol id != 0, length < 2 or > 254), or empty.
std::string mbap_header_error(const MbapHeader& header);
// A whole ADU: header (length computed from the PDU) followed by the PDU.
Bytes encode_tcp_adu(std::uint16_t transaction_id, std::uint8_t unit_id,
                     std::span<const std::uint8_t> pdu);

// Extracts complete ADUs from a TCP byte stream fed in arbitrary pieces. After a malformed header
// the stream cannot be resynchronised: the parser stays in the error state (close the socket).
class MbapStreamParser {
  public:
    enum class Status { need_more, adu, malformed };

    void feed(std::span<const std::uint8_t> bytes);
    // Takes the next complete ADU out of the buffer into `out`.
    Status next(TcpAdu& out);
    const std::string& error() const { return error_; }
    std::size_t buffered() const { return buffer_.size(); }

  private:
    Bytes buffer_;
    std::string error_;
};

// ---------------------------------------------------------------------------------- Modbus RTU

inline constexpr std::size_t rtu_max_adu_size = 256;  // unit + 253 PDU + 2 CRC
inline constexpr std::size_t rtu_min_adu_size = 4;    // unit + FC + 2 CRC

// CRC-16/MODBUS: polynomial 0xA001 (reflected 0x8005), initial value 0xFFFF.
std::uint16_t crc16(std::span<const std::uint8_t> bytes);
// unit + PDU + CRC, CRC low byte first.
Bytes build_rtu_frame(std::uint8_t unit_id, std::span<const std::uint8_t> pdu);
// True when the frame is long enough and its last two bytes are the CRC of the rest.
bool rtu_crc_ok(std::span<const std::uint8_t> frame);

struct RtuFrame {
    std::uint8_t unit_id = 0;
    Bytes pdu;
};
// The unit and PDU of a frame with a good CRC, or nothing.
std::optional<RtuFrame> parse_rtu_frame(std::span<const std::uint8_t> frame);

// How long a request frame starting with `head` is, for framing by length rather than by silence
// alone. `length` is set when known; `need_more` when more bytes are needed to tell; neither when
// the function code is unknown (fall back to the t3.5 silence).
struct ExpectedLength {
    std::optional<std::size_t> length;
    bool need_more = false;
};
ExpectedLength expected_rtu_request_length(std::span<const std::uint8_t> head);

struct SerialFormat {
    unsigned baud = 9600;
    char parity = 'N';  // 'N', 'E' or 'O'
    unsigned stop_bits = 2;
    unsigned data_bits = 8;
};

// Start bit + data + parity + stop: 11 at 8N2 and 8E1, 10 at 8N1.
unsigned bits_per_character(const SerialFormat& format);
std::chrono::microseconds wire_time(std::size_t bytes, const SerialFormat& format);
// Inter-frame silence: 3.5 character times, fixed at 1750 us above 19200 baud (Modbus over
// Serial Line v1.02, section 2.5.1.1).
std::chrono::microseconds t3_5(const SerialFormat& format);
// Inter-character timeout: 1.5 character times, fixed at 750 us above 19200 baud (same section).
std::chrono::microseconds t1_5(const SerialFormat& format);

}  // namespace tristar::modbus
