#include "gateway/daemon/admission.h"

#include <spdlog/spdlog.h>

#include "gateway/base/log_limit.h"
#include "gateway/daemon/client_name.h"
#include "gateway/daemon/device_list.h"
#include "gateway/daemon/known_fields.h"
#include "gateway/daemon/translate.h"

namespace tristar::gateway {
namespace {

constexpr int logged_values = 4;  // of an FC16 write

// Lines a client can cause at will: a flood of them costs a line and a summary a minute.
LogLimit& invalid_writes_log() {
    static LogLimit limit{"[write] invalid writes"};
    return limit;
}

LogLimit& refused_writes_log() {
    static LogLimit limit{"[write] refused writes"};
    return limit;
}

std::string list_values(const v1::WriteRegisters& body) {
    std::string text;
    for (int i = 0; i < std::min(body.values_size(), logged_values); ++i)
        text += (i > 0 ? ", " : "") + std::to_string(body.values(i));
    if (body.values_size() > logged_values)
        text += " (+" + std::to_string(body.values_size() - logged_values) + " more)";
    return text;
}

}  // namespace

Admission::Admission(const Config& config, FrontCounters& counters, HasQueued has_queued)
    : config_(config),
      counters_(counters),
      has_queued_(std::move(has_queued)),
      limits_{static_cast<std::uint32_t>(config.scheduler.max_deadline.count())},
      write_policy_(config.write_policy) {}

Admission::Verdict Admission::admit(const std::vector<std::string>& envelope,
                                    std::span<const std::uint8_t> payload, Clock::time_point now,
                                    const std::optional<std::string>& authenticated_as) {
    ++counters_.requests;
    Pending pending;
    pending.client = envelope.front();
    pending.arrival = now;
    // The name is checked before parsing: protobuf's parser would log every name that is not
    // UTF-8, and the refusal should carry the request's id.
    const auto head = read_request_head(payload);
    if (!head) {
        ++counters_.invalid_requests;
        spdlog::debug("[admission] dropped a frame that is not a Request ({} bytes)",
                      payload.size());
        return Drop{};
    }
    if (auto problem = client_name_problem(head->client_name)) {
        pending.request.set_id(head->id);
        return refusal(pending.request, v1::INVALID_REQUEST, *problem);
    }
    if (!pending.request.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
        ++counters_.invalid_requests;
        spdlog::debug("[admission] dropped a frame that is not a Request ({} bytes)",
                      payload.size());
        return Drop{};
    }
    // An authenticated client is who its key or its uid says, whatever name it sends.
    if (authenticated_as) pending.request.set_client_name(*authenticated_as);
    // Parsed first (under ZeroMQ's hard limit) only so that the refusal can carry the id.
    if (payload.size() > config_.server.max_frame_bytes)
        return refusal(pending.request, v1::INVALID_REQUEST,
                       "frame of " + std::to_string(payload.size()) +
                           " bytes is over the limit of " +
                           std::to_string(config_.server.max_frame_bytes));
    clients_.note(pending.client, pending.request.client_name(), now,
                  [this](const ClientId& client) { return has_queued_(client); });
    // Unknown fields mean a client built against a schema we do not speak: refuse, don't guess.
    auto problem = has_unknown_fields(payload)
                       ? std::optional<std::string>("request has fields this gateway does not know")
                       : validate(pending.request, limits_);
    if (problem) {
        if (lane_of(pending.request) == Lane::write && invalid_writes_log().allow())
            spdlog::info("[write] client '{}' {} -> INVALID_REQUEST: {}",
                         pending.request.client_name(), describe_write(pending.request), *problem);
        return refusal(pending.request, v1::INVALID_REQUEST, *problem);
    }
    // The device it names (empty: the first). The name is the client's: it is not echoed.
    const auto device = find_device(config_.devices, pending.request.device());
    if (!device)
        return refusal(pending.request, v1::INVALID_REQUEST,
                       "no device of that name; this gateway has " + device_names(config_.devices));
    pending.device = *device;
    auto refused = authenticated_as || config_.auth.unauthenticated_may_write() ||
                           lane_of(pending.request) != Lane::write
                       ? write_policy_.refuse(pending.request)
                       : std::optional<std::string>(
                             "client '" + pending.request.client_name() +
                             "' is not authenticated: writes need a CURVE key or an ipc peer "
                             "of [auth] (unauthenticated_writes is off)");
    if (refused) {
        ++counters_.refused_writes;
        if (refused_writes_log().allow())
            spdlog::info("[write] client '{}' {} -> WRITE_DENIED: {}",
                         pending.request.client_name(), describe_write(pending.request), *refused);
        return refusal(pending.request, v1::WRITE_DENIED, *refused);
    }
    if (pending.request.has_status()) return StatusWanted{pending.request.id()};
    pending.envelope = envelope;
    const auto wait = pending.request.deadline_ms() == 0
                          ? config_.scheduler.default_deadline
                          : std::chrono::milliseconds{pending.request.deadline_ms()};
    pending.deadline = now + wait;
    pending.lane = lane_of(pending.request);
    return pending;
}

v1::Reply Admission::refusal(const v1::Request& request, v1::ErrorCode code,
                             const std::string& message) {
    if (code == v1::INVALID_REQUEST) ++counters_.invalid_requests;
    v1::Reply reply;
    reply.set_id(request.id());
    reply.mutable_error()->set_code(code);
    reply.mutable_error()->set_message(message);
    return reply;
}

std::string device_names(const std::vector<DeviceConfig>& devices) {
    std::string names;
    for (const auto& device : devices) names += (names.empty() ? "" : ", ") + device.name;
    return names;
}

std::string describe_write(const v1::Request& request) {
    switch (request.body_case()) {
        case v1::Request::kWriteCoil:
            return "fc 5 address " + std::to_string(request.write_coil().address()) + " value " +
                   (request.write_coil().value() ? "1" : "0");
        case v1::Request::kWriteRegister:
            return "fc 6 address " + std::to_string(request.write_register().address()) +
                   " value " + std::to_string(request.write_register().value());
        case v1::Request::kWriteRegisters:
            return "fc 16 address " + std::to_string(request.write_registers().address()) +
                   " values " + list_values(request.write_registers());
        default: return "not a write";
    }
}

}  // namespace tristar::gateway
