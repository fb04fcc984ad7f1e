#include "gateway/daemon/router_io.h"

#include <cerrno>
#include <cstdint>

namespace tristar::gateway {

std::size_t message_limit(std::size_t max_frame_bytes) {
    return max_frame_bytes + envelope_allowance_bytes + 2 * frame_overhead_bytes;
}

int reply_queue_messages(std::size_t max_queue_per_client) {
    return static_cast<int>(2 * (max_queue_per_client + answered_at_once_allowance));
}

void configure_router(zmq::socket_t& router, std::size_t max_frame_bytes,
                      std::size_t max_queue_per_client) {
    router.set(zmq::sockopt::linger, 0);
    // No frame may be larger than a whole message: ZeroMQ disconnects the peer at the first
    // such frame, before holding it.
    router.set(zmq::sockopt::maxmsgsize, static_cast<std::int64_t>(message_limit(max_frame_bytes)));
    router.set(zmq::sockopt::sndhwm, reply_queue_messages(max_queue_per_client));
    router.set(zmq::sockopt::router_mandatory, 1);
}

Received receive_bounded(zmq::socket_t& router, std::size_t limit) {
    Received result;
    zmq::message_t frame;
    if (!router.recv(frame, zmq::recv_flags::dontwait)) return result;
    std::vector<std::string> envelope;
    std::size_t cost = frame.size() + frame_overhead_bytes;
    while (frame.more()) {
        if (cost <= limit)
            envelope.push_back(frame.to_string());
        else if (!envelope.empty())
            envelope = {};  // over the bound: let go of what was kept
        // The rest of a message is there once its first frame is.
        if (!router.recv(frame)) return result;
        cost += frame.size() + frame_overhead_bytes;
    }
    if (cost > limit) {
        result.oversize = true;
        return result;
    }
    if (!envelope.empty()) {
        const int fd = zmq_msg_get(frame.handle(), ZMQ_SRCFD);
        result.message = ClientMessage{std::move(envelope), std::move(frame), fd};
    }
    return result;
}

Sent send_message(zmq::socket_t& router, const std::vector<std::string>& envelope,
                  const std::string& payload) {
    try {
        // With ROUTER_MANDATORY the first frame fails (EAGAIN) when the client's queue is full
        // and nothing is queued; once it is accepted, the rest of the message is too.
        if (!router.send(zmq::buffer(envelope.front()),
                         zmq::send_flags::sndmore | zmq::send_flags::dontwait))
            return Sent::dropped;
        for (std::size_t i = 1; i < envelope.size(); ++i)
            (void)router.send(zmq::buffer(envelope[i]),
                              zmq::send_flags::sndmore | zmq::send_flags::dontwait);
        (void)router.send(zmq::buffer(payload), zmq::send_flags::dontwait);
        return Sent::queued;
    } catch (const zmq::error_t& error) {
        if (error.num() == EHOSTUNREACH) return Sent::unroutable;
        throw;
    }
}

}  // namespace tristar::gateway
