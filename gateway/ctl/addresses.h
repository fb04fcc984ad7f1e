#pragma once
// Parsing of the numbers people type: addresses, counts, register values and coil states
// (decimal or 0x hex), and the Modbus limits a request must respect before it is sent.
// Every function throws UsageError with a message that names the offending text.
#include <cstdint>
#include <optional>
#include <string_view>

namespace tristar::ctl {

// Modbus limits per request (Modbus Application Protocol V1.1b3, 6.1-6.4).
inline constexpr std::uint32_t max_read_registers = 125;
inline constexpr std::uint32_t max_read_bits = 2000;
inline constexpr std::uint32_t address_space = 0x10000;

// "24" or "0x18" as a number; nothing when the text is not a non-negative number.
std::optional<std::uint64_t> parse_number(std::string_view text);

// True when the text starts like a number (a digit or '-'), i.e. is not a name.
bool looks_numeric(std::string_view text);

// An address 0..65535.
std::uint16_t parse_address(std::string_view text);

// A count or a duration in ms: a non-negative number (decimal or 0x hex) up to 2^32 - 1.
std::uint32_t parse_count(std::string_view text, std::string_view what);

// A register value: 0..65535, or -32768..-1 as its two's complement when negative is allowed.
std::uint16_t parse_register_value(std::string_view text, bool allow_negative);

// on/off, 1/0, true/false (any case).
bool parse_coil_state(std::string_view text);

// True for FC01/FC02 (bits), false for FC03/FC04 (registers); throws for any other code.
bool is_bit_function(int function);

// Checks count against the function's limit and that address + count stays inside 0..65535.
void check_read_span(int function, std::uint32_t address, std::uint32_t count);

}  // namespace tristar::ctl
