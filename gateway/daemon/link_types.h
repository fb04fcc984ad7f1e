#pragma once
// Messages between the front loop and the link worker (same process, one-slot mailbox).
// Trivially copyable on purpose: the slot is plain memory, filled in place.
#include <array>
#include <cstdint>
#include <type_traits>

namespace tristar::gateway {

inline constexpr std::size_t max_read_registers = 125;   // Modbus spec, FC03/FC04
inline constexpr std::size_t max_read_bits = 2000;       // Modbus spec, FC01/FC02
inline constexpr std::size_t max_write_registers = 123;  // Modbus spec, FC16

// One Modbus call. The front loop fills it only from validated requests; `count` never
// exceeds the limit of its function code (link_request_of clamps, check_reply relies on it).
struct LinkRequest {
    std::uint64_t seq = 0;
    std::uint8_t function = 0;  // 1, 2, 3, 4, 5, 6 or 16
    std::uint8_t unit = 1;
    std::uint16_t address = 0;
    std::uint16_t count = 0;                                  // reads and FC16
    bool coil_value = false;                                  // FC05
    std::array<std::uint16_t, max_write_registers> values{};  // FC06 uses values[0]

    bool is_write() const { return function == 5 || function == 6 || function == 16; }
    bool is_bit_read() const { return function == 1 || function == 2; }
};

// The outcome of one try on the wire. The front loop decides what follows (retry, fail fast,
// answer): the worker never retries and never sleeps on pacing.
enum class LinkStatus : std::uint8_t {
    ok,
    exception,        // the device answered a Modbus exception (any code, passed through)
    timeout,          // no reply in time
    corrupt,          // a reply that is not a valid answer to this request (CRC, shape, id, cut)
    closed,           // the device closed the connection without a (complete) answer
    unavailable,      // no connection to the device; nothing was sent
    outcome_unknown,  // a write was sent but no valid reply came back
};

// A try that may be repeated for a read: the device may answer the next one.
inline bool retryable(LinkStatus status) {
    return status == LinkStatus::timeout || status == LinkStatus::corrupt ||
           status == LinkStatus::closed;
}

enum class DetectedMode : std::uint8_t { detecting, per_transaction, kept, serial };

// The worker's view of the link; a copy travels with every result.
struct LinkInfo {
    DetectedMode mode = DetectedMode::detecting;
    bool connected = false;          // a connection is open now
    std::uint64_t transactions = 0;  // every try on the wire
    std::uint64_t timeouts = 0;
    std::uint64_t corrupt = 0;     // replies refused as not belonging to their request
    std::uint64_t reconnects = 0;  // connections opened after the first
    std::uint64_t connects_failed = 0;
};

struct LinkResult {
    std::uint64_t seq = 0;
    LinkStatus status = LinkStatus::ok;
    std::uint8_t exception = 0;     // with LinkStatus::exception
    bool fresh_connection = false;  // the try ran on a connection opened for it
    std::uint16_t count = 0;        // registers or bits read
    std::uint32_t device_us = 0;    // wall time of the try (connect and call)
    std::array<std::uint16_t, max_read_registers> registers{};
    std::array<std::uint8_t, max_read_bits> bits{};
    std::array<char, 160> error{};  // NUL-terminated, for people
    LinkInfo info;
};

static_assert(std::is_trivially_copyable_v<LinkRequest>);
static_assert(std::is_trivially_copyable_v<LinkResult>);

const char* to_string(DetectedMode mode);
const char* to_string(LinkStatus status);

}  // namespace tristar::gateway
