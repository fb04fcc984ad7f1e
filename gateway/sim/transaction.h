#pragma once
// What travels between the transports and the transaction engine: a request with its origin, and
// a finished transaction's reply with what the transports must do once it is out.
#include <chrono>
#include <cstdint>
#include <optional>

#include "gateway/sim/device_model.h"
#include "proto/modbus/framing.h"

namespace tristar::sim {

using Clock = std::chrono::steady_clock;

enum class Transport { tcp, rtu };

struct Origin {
    Transport transport = Transport::tcp;
    std::uint64_t connection = 0;  // TCP connection id

    bool operator==(const Origin&) const = default;
};

struct Incoming {
    Origin origin;
    std::uint16_t transaction_id = 0;  // TCP only
    std::uint8_t unit_id = 0;
    modbus::Bytes pdu;
};

// A finished transaction: the framed reply (nothing when withheld or broadcast) and what the
// command asks of the transports once the reply is out.
struct Outgoing {
    Origin origin;
    std::optional<modbus::Bytes> frame;
    CommandEffect effect = CommandEffect::none;
    bool cut = false;  // `frame` is a reply's first half: TCP closes the connection after it
};

}  // namespace tristar::sim
