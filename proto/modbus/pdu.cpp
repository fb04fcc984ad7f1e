#include "proto/modbus/pdu.h"

#include <utility>

namespace tristar::modbus {

namespace {

constexpr std::uint32_t address_space = 0x10000;

ParsedRequest fail(std::uint8_t function, ExceptionCode code) {
    ParsedRequest parsed;
    parsed.request.function = function;
    parsed.error = code;
    return parsed;
}

// Quantity first (illegal data value), then the address range (illegal data address): the order
// of the Modbus specification's state diagrams (section 6).
std::optional<ExceptionCode> check_range(std::uint16_t address, std::uint16_t count,
                                         std::uint16_t max_count) {
    if (count < 1 || count > max_count) return ExceptionCode::illegal_data_value;
    if (std::uint32_t{address} + count > address_space) return ExceptionCode::illegal_data_address;
    return std::nullopt;
}

ParsedRequest parse_read(std::span<const std::uint8_t> pdu) {
    const std::uint8_t function = pdu[0];
    if (pdu.size() != 5) return fail(function, ExceptionCode::illegal_data_value);
    ParsedRequest parsed;
    parsed.request = {function, get_u16(pdu, 1), get_u16(pdu, 3), 0, {}};
    const auto max = is_bit_access(function) ? max_read_bits : max_read_registers;
    parsed.error = check_range(parsed.request.address, parsed.request.count, max);
    return parsed;
}

ParsedRequest parse_write_single(std::span<const std::uint8_t> pdu) {
    const std::uint8_t function = pdu[0];
    if (pdu.size() != 5) return fail(function, ExceptionCode::illegal_data_value);
    ParsedRequest parsed;
    parsed.request = {function, get_u16(pdu, 1), 1, get_u16(pdu, 3), {}};
    const std::uint16_t value = parsed.request.value;
    if (function == fc::write_single_coil && value != coil_on && value != coil_off) {
        parsed.error = ExceptionCode::illegal_data_value;
    }
    return parsed;
}

ParsedRequest parse_write_multiple_registers(std::span<const std::uint8_t> pdu) {
    const std::uint8_t function = pdu[0];
    if (pdu.size() < 6) return fail(function, ExceptionCode::illegal_data_value);
    const std::uint16_t address = get_u16(pdu, 1);
    const std::uint16_t count = get_u16(pdu, 3);
    const std::size_t byte_count = pdu[5];
    if (byte_count != std::size_t{count} * 2 || pdu.size() != 6 + byte_count) {
        return fail(function, ExceptionCode::illegal_data_value);
    }
    ParsedRequest parsed;
    parsed.request = {function, address, count, 0, {}};
    parsed.error = check_range(address, count, max_write_registers);
    if (parsed.error) return parsed;
    for (std::size_t i = 0; i < count; ++i)
        parsed.request.values.push_back(get_u16(pdu, 6 + 2 * i));
    return parsed;
}

// Modbus Application Protocol V1.1b3, section 7.
constexpr std::pair<ExceptionCode, std::string_view> exception_names[] = {
    {ExceptionCode::illegal_function, "illegal function"},
    {ExceptionCode::illegal_data_address, "illegal data address"},
    {ExceptionCode::illegal_data_value, "illegal data value"},
    {ExceptionCode::server_device_failure, "server device failure"},
    {ExceptionCode::acknowledge, "acknowledge"},
    {ExceptionCode::server_device_busy, "server device busy"},
    {ExceptionCode::memory_parity_error, "memory parity error"},
    {ExceptionCode::gateway_path_unavailable, "gateway path unavailable"},
    {ExceptionCode::gateway_target_failed, "gateway target device failed to respond"},
};

}  // namespace

std::string_view exception_name(ExceptionCode code) {
    for (const auto& [known, name] : exception_names) {
        if (known == code) return name;
    }
    return "unknown exception";
}

bool is_read(std::uint8_t function) {
    return function >= fc::read_coils && function <= fc::read_input_registers;
}

bool is_write(std::uint8_t function) {
    return function == fc::write_single_coil || function == fc::write_single_register ||
           function == fc::write_multiple_coils || function == fc::write_multiple_registers;
}

bool is_bit_access(std::uint8_t function) {
    return function == fc::read_coils || function == fc::read_discrete_inputs ||
           function == fc::write_single_coil || function == fc::write_multiple_coils;
}

ParsedRequest parse_request(std::span<const std::uint8_t> pdu) {
    if (pdu.empty()) return fail(0, ExceptionCode::illegal_function);
    const std::uint8_t function = pdu[0];
    if (pdu.size() > max_pdu_size) return fail(function, ExceptionCode::illegal_data_value);
    if (is_read(function)) return parse_read(pdu);
    if (function == fc::write_single_coil || function == fc::write_single_register) {
        return parse_write_single(pdu);
    }
    if (function == fc::write_multiple_registers) return parse_write_multiple_registers(pdu);
    return fail(function, ExceptionCode::illegal_function);
}

Bytes encode_request(const Request& request) {
    Bytes out{request.function};
    if (is_read(request.function)) {
        put_u16(out, request.address);
        put_u16(out, request.count);
    } else if (request.function == fc::write_single_coil ||
               request.function == fc::write_single_register) {
        put_u16(out, request.address);
        put_u16(out, request.value);
    } else if (request.function == fc::write_multiple_registers) {
        put_u16(out, request.address);
        put_u16(out, static_cast<std::uint16_t>(request.values.size()));
        out.push_back(static_cast<std::uint8_t>(request.values.size() * 2));
        for (const auto word : request.values) put_u16(out, word);
    }
    return out;
}

Bytes read_bits_response(std::uint8_t function, const std::vector<bool>& bits) {
    const std::size_t byte_count = (bits.size() + 7) / 8;
    Bytes out{function, static_cast<std::uint8_t>(byte_count)};
    out.resize(2 + byte_count, 0);
    for (std::size_t i = 0; i < bits.size(); ++i) {
        if (bits[i]) out[2 + i / 8] |= static_cast<std::uint8_t>(1U << (i % 8));
    }
    return out;
}

Bytes read_registers_response(std::uint8_t function, std::span<const std::uint16_t> words) {
    Bytes out{function, static_cast<std::uint8_t>(words.size() * 2)};
    for (const auto word : words) put_u16(out, word);
    return out;
}

Bytes write_single_response(std::uint8_t function, std::uint16_t address, std::uint16_t value) {
    Bytes out{function};
    put_u16(out, address);
    put_u16(out, value);
    return out;
}

Bytes write_multiple_response(std::uint8_t function, std::uint16_t address, std::uint16_t count) {
    return write_single_response(function, address, count);
}

Bytes exception_response(std::uint8_t function, ExceptionCode code) {
    return {static_cast<std::uint8_t>(function | fc::exception_flag),
            static_cast<std::uint8_t>(code)};
}

bool is_exception_response(std::span<const std::uint8_t> pdu) {
    return !pdu.empty() && (pdu[0] & fc::exception_flag) != 0;
}

std::optional<ExceptionCode> response_exception(std::span<const std::uint8_t> pdu) {
    if (!is_exception_response(pdu) || pdu.size() != 2) return std::nullopt;
    return static_cast<ExceptionCode>(pdu[1]);
}

std::optional<std::vector<std::uint16_t>> parse_read_registers_response(
    std::span<const std::uint8_t> pdu) {
    if (pdu.size() < 2 || is_exception_response(pdu)) return std::nullopt;
    const std::size_t byte_count = pdu[1];
    if (byte_count % 2 != 0 || pdu.size() != 2 + byte_count) return std::nullopt;
    std::vector<std::uint16_t> words;
    for (std::size_t i = 0; i < byte_count / 2; ++i) words.push_back(get_u16(pdu, 2 + 2 * i));
    return words;
}

std::optional<std::vector<bool>> parse_read_bits_response(std::span<const std::uint8_t> pdu,
                                                          std::uint16_t count) {
    if (pdu.size() < 2 || is_exception_response(pdu)) return std::nullopt;
    const std::size_t byte_count = pdu[1];
    if (pdu.size() != 2 + byte_count || byte_count != (std::size_t{count} + 7) / 8) {
        return std::nullopt;
    }
    std::vector<bool> bits;
    for (std::size_t i = 0; i < count; ++i)
        bits.push_back(((static_cast<unsigned>(pdu[2 + i / 8]) >> (i % 8)) & 1U) != 0);
    return bits;
}

std::uint16_t get_u16(std::span<const std::uint8_t> bytes, std::size_t offset) {
    return static_cast<std::uint16_t>((bytes[offset] << 8) | bytes[offset + 1]);
}

void put_u16(Bytes& out, std::uint16_t value) {
    out.push_back(static_cast<std::uint8_t>(value >> 8));
    out.push_back(static_cast<std::uint8_t>(value & 0xFF));
}

}  // namespace tristar::modbus
