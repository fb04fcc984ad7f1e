#pragma once
// Modbus application protocol (PDU level): function codes, exception codes, request parsing with
// the validation rules of the Modbus Application Protocol Specification v1.1b3 (section 6), and
// response / exception building. Pure: bytes in, bytes out; no I/O, no transport.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace tristar::modbus {

using Bytes = std::vector<std::uint8_t>;

namespace fc {
inline constexpr std::uint8_t read_coils = 0x01;
inline constexpr std::uint8_t read_discrete_inputs = 0x02;
inline constexpr std::uint8_t read_holding_registers = 0x03;
inline constexpr std::uint8_t read_input_registers = 0x04;
inline constexpr std::uint8_t write_single_coil = 0x05;
inline constexpr std::uint8_t write_single_register = 0x06;
inline constexpr std::uint8_t write_multiple_coils = 0x0F;
inline constexpr std::uint8_t write_multiple_registers = 0x10;
inline constexpr std::uint8_t encapsulated_interface = 0x2B;
inline constexpr std::uint8_t exception_flag = 0x80;
}  // namespace fc

enum class ExceptionCode : std::uint8_t {
    illegal_function = 0x01,
    illegal_data_address = 0x02,
    illegal_data_value = 0x03,
    server_device_failure = 0x04,
    acknowledge = 0x05,
    server_device_busy = 0x06,
    memory_parity_error = 0x08,
    gateway_path_unavailable = 0x0A,
    gateway_target_failed = 0x0B,
};

std::string_view exception_name(ExceptionCode code);

// Limits from the Modbus Application Protocol Specification (section 6).
inline constexpr std::size_t max_pdu_size = 253;
inline constexpr std::uint16_t max_read_bits = 2000;
inline constexpr std::uint16_t max_read_registers = 125;
inline constexpr std::uint16_t max_write_registers = 123;
inline constexpr std::uint16_t coil_on = 0xFF00;
inline constexpr std::uint16_t coil_off = 0x0000;

// What a request asks for. Which fields are meaningful depends on `function`:
//   FC01-04: address, count.   FC05: address, value (0xFF00 / 0x0000).   FC06: address, value.
//   FC16: address, count, values.   Any other FC: only `function`.
struct Request {
    std::uint8_t function = 0;
    std::uint16_t address = 0;
    std::uint16_t count = 0;
    std::uint16_t value = 0;
    std::vector<std::uint16_t> values;

    bool operator==(const Request&) const = default;
};

// The result of parsing a request PDU. When `error` is set the request must be answered with
// that exception (request.function still holds the function code, for the exception PDU).
struct ParsedRequest {
    Request request;
    std::optional<ExceptionCode> error;

    bool ok() const { return !error.has_value(); }
};

bool is_read(std::uint8_t function);   // FC01-FC04
bool is_write(std::uint8_t function);  // FC05, FC06, FC15, FC16
bool is_bit_access(std::uint8_t function);

// Parses and validates a request PDU (function code first, no unit id, no CRC). Unknown function
// codes give illegal_function; wrong quantities, FC05 values other than 0xFF00/0x0000, an FC16
// byte count that disagrees with its quantity, or a PDU of the wrong length give
// illegal_data_value; a range past 0xFFFF gives illegal_data_address.
ParsedRequest parse_request(std::span<const std::uint8_t> pdu);

// Encodes a request PDU (the client side; also used by tests).
Bytes encode_request(const Request& request);

// Response PDUs.
Bytes read_bits_response(std::uint8_t function, const std::vector<bool>& bits);
Bytes read_registers_response(std::uint8_t function, std::span<const std::uint16_t> words);
Bytes write_single_response(std::uint8_t function, std::uint16_t address, std::uint16_t value);
Bytes write_multiple_response(std::uint8_t function, std::uint16_t address, std::uint16_t count);
Bytes exception_response(std::uint8_t function, ExceptionCode code);

// Response inspection (client side and tests).
bool is_exception_response(std::span<const std::uint8_t> pdu);
std::optional<ExceptionCode> response_exception(std::span<const std::uint8_t> pdu);
// The words of an FC03/FC04 response, or nothing if it is malformed or an exception.
std::optional<std::vector<std::uint16_t>> parse_read_registers_response(
    std::span<const std::uint8_t> pdu);
// The first `count` bits of an FC01/FC02 response, or nothing if it is malformed.
std::optional<std::vector<bool>> parse_read_bits_response(std::span<const std::uint8_t> pdu,
                                                          std::uint16_t count);

// Big-endian helpers (Modbus is big-endian on the wire).
std::uint16_t get_u16(std::span<const std::uint8_t> bytes, std::size_t offset);
void put_u16(Bytes& out, std::uint16_t value);

}  // namespace tristar::modbus
