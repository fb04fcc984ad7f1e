#pragma once
// Connection policy: which Modbus-TCP connections the bridge keeps. Pure: it takes what the
// bridge knows of each open connection and a time, and returns decisions. A new connection is
// never refused: when its address already has max_per_address connections, that address's
// longest-idle one makes room; when the bridge has max_connections, the longest-idle one of all
// does. A connection that sends nothing for idle_timeout, or leaves an MBAP frame unfinished for
// frame_timeout, is closed. Connections that have never sent a complete request go before any
// that have: a flood of new connections, arriving faster than a master's requests, would
// otherwise always find the master the longest idle. So silent or half-sent connections cannot
// hold the slots a polling master (Home Assistant) needs, nor push it out.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace tristar::bridge {

using SteadyTime = std::chrono::steady_clock::time_point;

struct ConnectionLimits {
    std::size_t max_connections = 64;
    std::size_t max_per_address = 16;
    std::chrono::milliseconds idle_timeout{60000};  // 0: never closed for silence
    std::chrono::milliseconds frame_timeout{5000};
};

// What the policy needs to know of one open connection.
struct ConnectionActivity {
    std::uint64_t id = 0;
    std::string_view address;                 // the peer's IP address, without the port
    SteadyTime last_input{};                  // when it last sent a byte (or connected)
    std::optional<SteadyTime> frame_started;  // when its unfinished MBAP frame began
    bool requested = false;                   // it has sent at least one complete request
};

// Why a connection is closed by the bridge rather than by its peer.
enum class Expiry { none, idle, partial_frame };

struct Admission {
    std::optional<std::uint64_t> evict;  // the connection to close first, if any
    bool per_address = false;            // evicted for the address cap, not the total one
};

// Whom to evict so a new connection from `address` fits.
Admission admit(std::span<const ConnectionActivity> open, std::string_view address,
                const ConnectionLimits& limits);

// Whether the connection is past a timeout at `now`; a partial frame wins over idleness.
Expiry expiry(const ConnectionActivity& connection, const ConnectionLimits& limits, SteadyTime now);

// When expiry() next turns true for it, if ever (for the loop's poll timeout).
std::optional<SteadyTime> deadline(const ConnectionActivity& connection,
                                   const ConnectionLimits& limits);

}  // namespace tristar::bridge
