#include "gateway/daemon/validation.h"

#include "gateway/daemon/link_types.h"

namespace tristar::gateway {
namespace {

using Problem = std::optional<std::string>;

std::string range_text(std::uint64_t low, std::uint64_t high) {
    return std::to_string(low) + ".." + std::to_string(high);
}

Problem check_span(std::uint32_t address, std::uint32_t count, std::uint32_t max_count) {
    if (address > 0xFFFF) return "address " + std::to_string(address) + " is past 0xFFFF";
    if (count < 1 || count > max_count)
        return "count " + std::to_string(count) + " is outside " + range_text(1, max_count);
    if (address + count > 0x10000)
        return "range " + std::to_string(address) + "+" + std::to_string(count) +
               " runs past 0xFFFF";
    return std::nullopt;
}

Problem check(const v1::ReadRegisters& body) {
    if (body.function() != 3 && body.function() != 4)
        return "read_registers function must be 3 or 4, not " + std::to_string(body.function());
    return check_span(body.address(), body.count(), max_read_registers);
}

Problem check(const v1::ReadBits& body) {
    if (body.function() != 1 && body.function() != 2)
        return "read_bits function must be 1 or 2, not " + std::to_string(body.function());
    return check_span(body.address(), body.count(), max_read_bits);
}

Problem check(const v1::WriteCoil& body) {
    return check_span(body.address(), 1, 1);
}

Problem check(const v1::WriteRegister& body) {
    if (body.value() > 0xFFFF) return "value " + std::to_string(body.value()) + " is past 0xFFFF";
    return check_span(body.address(), 1, 1);
}

Problem check(const v1::WriteRegisters& body) {
    for (auto value : body.values())
        if (value > 0xFFFF) return "value " + std::to_string(value) + " is past 0xFFFF";
    return check_span(body.address(), static_cast<std::uint32_t>(body.values_size()),
                      max_write_registers);
}

Problem check_body(const v1::Request& request) {
    switch (request.body_case()) {
        case v1::Request::kReadRegisters: return check(request.read_registers());
        case v1::Request::kReadBits: return check(request.read_bits());
        case v1::Request::kWriteCoil: return check(request.write_coil());
        case v1::Request::kWriteRegister: return check(request.write_register());
        case v1::Request::kWriteRegisters: return check(request.write_registers());
        case v1::Request::kStatus: return std::nullopt;
        case v1::Request::BODY_NOT_SET: break;
    }
    return "request has no body (read_registers, read_bits, write_*, status)";
}

}  // namespace

std::optional<std::string> validate(const v1::Request& request, const ValidationLimits& limits) {
    if (!v1::Priority_IsValid(request.priority()))
        return "unknown priority " + std::to_string(request.priority());
    if (request.unit() > 255) return "unit " + std::to_string(request.unit()) + " is past 255";
    if (request.deadline_ms() > limits.max_deadline_ms)
        return "deadline_ms " + std::to_string(request.deadline_ms()) + " is over the maximum " +
               std::to_string(limits.max_deadline_ms);
    return check_body(request);
}

}  // namespace tristar::gateway
