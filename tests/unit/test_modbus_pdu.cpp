// Unit tests for proto/modbus: PDU parsing and building, MBAP framing, RTU CRC and timing.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <vector>

#include "proto/modbus/framing.h"
#include "proto/modbus/pdu.h"

using namespace tristar::modbus;

namespace {

Bytes hex(std::initializer_list<int> values) {
    Bytes out;
    for (const int v : values) out.push_back(static_cast<std::uint8_t>(v));
    return out;
}

ExceptionCode parse_error(const Bytes& pdu) {
    const auto parsed = parse_request(pdu);
    REQUIRE_FALSE(parsed.ok());
    return *parsed.error;
}

}  // namespace

// ------------------------------------------------------------------------------ request parsing

TEST_CASE("parse FC03 read holding registers") {
    const auto parsed = parse_request(hex({0x03, 0x00, 0x18, 0x00, 0x38}));
    REQUIRE(parsed.ok());
    CHECK(parsed.request.function == fc::read_holding_registers);
    CHECK(parsed.request.address == 0x18);
    CHECK(parsed.request.count == 56);
}

TEST_CASE("parse FC04 at the top of the address space") {
    const auto parsed = parse_request(hex({0x04, 0xFF, 0xFF, 0x00, 0x01}));
    REQUIRE(parsed.ok());
    CHECK(parsed.request.address == 0xFFFF);
}

TEST_CASE("register count limits are 1..125") {
    CHECK(parse_request(hex({0x03, 0x00, 0x00, 0x00, 125})).ok());
    CHECK(parse_error(hex({0x03, 0x00, 0x00, 0x00, 126})) == ExceptionCode::illegal_data_value);
    CHECK(parse_error(hex({0x04, 0x00, 0x00, 0x00, 0x00})) == ExceptionCode::illegal_data_value);
}

TEST_CASE("bit count limits are 1..2000") {
    CHECK(parse_request(hex({0x01, 0x00, 0x00, 0x07, 0xD0})).ok());
    CHECK(parse_error(hex({0x01, 0x00, 0x00, 0x07, 0xD1})) == ExceptionCode::illegal_data_value);
    CHECK(parse_error(hex({0x02, 0x00, 0x00, 0x00, 0x00})) == ExceptionCode::illegal_data_value);
}

TEST_CASE("a range past 0xFFFF is an illegal data address") {
    CHECK(parse_error(hex({0x03, 0xFF, 0xFF, 0x00, 0x02})) == ExceptionCode::illegal_data_address);
    CHECK(parse_error(hex({0x01, 0xFF, 0x00, 0x01, 0x01})) == ExceptionCode::illegal_data_address);
    CHECK(parse_request(hex({0x01, 0xFF, 0x00, 0x01, 0x00})).ok());
}

TEST_CASE("a read PDU of the wrong length is an illegal data value") {
    CHECK(parse_error(hex({0x03, 0x00, 0x00, 0x00})) == ExceptionCode::illegal_data_value);
    CHECK(parse_error(hex({0x03, 0x00, 0x00, 0x00, 0x01, 0x00})) ==
          ExceptionCode::illegal_data_value);
}

TEST_CASE("FC05 accepts only 0xFF00 and 0x0000") {
    const auto on = parse_request(hex({0x05, 0x00, 0xFF, 0xFF, 0x00}));
    REQUIRE(on.ok());
    CHECK(on.request.address == 0x00FF);
    CHECK(on.request.value == coil_on);
    CHECK(parse_request(hex({0x05, 0x10, 0xFF, 0x00, 0x00})).ok());
    CHECK(parse_error(hex({0x05, 0x00, 0x00, 0x00, 0x01})) == ExceptionCode::illegal_data_value);
    CHECK(parse_error(hex({0x05, 0x00, 0x00, 0xFF, 0xFF})) == ExceptionCode::illegal_data_value);
}

TEST_CASE("FC06 carries any value") {
    const auto parsed = parse_request(hex({0x06, 0x00, 0x59, 0x0A, 0x33}));
    REQUIRE(parsed.ok());
    CHECK(parsed.request.address == 0x59);
    CHECK(parsed.request.value == 2611);
    CHECK(parse_error(hex({0x06, 0x00, 0x59, 0x0A})) == ExceptionCode::illegal_data_value);
}

TEST_CASE("FC16 parses values and checks the byte count") {
    const auto parsed =
        parse_request(hex({0x10, 0x00, 0x58, 0x00, 0x02, 0x04, 0x33, 0x33, 0x0A, 0x33}));
    REQUIRE(parsed.ok());
    CHECK(parsed.request.address == 0x58);
    CHECK(parsed.request.count == 2);
    CHECK(parsed.request.values == std::vector<std::uint16_t>{0x3333, 0x0A33});
    // byte count disagrees with the quantity
    CHECK(parse_error(hex({0x10, 0x00, 0x58, 0x00, 0x02, 0x02, 0x33, 0x33})) ==
          ExceptionCode::illegal_data_value);
    // byte count agrees but the data is short
    CHECK(parse_error(hex({0x10, 0x00, 0x58, 0x00, 0x02, 0x04, 0x33, 0x33})) ==
          ExceptionCode::illegal_data_value);
    CHECK(parse_error(hex({0x10, 0x00, 0x58, 0x00})) == ExceptionCode::illegal_data_value);
}

TEST_CASE("FC16 quantity limits are 1..123") {
    Request request{fc::write_multiple_registers, 0, 0, 0, std::vector<std::uint16_t>(123, 7)};
    CHECK(parse_request(encode_request(request)).ok());
    request.values.assign(124, 7);
    CHECK(parse_error(encode_request(request)) == ExceptionCode::illegal_data_value);
    CHECK(parse_error(hex({0x10, 0x00, 0x00, 0x00, 0x00, 0x00})) ==
          ExceptionCode::illegal_data_value);
    CHECK(parse_error(hex({0x10, 0xFF, 0xFF, 0x00, 0x02, 0x04, 0, 1, 0, 2})) ==
          ExceptionCode::illegal_data_address);
}

TEST_CASE("unknown function codes are illegal functions, keeping the code") {
    for (const int code : {0x07, 0x0F, 0x16, 0x17, 0x2B, 0x41, 0x7F}) {
        const auto parsed = parse_request(hex({code, 0x00, 0x00, 0x00, 0x01}));
        REQUIRE_FALSE(parsed.ok());
        CHECK(*parsed.error == ExceptionCode::illegal_function);
        CHECK(parsed.request.function == code);
    }
    CHECK(parse_error({}) == ExceptionCode::illegal_function);
}

TEST_CASE("encode_request round-trips through parse_request") {
    const std::vector<Request> requests{
        {fc::read_coils, 0, 3, 0, {}},
        {fc::read_discrete_inputs, 0x10, 16, 0, {}},
        {fc::read_holding_registers, 0xE000, 34, 0, {}},
        {fc::read_input_registers, 0x0018, 56, 0, {}},
        {fc::write_single_coil, 0x00FF, 1, coil_on, {}},
        {fc::write_single_register, 0x0059, 1, 0xFFF0, {}},
        {fc::write_multiple_registers, 0x0058, 2, 0, {1, 2}},
    };
    for (const auto& request : requests) {
        const auto parsed = parse_request(encode_request(request));
        REQUIRE(parsed.ok());
        CHECK(parsed.request == request);
    }
}

// ---------------------------------------------------------------------------- response building

TEST_CASE("read registers response") {
    const std::array<std::uint16_t, 2> words{0x00B4, 0x0000};
    const auto pdu = read_registers_response(fc::read_input_registers, words);
    CHECK(pdu == hex({0x04, 0x04, 0x00, 0xB4, 0x00, 0x00}));
    CHECK(parse_read_registers_response(pdu) == std::vector<std::uint16_t>{0x00B4, 0});
}

TEST_CASE("read bits response packs LSB first") {
    const std::vector<bool> bits{true, false, true, false, false, false, false, false, false, true};
    const auto pdu = read_bits_response(fc::read_coils, bits);
    CHECK(pdu == hex({0x01, 0x02, 0x05, 0x02}));
    const auto back = parse_read_bits_response(pdu, 10);
    REQUIRE(back);
    CHECK(*back == bits);
    CHECK_FALSE(parse_read_bits_response(pdu, 17));
}

TEST_CASE("write responses echo the request") {
    CHECK(write_single_response(fc::write_single_coil, 0x00FF, coil_on) ==
          hex({0x05, 0x00, 0xFF, 0xFF, 0x00}));
    CHECK(write_single_response(fc::write_single_register, 0x0059, 0x0A33) ==
          hex({0x06, 0x00, 0x59, 0x0A, 0x33}));
    CHECK(write_multiple_response(fc::write_multiple_registers, 0x0058, 2) ==
          hex({0x10, 0x00, 0x58, 0x00, 0x02}));
}

TEST_CASE("exception responses set the high bit of the function code") {
    const auto pdu =
        exception_response(fc::read_holding_registers, ExceptionCode::illegal_data_address);
    CHECK(pdu == hex({0x83, 0x02}));
    CHECK(is_exception_response(pdu));
    CHECK(response_exception(pdu) == ExceptionCode::illegal_data_address);
    CHECK(exception_response(fc::write_multiple_registers, ExceptionCode::server_device_busy) ==
          hex({0x90, 0x06}));
    CHECK_FALSE(parse_read_registers_response(pdu));
    CHECK(exception_name(ExceptionCode::server_device_busy) == "server device busy");
}

TEST_CASE("malformed read responses are rejected") {
    CHECK_FALSE(parse_read_registers_response(hex({0x03, 0x03, 0x00, 0x01, 0x02})));
    CHECK_FALSE(parse_read_registers_response(hex({0x03, 0x04, 0x00, 0x01})));
    CHECK_FALSE(parse_read_registers_response(hex({0x03})));
}

// ------------------------------------------------------------------------------------------ MBAP

TEST_CASE("MBAP header round-trip") {
    const MbapHeader header{0x1234, 0, 6, 1};
    Bytes bytes;
    encode_mbap(header, bytes);
    CHECK(bytes == hex({0x12, 0x34, 0x00, 0x00, 0x00, 0x06, 0x01}));
    CHECK(decode_mbap(bytes) == header);
    CHECK_FALSE(decode_mbap(std::span(bytes).first(6)));
}

TEST_CASE("encode_tcp_adu computes the length from the PDU") {
    const auto pdu = hex({0x03, 0x00, 0x18, 0x00, 0x04});
    const auto adu = encode_tcp_adu(7, 1, pdu);
    CHECK(adu == hex({0x00, 0x07, 0x00, 0x00, 0x00, 0x06, 0x01, 0x03, 0x00, 0x18, 0x00, 0x04}));
}

TEST_CASE("stream parser extracts ADUs fed byte by byte") {
    const auto first = encode_tcp_adu(1, 1, hex({0x03, 0x00, 0x18, 0x00, 0x04}));
    const auto second = encode_tcp_adu(2, 1, hex({0x05, 0x00, 0x02, 0xFF, 0x00}));
    Bytes stream = first;
    stream.insert(stream.end(), second.begin(), second.end());
    MbapStreamParser parser;
    std::vector<TcpAdu> adus;
    for (const auto byte : stream) {
        parser.feed(std::span(&byte, 1));
        TcpAdu adu;
        while (parser.next(adu) == MbapStreamParser::Status::adu) adus.push_back(adu);
    }
    REQUIRE(adus.size() == 2);
    CHECK(adus[0].header.transaction_id == 1);
    CHECK(adus[0].pdu == hex({0x03, 0x00, 0x18, 0x00, 0x04}));
    CHECK(adus[1].header.transaction_id == 2);
    CHECK(adus[1].header.unit_id == 1);
    CHECK(adus[1].pdu == hex({0x05, 0x00, 0x02, 0xFF, 0x00}));
    CHECK(parser.buffered() == 0);
}

TEST_CASE("stream parser extracts two ADUs from one read") {
    auto stream = encode_tcp_adu(1, 1, hex({0x03, 0x00, 0x00, 0x00, 0x01}));
    const auto second = encode_tcp_adu(2, 1, hex({0x04, 0x00, 0x00, 0x00, 0x01}));
    stream.insert(stream.end(), second.begin(), second.end());
    MbapStreamParser parser;
    parser.feed(stream);
    TcpAdu adu;
    CHECK(parser.next(adu) == MbapStreamParser::Status::adu);
    CHECK(parser.next(adu) == MbapStreamParser::Status::adu);
    CHECK(adu.header.transaction_id == 2);
    CHECK(parser.next(adu) == MbapStreamParser::Status::need_more);
}

TEST_CASE("stream parser reports malformed headers and stays failed") {
    struct Case {
        Bytes bytes;
        const char* what;
    };
    const std::vector<Case> cases{
        {hex({0, 1, 0, 1, 0, 6, 1, 3, 0, 0, 0, 1}), "protocol id"},
        {hex({0, 1, 0, 0, 0, 0, 1}), "length 0"},
        {hex({0, 1, 0, 0, 0, 1, 1}), "length 1"},
        {hex({0, 1, 0, 0, 0x00, 0xFF, 1}), "length 255"},
        {hex({0, 1, 0, 0, 0xFF, 0xFF, 1}), "length 65535"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.what);
        MbapStreamParser parser;
        parser.feed(c.bytes);
        TcpAdu adu;
        CHECK(parser.next(adu) == MbapStreamParser::Status::malformed);
        CHECK_FALSE(parser.error().empty());
        parser.feed(encode_tcp_adu(1, 1, hex({3, 0, 0, 0, 1})));
        CHECK(parser.next(adu) == MbapStreamParser::Status::malformed);
    }
}

TEST_CASE("stream parser accepts the largest ADU and waits for partial ones") {
    const Bytes pdu(max_pdu_size, 0x03);
    const auto adu_bytes = encode_tcp_adu(9, 1, pdu);
    CHECK(adu_bytes.size() == tcp_max_adu_size);
    MbapStreamParser parser;
    parser.feed(std::span(adu_bytes).first(100));
    TcpAdu adu;
    CHECK(parser.next(adu) == MbapStreamParser::Status::need_more);
    parser.feed(std::span(adu_bytes).subspan(100));
    CHECK(parser.next(adu) == MbapStreamParser::Status::adu);
    CHECK(adu.pdu.size() == max_pdu_size);
}

// ------------------------------------------------------------------------------------------- RTU

TEST_CASE("CRC-16/MODBUS known vectors") {
    CHECK(crc16(hex({0x01, 0x03, 0x00, 0x00, 0x00, 0x0A})) == 0xCDC5);
    CHECK(crc16(hex({0x11, 0x03, 0x00, 0x6B, 0x00, 0x03})) == 0x8776);  // Modbus spec example
    CHECK(crc16(hex({0x01, 0x04, 0x00, 0x18, 0x00, 0x38})) == 0xDF71);
    CHECK(crc16(hex({0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39})) == 0x4B37);  // check
    CHECK(crc16({}) == 0xFFFF);
}

TEST_CASE("RTU frame puts the CRC low byte first") {
    const auto frame = build_rtu_frame(1, hex({0x03, 0x00, 0x00, 0x00, 0x0A}));
    CHECK(frame == hex({0x01, 0x03, 0x00, 0x00, 0x00, 0x0A, 0xC5, 0xCD}));
    CHECK(rtu_crc_ok(frame));
    const auto parsed = parse_rtu_frame(frame);
    REQUIRE(parsed);
    CHECK(parsed->unit_id == 1);
    CHECK(parsed->pdu == hex({0x03, 0x00, 0x00, 0x00, 0x0A}));
}

TEST_CASE("RTU frames with a bad CRC or too short are rejected") {
    auto frame = build_rtu_frame(1, hex({0x06, 0x00, 0x59, 0x0A, 0x33}));
    CHECK(frame == hex({0x01, 0x06, 0x00, 0x59, 0x0A, 0x33, 0x1F, 0x6C}));
    frame[3] ^= 0x01;
    CHECK_FALSE(rtu_crc_ok(frame));
    CHECK_FALSE(parse_rtu_frame(frame));
    CHECK_FALSE(rtu_crc_ok(hex({0x01, 0x03, 0xC5})));
    std::swap(frame[6], frame[7]);
    CHECK_FALSE(rtu_crc_ok(frame));
}

TEST_CASE("expected RTU request length from the first bytes") {
    CHECK(expected_rtu_request_length(hex({0x01})).need_more);
    CHECK(expected_rtu_request_length(hex({0x01, 0x03})).length == 8u);
    CHECK(expected_rtu_request_length(hex({0x01, 0x05})).length == 8u);
    CHECK(expected_rtu_request_length(hex({0x01, 0x06, 0x00})).length == 8u);
    CHECK(expected_rtu_request_length(hex({0x01, 0x2B, 0x0E})).length == 7u);
    const auto fc16_head = expected_rtu_request_length(hex({0x01, 0x10, 0x00, 0x58, 0x00, 0x02}));
    CHECK(fc16_head.need_more);
    CHECK_FALSE(fc16_head.length);
    const auto fc16 = expected_rtu_request_length(hex({0x01, 0x10, 0x00, 0x58, 0x00, 0x02, 0x04}));
    CHECK(fc16.length == 13u);  // 7 + 4 data + 2 CRC
    const auto unknown = expected_rtu_request_length(hex({0x01, 0x41, 0x00}));
    CHECK_FALSE(unknown.length);
    CHECK_FALSE(unknown.need_more);
}

TEST_CASE("bits per character") {
    CHECK(bits_per_character({9600, 'N', 2, 8}) == 11);
    CHECK(bits_per_character({9600, 'E', 1, 8}) == 11);
    CHECK(bits_per_character({9600, 'N', 1, 8}) == 10);
    CHECK(bits_per_character({9600, 'O', 2, 8}) == 12);
}

TEST_CASE("wire time of a 56-register FC04 reply at 9600 8N2 is about 135 ms") {
    // unit + FC + byte count + 112 data + 2 CRC = 117 bytes (TriStar spec section 1)
    const auto t = wire_time(117, {9600, 'N', 2, 8});
    CHECK(t.count() == 134063);
    CHECK(wire_time(8, {19200, 'E', 1, 8}).count() == 4583);
    CHECK(wire_time(10, {9600, 'N', 1, 8}).count() == 10417);
}

TEST_CASE("t3.5 is 3.5 characters up to 19200 baud and 1750 us above") {
    CHECK(t3_5({9600, 'N', 2, 8}).count() == 4010);
    CHECK(t3_5({19200, 'N', 2, 8}).count() == 2005);
    CHECK(t3_5({38400, 'N', 2, 8}).count() == 1750);
    CHECK(t3_5({115200, 'N', 1, 8}).count() == 1750);
    CHECK(t1_5({9600, 'N', 2, 8}).count() == 1719);
    CHECK(t1_5({57600, 'E', 1, 8}).count() == 750);
}
