#pragma once
// Request translation (design.md 5): a Modbus-TCP request to the bridge becomes a gateway request
// or an immediate answer, and the gateway's reply becomes the Modbus response. Every failure is a
// Modbus exception, never a dropped socket. Pure: values in, values out.
//
// Exception mapping (docs/home-assistant.md has the table for users):
//   DEVICE_TIMEOUT, DEVICE_UNAVAILABLE, OUTCOME_UNKNOWN, no reply   -> 0x0B target failed to
//   respond BUSY, DEADLINE_EXCEEDED                                         -> 0x06 server device
//   busy WRITE_DENIED                                                    -> 0x01 illegal function
//   INVALID_REQUEST                                                 -> 0x03 illegal data value
//   MODBUS_EXCEPTION n                                              -> n (the device's own)
//   INTERNAL, an unexpected reply                                   -> 0x04 server device failure
#include <cstdint>
#include <span>

#include "gateway.pb.h"
#include "gateway/bridge/unit_map.h"
#include "proto/modbus/pdu.h"

namespace tristar::bridge {

namespace v1 = tristar::gateway::v1;

// Who serves a request: the TriStar through the gateway, the scaled view (from the live block
// read through the gateway), or nobody (the bridge answers at once, with an exception).
enum class Target { device, scaled, local };

struct TranslateOptions {
    std::uint32_t max_age_ms = 1000;
    std::uint8_t scaled_unit = 2;  // 0 = no scaled view
};

struct Plan {
    modbus::Request request;  // as parsed; request.function is always set
    Target target = Target::local;
    modbus::Bytes answer;  // Target::local: the exception PDU to send
    v1::Request gateway;   // otherwise: what to ask the gateway (id and client left to the caller)
};

// Parses the PDU sent to `unit` and decides who serves it: the device and view `units` maps
// the unit id to (Plan::gateway names the device), or a local 0x0B when it maps none.
Plan plan_request(std::uint8_t unit, std::span<const std::uint8_t> pdu,
                  const TranslateOptions& options, const UnitMap& units);
// As above, with one device: raw on unit 1, scaled on options.scaled_unit.
Plan plan_request(std::uint8_t unit, std::span<const std::uint8_t> pdu,
                  const TranslateOptions& options);

// The gateway request for a parsed device request (unit 0: the gateway's configured device).
v1::Request device_request(const modbus::Request& request, std::uint32_t max_age_ms);

// The Modbus exception for a gateway error.
modbus::ExceptionCode exception_for(const v1::Error& error);

// The response PDU to a device request from the gateway's reply.
modbus::Bytes device_response(const modbus::Request& request, const v1::Reply& reply);

// The response when the gateway did not answer in time: 0x0B.
modbus::Bytes no_reply_response(const modbus::Request& request);

}  // namespace tristar::bridge
