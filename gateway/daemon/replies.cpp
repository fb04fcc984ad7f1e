#include "gateway/daemon/replies.h"

#include <spdlog/spdlog.h>

#include "gateway/daemon/admission.h"
#include "gateway/daemon/elapsed.h"
#include "gateway/daemon/router_io.h"

namespace tristar::gateway {
namespace {

bool reached_device(const v1::Reply& reply) {
    if (!reply.has_error()) return true;
    const auto code = reply.error().code();
    return code != v1::BUSY && code != v1::DEADLINE_EXCEEDED && code != v1::DEVICE_UNAVAILABLE;
}

}  // namespace

LogLimit& unsent_writes_log() {
    static LogLimit limit{"[write] writes not sent"};
    return limit;
}

void Replies::answer(const Pending& pending, v1::Reply& reply) {
    reply.set_id(pending.request.id());
    const auto total = us_between(pending.arrival, Clock::now());
    reply.set_queue_us(total > reply.device_us() ? total - reply.device_us() : 0);
    // Every write that reached the device is logged; those answered without reaching it (busy,
    // deadline, device unavailable) are lines a client can cause at will: rate-limited.
    if (pending.lane == Lane::write && (reached_device(reply) || unsent_writes_log().allow())) {
        const std::string outcome =
            reply.has_error() ? v1::ErrorCode_Name(reply.error().code()) : "ok";
        spdlog::info("[write] client '{}' {} -> {}", pending.request.client_name(),
                     describe_write(pending.request), outcome);
    }
    send(pending.envelope, reply);
}

void Replies::answer_error(const Pending& pending, v1::ErrorCode code, const std::string& message) {
    v1::Reply reply;
    auto* error = reply.mutable_error();
    error->set_code(code);
    error->set_message(message);
    answer(pending, reply);
}

void Replies::send(const std::vector<std::string>& envelope, const v1::Reply& reply) {
    if (envelope.empty()) return;  // the gateway's own request: nobody to answer
    switch (send_message(router_, envelope, reply.SerializeAsString())) {
        case Sent::queued: return;
        case Sent::dropped:
            ++health_.counters.dropped_replies;
            spdlog::debug("[front] reply {} dropped: the client's reply queue is full", reply.id());
            return;
        case Sent::unroutable: ++health_.counters.unroutable_replies; return;
    }
}

}  // namespace tristar::gateway
