#include "gateway/bridge/translate.h"

#include "gateway/bridge/config.h"
#include "gateway/bridge/scaled_view.h"

namespace tristar::bridge {
namespace {

using modbus::ExceptionCode;
namespace fc = modbus::fc;

Plan local(const modbus::Request& request, ExceptionCode code) {
    Plan plan;
    plan.request = request;
    plan.target = Target::local;
    plan.answer = modbus::exception_response(request.function, code);
    return plan;
}

template <typename Body>
void set_range(Body* body, const modbus::Request& request) {
    body->set_function(request.function);
    body->set_address(request.address);
    body->set_count(request.count);
}

modbus::Bytes exception(const modbus::Request& request, ExceptionCode code) {
    return modbus::exception_response(request.function, code);
}

modbus::Bytes registers_response(const modbus::Request& request, const v1::Reply& reply) {
    if (!reply.has_registers() || reply.registers().values_size() != request.count)
        return exception(request, ExceptionCode::server_device_failure);
    std::vector<std::uint16_t> words;
    words.reserve(request.count);
    for (const auto value : reply.registers().values())
        words.push_back(static_cast<std::uint16_t>(value));
    return modbus::read_registers_response(request.function, words);
}

modbus::Bytes bits_response(const modbus::Request& request, const v1::Reply& reply) {
    if (!reply.has_bits() || reply.bits().values_size() != request.count)
        return exception(request, ExceptionCode::server_device_failure);
    const std::vector<bool> bits(reply.bits().values().begin(), reply.bits().values().end());
    return modbus::read_bits_response(request.function, bits);
}

// A write's response echoes the request (Modbus Application Protocol 6.5, 6.6, 6.12).
modbus::Bytes write_response(const modbus::Request& request, const v1::Reply& reply) {
    if (!reply.has_write_ok()) return exception(request, ExceptionCode::server_device_failure);
    if (request.function == fc::write_multiple_registers)
        return modbus::write_multiple_response(request.function, request.address, request.count);
    return modbus::write_single_response(request.function, request.address, request.value);
}

}  // namespace

Plan plan_request(std::uint8_t unit, std::span<const std::uint8_t> pdu,
                  const TranslateOptions& options, const UnitMap& units) {
    const auto parsed = modbus::parse_request(pdu);
    if (!parsed.ok()) return local(parsed.request, *parsed.error);
    const modbus::Request& request = parsed.request;
    // No device behind the unit id: 0x0B, as tristar-sim answers (what a TriStar does with
    // another unit id over TCP is undocumented, spec 8).
    const UnitRoute* route = units.find(unit);
    if (route == nullptr) return local(request, ExceptionCode::gateway_target_failed);
    Plan plan;
    plan.request = request;
    if (route->scaled) {
        if (const auto refused = check_scaled_request(request)) return local(request, *refused);
        plan.target = Target::scaled;
        plan.gateway = live_block_request(options.max_age_ms);
    } else {
        plan.target = Target::device;
        plan.gateway = device_request(request, options.max_age_ms);
    }
    plan.gateway.set_device(route->device);
    return plan;
}

Plan plan_request(std::uint8_t unit, std::span<const std::uint8_t> pdu,
                  const TranslateOptions& options) {
    return plan_request(unit, pdu, options, UnitMap(default_routes({}, options.scaled_unit)));
}

v1::Request device_request(const modbus::Request& request, std::uint32_t max_age_ms) {
    v1::Request out;
    switch (request.function) {
        case fc::read_coils:
        case fc::read_discrete_inputs:
            set_range(out.mutable_read_bits(), request);
            out.set_max_age_ms(max_age_ms);
            break;
        case fc::read_holding_registers:
        case fc::read_input_registers:
            set_range(out.mutable_read_registers(), request);
            out.set_max_age_ms(max_age_ms);
            break;
        case fc::write_single_coil:
            out.mutable_write_coil()->set_address(request.address);
            out.mutable_write_coil()->set_value(request.value == modbus::coil_on);
            break;
        case fc::write_single_register:
            out.mutable_write_register()->set_address(request.address);
            out.mutable_write_register()->set_value(request.value);
            break;
        case fc::write_multiple_registers: {
            auto* body = out.mutable_write_registers();
            body->set_address(request.address);
            for (const auto value : request.values) body->add_values(value);
            break;
        }
        default: break;  // parse_request lets no other function through
    }
    return out;
}

ExceptionCode exception_for(const v1::Error& error) {
    switch (error.code()) {
        case v1::DEVICE_TIMEOUT:
        case v1::DEVICE_UNAVAILABLE:
        case v1::OUTCOME_UNKNOWN:  // a write may or may not have run: the master must check
            return ExceptionCode::gateway_target_failed;
        case v1::BUSY:
        case v1::DEADLINE_EXCEEDED: return ExceptionCode::server_device_busy;
        case v1::WRITE_DENIED: return ExceptionCode::illegal_function;
        case v1::INVALID_REQUEST: return ExceptionCode::illegal_data_value;
        case v1::MODBUS_EXCEPTION:
            if (error.modbus_exception() >= 1 && error.modbus_exception() <= 0xFF)
                return static_cast<ExceptionCode>(error.modbus_exception());
            return ExceptionCode::server_device_failure;
        default: return ExceptionCode::server_device_failure;
    }
}

modbus::Bytes device_response(const modbus::Request& request, const v1::Reply& reply) {
    if (reply.has_error()) return exception(request, exception_for(reply.error()));
    if (modbus::is_bit_access(request.function) && modbus::is_read(request.function))
        return bits_response(request, reply);
    if (modbus::is_read(request.function)) return registers_response(request, reply);
    return write_response(request, reply);
}

modbus::Bytes no_reply_response(const modbus::Request& request) {
    return exception(request, ExceptionCode::gateway_target_failed);
}

}  // namespace tristar::bridge
