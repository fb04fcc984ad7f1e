#pragma once
// The bytes of one Modbus call and the check that a reply answers it (design.md 3.2). A late
// reply, another unit's reply, a cut or corrupted frame must never be taken for the answer, so
// every reply is checked against its request: transaction id and unit, function, byte count,
// and for writes the echoed address and value. Exceptions pass through with any code the
// device sends, in spec (1-11) or not. Pure: bytes in, a verdict out.
#include <cstdint>
#include <optional>
#include <span>

#include "gateway/daemon/link_types.h"
#include "proto/modbus/pdu.h"

namespace tristar::gateway {

// The request PDU (function code first) of a link request.
modbus::Bytes request_pdu(const LinkRequest& request);

struct ReplyCheck {
    LinkStatus status = LinkStatus::ok;  // ok, exception or corrupt
    std::uint8_t exception = 0;          // with exception
    const char* why = "";                // with corrupt: for people
};

// Checks a reply PDU (function code first) against `request`. On ok the values read are in
// result.registers or result.bits and result.count.
ReplyCheck check_reply_pdu(const LinkRequest& request, std::span<const std::uint8_t> pdu,
                           LinkResult& result);

// How the reply arrived, as libmodbus's modbus_receive_confirmation hands it over.
struct Framing {
    bool tcp = true;
    std::uint16_t transaction_id = 0;  // tcp: the id the request was sent with
};

// Unwraps the ADU (TCP: MBAP header with id, protocol 0, length and unit; RTU: unit and CRC,
// whose value libmodbus has verified) and checks its PDU.
ReplyCheck check_reply(const LinkRequest& request, const Framing& framing,
                       std::span<const std::uint8_t> adu, LinkResult& result);

}  // namespace tristar::gateway
