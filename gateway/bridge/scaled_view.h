#pragma once
// The scaled view (design.md 5): on its own unit id, the TriStar's main values in engineering
// units as IEEE-754 float32 register pairs, high word first (big-endian "ABCD", what Home
// Assistant's `data_type: float32` reads without any swap), plus the charge state, faults and
// alarms as integers. All of it comes from one read of the live block 0x0000-0x005B, decoded by
// the register map (proto/tristar), so nothing here knows a scaling formula.
//
// The layout is data (scaled_fields()); docs/home-assistant.md shows the same table.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "gateway.pb.h"
#include "proto/modbus/pdu.h"

namespace tristar::bridge {

namespace v1 = tristar::gateway::v1;

enum class Encoding : std::uint8_t {
    float32,  // two registers, IEEE-754 single, high word first; NaN when not a number
    u16,      // one register, the raw integer
    u32,      // two registers, high word first
};

struct ScaledField {
    std::uint16_t offset;     // 0-based register address on the scaled unit
    std::string_view source;  // the register map's name of the TriStar register
    Encoding encoding;
    double factor;          // applied to the decoded value (Wh -> kWh: 0.001)
    std::string_view unit;  // of the scaled value: "V", "A", "W", "degC", "kWh", ""
};

inline constexpr std::uint16_t scaled_register_count = 30;
// The live block the view is computed from (register map: addr::live_first..live_last).
inline constexpr std::uint16_t live_block_words = 0x005C;

std::span<const ScaledField> scaled_fields();
std::uint16_t words_of(Encoding encoding);

// The 30 registers of the view from the live block's words (0x0000 first). A short block (less
// than live_block_words) gives NaN and zeros.
std::array<std::uint16_t, scaled_register_count> scaled_words(std::span<const std::uint16_t> live);

// float32 as two registers, high word first.
std::array<std::uint16_t, 2> float_words(float value);

// Why a request to the scaled unit cannot be served, or nothing: FC03/FC04 inside 0..29 only;
// other reads past the table 0x02, anything else (writes, bit reads) 0x01.
std::optional<modbus::ExceptionCode> check_scaled_request(const modbus::Request& request);

// What the bridge asks the gateway for a scaled read: the whole live block, FC04, with max_age.
v1::Request live_block_request(std::uint32_t max_age_ms);

// The response PDU to a scaled read from the gateway's reply to live_block_request().
modbus::Bytes scaled_response(const modbus::Request& request, const v1::Reply& reply);

}  // namespace tristar::bridge
