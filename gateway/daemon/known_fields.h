#pragma once
// Whether a serialized Request carries fields this gateway does not know: a client built against
// a newer schema. Such a request is refused, not guessed at (docs/protocol.md "Compatibility").
// The lite protobuf runtime keeps unknown fields as opaque bytes with no accessor, so the check
// walks the wire format against the field numbers and wire types of gateway.proto (Request and
// its bodies); test_validation.cpp checks this table against a request with every field set.
#include <cstdint>
#include <span>

namespace tristar::gateway {

// True for a field number Request (or its body) does not define, or a known number with a wire
// type its parser would not accept; also for bytes that are not protobuf wire format.
bool has_unknown_fields(std::span<const std::uint8_t> request);

}  // namespace tristar::gateway
