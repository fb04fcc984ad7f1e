#pragma once
// The ROUTER socket's message I/O. Receiving: a client's message (every frame, routing envelope
// included) is bounded as a whole; one over the bound is read to its end frame by frame and
// dropped, never copied. Sending: a reply is either queued towards its client or reported as
// dropped (the client's reply queue is full) or unroutable (the client has gone), never lost
// silently (ZMQ_ROUTER_MANDATORY).
#include <cstddef>
#include <optional>
#include <string>
#include <vector>
#include <zmq.hpp>

namespace tristar::gateway {

// Each frame counts its bytes plus this, so a message of many empty frames is bounded too.
inline constexpr std::size_t frame_overhead_bytes = 64;
// Room for the routing envelope: a 255-byte routing id per hop, REQ's delimiter.
inline constexpr std::size_t envelope_allowance_bytes = 4096;

// The bound of a whole message for a request frame of at most `max_frame_bytes`. Requests
// between max_frame_bytes and this still get INVALID_REQUEST with their id.
std::size_t message_limit(std::size_t max_frame_bytes);

// Requests a client may have in flight (sent, reply not yet read) without ever losing a reply:
// the bridge's 64 connections x 16. It is also the most ZeroMQ can promise: its writer learns of
// the reader's progress in batches, every HWM - 1024 messages read (HWM / 2 below 2048), so a
// queue always has room for about 1024 replies beyond what the client has not read, not more.
inline constexpr std::size_t answered_at_once_allowance = 1024;

// The ROUTER's send queue towards each client, in messages: what a client may have waiting for
// the device (`max_queue_per_client`) and the replies of requests answered at once (BUSY, cache
// hits, refusals, status), doubled for the batching above; at least 2048, the queue that
// guarantees the 1024. A reply beyond it goes to a client that does not read: dropped, counted.
int reply_queue_messages(std::size_t max_queue_per_client);

// Limits, ROUTER_MANDATORY and the send queue; before binding.
void configure_router(zmq::socket_t& router, std::size_t max_frame_bytes,
                      std::size_t max_queue_per_client);

struct ClientMessage {
    std::vector<std::string> envelope;  // routing frames
    zmq::message_t payload;
    int fd = -1;  // the connection it came on (ZMQ_SRCFD), -1 when unknown
};

struct Received {
    std::optional<ClientMessage> message;  // nothing: none waiting, or dropped
    bool oversize = false;                 // a message was dropped for its size
};

// The next message without waiting.
Received receive_bounded(zmq::socket_t& router, std::size_t limit);

enum class Sent { queued, dropped, unroutable };
Sent send_message(zmq::socket_t& router, const std::vector<std::string>& envelope,
                  const std::string& payload);

}  // namespace tristar::gateway
