#include "gateway/daemon/reply_check.h"

#include <algorithm>

#include "proto/modbus/framing.h"

namespace tristar::gateway {
namespace {

using modbus::get_u16;
using modbus::put_u16;

ReplyCheck corrupt(const char* why) {
    return {LinkStatus::corrupt, 0, why};
}

ReplyCheck check_registers(const LinkRequest& request, std::span<const std::uint8_t> pdu,
                           LinkResult& result) {
    if (pdu.size() < 2 || pdu[1] != 2u * request.count || pdu.size() != 2u + pdu[1])
        return corrupt("reply byte count does not match the registers asked for");
    for (std::size_t i = 0; i < request.count; ++i) result.registers[i] = get_u16(pdu, 2 + 2 * i);
    result.count = request.count;
    return {};
}

ReplyCheck check_bits(const LinkRequest& request, std::span<const std::uint8_t> pdu,
                      LinkResult& result) {
    const std::size_t bytes = (request.count + 7u) / 8u;
    if (pdu.size() < 2 || pdu[1] != bytes || pdu.size() != 2 + bytes)
        return corrupt("reply byte count does not match the bits asked for");
    for (std::size_t i = 0; i < request.count; ++i)
        result.bits[i] =
            static_cast<std::uint8_t>((static_cast<unsigned>(pdu[2 + i / 8]) >> (i % 8)) & 1u);
    result.count = request.count;
    return {};
}

// FC05, FC06 and FC16 echo the address and the value (or quantity) they executed.
ReplyCheck check_echo(const LinkRequest& request, std::span<const std::uint8_t> pdu) {
    if (pdu.size() != 5) return corrupt("write reply has the wrong length");
    std::uint16_t expected = request.count;
    if (request.function == 5) expected = request.coil_value ? modbus::coil_on : modbus::coil_off;
    if (request.function == 6) expected = request.values[0];
    if (get_u16(pdu, 1) != request.address || get_u16(pdu, 3) != expected)
        return corrupt("write reply echoes another address or value");
    return {};
}

}  // namespace

modbus::Bytes request_pdu(const LinkRequest& request) {
    modbus::Bytes pdu{request.function};
    put_u16(pdu, request.address);
    switch (request.function) {
        case 5: put_u16(pdu, request.coil_value ? modbus::coil_on : modbus::coil_off); break;
        case 6: put_u16(pdu, request.values[0]); break;
        case 16: {
            const auto count = std::min<std::size_t>(request.count, max_write_registers);
            put_u16(pdu, static_cast<std::uint16_t>(count));
            pdu.push_back(static_cast<std::uint8_t>(2 * count));
            for (std::size_t i = 0; i < count; ++i) put_u16(pdu, request.values[i]);
            break;
        }
        default: put_u16(pdu, request.count); break;
    }
    return pdu;
}

ReplyCheck check_reply_pdu(const LinkRequest& request, std::span<const std::uint8_t> pdu,
                           LinkResult& result) {
    if (pdu.empty()) return corrupt("empty reply");
    if (pdu[0] == (request.function | modbus::fc::exception_flag)) {
        if (pdu.size() != 2) return corrupt("exception reply has the wrong length");
        return {LinkStatus::exception, pdu[1], ""};
    }
    if (pdu[0] != request.function) return corrupt("reply is for another function code");
    switch (request.function) {
        case 1:
        case 2: return check_bits(request, pdu, result);
        case 3:
        case 4: return check_registers(request, pdu, result);
        default: return check_echo(request, pdu);
    }
}

ReplyCheck check_reply(const LinkRequest& request, const Framing& framing,
                       std::span<const std::uint8_t> adu, LinkResult& result) {
    if (framing.tcp) {
        const auto header = modbus::decode_mbap(adu);
        if (!header || header->protocol_id != 0 || header->length + 6u != adu.size())
            return corrupt("malformed MBAP header");
        if (header->transaction_id != framing.transaction_id)
            return corrupt("reply carries another transaction id");
        if (header->unit_id != request.unit) return corrupt("reply is from another unit");
        return check_reply_pdu(request, adu.subspan(modbus::mbap_header_size), result);
    }
    if (adu.size() < modbus::rtu_min_adu_size) return corrupt("RTU frame too short");
    if (adu[0] != request.unit) return corrupt("reply is from another unit");
    return check_reply_pdu(request, adu.subspan(1, adu.size() - 3), result);
}

}  // namespace tristar::gateway
