// A reply is accepted only when it answers its own request: transaction id and unit, function,
// byte count, echoed address and value. Exceptions pass through with any code.
#include <doctest/doctest.h>

#include "gateway/daemon/reply_check.h"
#include "proto/modbus/framing.h"

namespace tristar::gateway {
namespace {

LinkRequest read(std::uint8_t function, std::uint16_t address, std::uint16_t count) {
    LinkRequest r;
    r.function = function;
    r.address = address;
    r.count = count;
    return r;
}

modbus::Bytes registers_pdu(std::initializer_list<std::uint16_t> words) {
    modbus::Bytes pdu{3, static_cast<std::uint8_t>(2 * words.size())};
    for (auto w : words) modbus::put_u16(pdu, w);
    return pdu;
}

}  // namespace

TEST_CASE("request PDUs are what the Modbus spec says") {
    CHECK(request_pdu(read(3, 0xE0C0, 4)) == modbus::Bytes{3, 0xE0, 0xC0, 0, 4});
    LinkRequest coil;
    coil.function = 5;
    coil.address = 2;
    coil.coil_value = true;
    CHECK(request_pdu(coil) == modbus::Bytes{5, 0, 2, 0xFF, 0});
    LinkRequest many;
    many.function = 16;
    many.address = 0x58;
    many.count = 2;
    many.values[0] = 0x3333;
    many.values[1] = 0x0A33;
    CHECK(request_pdu(many) == modbus::Bytes{16, 0, 0x58, 0, 2, 4, 0x33, 0x33, 0x0A, 0x33});
}

TEST_CASE("a register reply of the right size is taken; any other is corrupt") {
    LinkResult result;
    const auto request = read(3, 0x18, 2);
    auto check = check_reply_pdu(request, registers_pdu({2445, 7}), result);
    CHECK(check.status == LinkStatus::ok);
    CHECK(result.count == 2);
    CHECK(result.registers[0] == 2445);
    CHECK(check_reply_pdu(request, registers_pdu({1, 2, 3}), result).status == LinkStatus::corrupt);
    CHECK(check_reply_pdu(request, registers_pdu({1}), result).status == LinkStatus::corrupt);
    auto cut = registers_pdu({1, 2});
    cut.pop_back();
    CHECK(check_reply_pdu(request, cut, result).status == LinkStatus::corrupt);
    CHECK(check_reply_pdu(read(4, 0x18, 2), registers_pdu({1, 2}), result).status ==
          LinkStatus::corrupt);
}

TEST_CASE("exceptions pass through with any code, in spec or not") {
    LinkResult result;
    const auto request = read(3, 0xE08E, 10);
    for (const std::uint8_t code : std::initializer_list<std::uint8_t>{2, 6, 11, 0x55, 0xFF}) {
        const auto check = check_reply_pdu(request, modbus::Bytes{0x83, code}, result);
        CHECK(check.status == LinkStatus::exception);
        CHECK(check.exception == code);
    }
    CHECK(check_reply_pdu(request, modbus::Bytes{0x84, 2}, result).status == LinkStatus::corrupt);
    CHECK(check_reply_pdu(request, modbus::Bytes{0x83, 2, 0}, result).status ==
          LinkStatus::corrupt);
}

TEST_CASE("bit replies unpack LSB first and must have the right byte count") {
    LinkResult result;
    const auto request = read(1, 0, 10);
    CHECK(check_reply_pdu(request, modbus::Bytes{1, 2, 0b0000'0101, 0b10}, result).status ==
          LinkStatus::ok);
    CHECK(result.bits[0] == 1);
    CHECK(result.bits[1] == 0);
    CHECK(result.bits[2] == 1);
    CHECK(result.bits[9] == 1);
    CHECK(check_reply_pdu(request, modbus::Bytes{1, 1, 5}, result).status == LinkStatus::corrupt);
}

TEST_CASE("write replies must echo the address and value of their own request") {
    LinkResult result;
    LinkRequest write;
    write.function = 6;
    write.address = 0x59;
    write.values[0] = 2611;
    CHECK(check_reply_pdu(write, modbus::Bytes{6, 0, 0x59, 0x0A, 0x33}, result).status ==
          LinkStatus::ok);
    CHECK(check_reply_pdu(write, modbus::Bytes{6, 0, 0x58, 0x0A, 0x33}, result).status ==
          LinkStatus::corrupt);
    CHECK(check_reply_pdu(write, modbus::Bytes{6, 0, 0x59, 0x0A, 0x34}, result).status ==
          LinkStatus::corrupt);
}

TEST_CASE("TCP replies need the request's transaction id and unit; RTU replies its unit") {
    LinkResult result;
    auto request = read(3, 0x18, 1);
    request.unit = 1;
    const auto pdu = registers_pdu({42});
    const auto adu = modbus::encode_tcp_adu(7, 1, pdu);
    CHECK(check_reply(request, {true, 7}, adu, result).status == LinkStatus::ok);
    CHECK(check_reply(request, {true, 8}, adu, result).status == LinkStatus::corrupt);
    CHECK(check_reply(request, {true, 7}, modbus::encode_tcp_adu(7, 2, pdu), result).status ==
          LinkStatus::corrupt);
    auto longer = adu;
    longer.push_back(0);
    CHECK(check_reply(request, {true, 7}, longer, result).status == LinkStatus::corrupt);
    const auto frame = modbus::build_rtu_frame(1, pdu);
    CHECK(check_reply(request, {false, 0}, frame, result).status == LinkStatus::ok);
    CHECK(result.registers[0] == 42);
    CHECK(check_reply(request, {false, 0}, modbus::build_rtu_frame(2, pdu), result).status ==
          LinkStatus::corrupt);
}

}  // namespace tristar::gateway
