#pragma once
// Messages between the front loop and the link worker (same process, inproc PAIR socket).
// Trivially copyable on purpose: they cross the socket as plain bytes.
#include <array>
#include <cstdint>
#include <type_traits>

namespace tristar::gateway {

inline constexpr std::size_t max_read_registers = 125;  // Modbus spec, FC03/FC04
inline constexpr std::size_t max_read_bits = 2000;      // Modbus spec, FC01/FC02
inline constexpr std::size_t max_write_registers = 123; // Modbus spec, FC16

struct LinkRequest {
    std::uint64_t seq = 0;
    std::uint8_t function = 0;  // 1, 2, 3, 4, 5, 6 or 16
    std::uint8_t unit = 1;
    std::uint16_t address = 0;
    std::uint16_t count = 0;    // reads and FC16
    bool coil_value = false;    // FC05
    std::array<std::uint16_t, max_write_registers> values{};  // FC06 uses values[0]

    bool is_write() const { return function == 5 || function == 6 || function == 16; }
    bool is_bit_read() const { return function == 1 || function == 2; }
};

enum class LinkStatus : std::uint8_t {
    ok,
    timeout,          // no valid reply after every permitted try
    unavailable,      // no connection to the device; nothing was sent
    exception,        // the device answered with a Modbus exception
    outcome_unknown,  // a write was sent but no valid reply came back
};

enum class LinkState : std::uint8_t { idle, connected, backoff };
enum class DetectedMode : std::uint8_t { detecting, per_transaction, kept, serial };

// What the front loop shows in status; a copy travels with every result.
struct LinkInfo {
    LinkState state = LinkState::idle;
    DetectedMode mode = DetectedMode::detecting;
    std::int64_t connected_since_unix_ms = 0;
    std::uint64_t transactions = 0;  // every try on the wire
    std::uint64_t retries = 0;
    std::uint64_t timeouts = 0;
    std::uint64_t reconnects = 0;
    std::uint64_t connects_failed = 0;
};

struct LinkResult {
    std::uint64_t seq = 0;
    LinkStatus status = LinkStatus::ok;
    std::uint8_t exception = 0;   // with LinkStatus::exception
    std::uint16_t count = 0;      // registers or bits read
    std::uint32_t device_us = 0;  // wall time of every try, pacing excluded
    std::array<std::uint16_t, max_read_registers> registers{};
    std::array<std::uint8_t, max_read_bits> bits{};
    std::array<char, 160> error{};  // NUL-terminated, for people
    LinkInfo info;
};

static_assert(std::is_trivially_copyable_v<LinkRequest>);
static_assert(std::is_trivially_copyable_v<LinkResult>);

const char* to_string(LinkState state);
const char* to_string(DetectedMode mode);

}  // namespace tristar::gateway
