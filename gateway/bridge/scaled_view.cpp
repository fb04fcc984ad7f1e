#include "gateway/bridge/scaled_view.h"

#include <bit>
#include <cmath>
#include <limits>
#include <vector>

#include "gateway/bridge/translate.h"
#include "proto/tristar/decode.h"
#include "proto/tristar/register_map.h"

namespace tristar::bridge {
namespace {

using enum Encoding;
using modbus::ExceptionCode;

static_assert(live_block_words == addr::live_last - addr::live_first + 1);

constexpr std::array fields{
    ScaledField{0, "battery_voltage", float32, 1.0, "V"},           // 0x18 adc_vb_f_med
    ScaledField{2, "battery_current", float32, 1.0, "A"},           // 0x1C adc_ib_f_shadow, signed
    ScaledField{4, "array_voltage", float32, 1.0, "V"},             // 0x1B adc_va_f
    ScaledField{6, "array_current", float32, 1.0, "A"},             // 0x1D adc_ia_f_shadow
    ScaledField{8, "output_power", float32, 1.0, "W"},              // 0x3A power_out_shadow
    ScaledField{10, "heatsink_temperature", float32, 1.0, "degC"},  // 0x23 T_hs
    ScaledField{12, "battery_temperature", float32, 1.0, "degC"},   // 0x25 T_batt
    ScaledField{14, "energy_daily", float32, 0.001, "kWh"},         // 0x44 whc_daily, raw = Wh
    ScaledField{16, "kwh_total", float32, 1.0, "kWh"},              // 0x39 kwhc_t
    ScaledField{18, "target_voltage", float32, 1.0, "V"},           // 0x33 vb_ref
    ScaledField{20, "sweep_vmp", float32, 1.0, "V"},                // 0x3D
    ScaledField{22, "sweep_voc", float32, 1.0, "V"},                // 0x3E
    ScaledField{24, "sweep_pmax", float32, 1.0, "W"},               // 0x3C sweep_Pin_max
    ScaledField{26, "charge_state", u16, 1.0, ""},                  // 0x32, raw enum
    ScaledField{27, "faults", u16, 1.0, ""},                        // 0x2C, bitmask
    ScaledField{28, "alarms", u32, 1.0, ""},                        // 0x2E/0x2F, high word first
};

// The decoded value of the field's register, or nothing (not in the block, not a number).
std::optional<double> decoded(const ScaledField& field, std::span<const std::uint16_t> live,
                              const Scale& scale) {
    const Register* reg = find_register(field.source);
    if (reg == nullptr || std::size_t{reg->address} + reg->words > live.size()) return std::nullopt;
    const auto value = decode(*reg, live.subspan(reg->address, reg->words), scale);
    if (!value.number) return std::nullopt;
    return *value.number * field.factor;
}

void put(const ScaledField& field, std::optional<double> value,
         std::array<std::uint16_t, scaled_register_count>& out) {
    switch (field.encoding) {
        case float32: {
            const float number =
                value ? static_cast<float>(*value) : std::numeric_limits<float>::quiet_NaN();
            const auto words = float_words(number);
            out[field.offset] = words[0];
            out[field.offset + 1U] = words[1];
            break;
        }
        case u16: out[field.offset] = static_cast<std::uint16_t>(value.value_or(0.0)); break;
        case u32: {
            const auto bits = static_cast<std::uint32_t>(value.value_or(0.0));
            out[field.offset] = static_cast<std::uint16_t>(bits >> 16U);
            out[field.offset + 1U] = static_cast<std::uint16_t>(bits & 0xFFFFU);
            break;
        }
    }
}

}  // namespace

std::span<const ScaledField> scaled_fields() {
    return fields;
}

std::uint16_t words_of(Encoding encoding) {
    return encoding == u16 ? 1 : 2;
}

std::array<std::uint16_t, 2> float_words(float value) {
    const auto bits = std::bit_cast<std::uint32_t>(value);
    return {static_cast<std::uint16_t>(bits >> 16U), static_cast<std::uint16_t>(bits & 0xFFFFU)};
}

std::array<std::uint16_t, scaled_register_count> scaled_words(std::span<const std::uint16_t> live) {
    std::array<std::uint16_t, scaled_register_count> out{};
    const Scale scale = scale_from_words(live);
    for (const auto& field : fields) put(field, decoded(field, live, scale), out);
    return out;
}

std::optional<ExceptionCode> check_scaled_request(const modbus::Request& request) {
    if (request.function != modbus::fc::read_holding_registers &&
        request.function != modbus::fc::read_input_registers)
        return ExceptionCode::illegal_function;
    if (std::uint32_t{request.address} + request.count > scaled_register_count)
        return ExceptionCode::illegal_data_address;
    return std::nullopt;
}

v1::Request live_block_request(std::uint32_t max_age_ms) {
    v1::Request request;
    auto* read = request.mutable_read_registers();
    read->set_function(modbus::fc::read_input_registers);
    read->set_address(addr::live_first);
    read->set_count(live_block_words);
    request.set_max_age_ms(max_age_ms);
    return request;
}

modbus::Bytes scaled_response(const modbus::Request& request, const v1::Reply& reply) {
    if (reply.has_error())
        return modbus::exception_response(request.function, exception_for(reply.error()));
    if (!reply.has_registers() || reply.registers().values_size() != live_block_words)
        return modbus::exception_response(request.function, ExceptionCode::server_device_failure);
    std::vector<std::uint16_t> live;
    live.reserve(live_block_words);
    for (const auto value : reply.registers().values())
        live.push_back(static_cast<std::uint16_t>(value));
    const auto words = scaled_words(live);
    const auto slice = std::span(words).subspan(request.address, request.count);
    return modbus::read_registers_response(request.function, slice);
}

}  // namespace tristar::bridge
