// libFuzzer harness: the gateway's admission of one client frame (admission.h): the client
// name read before protobuf parses, the parse, the frame size, the validation, the write policy
// and the log lines of refused and allowed writes (formatted at trace level into a null sink),
// with a real Config, FrontCounters and Scheduler. What is admitted goes on as the front loop
// takes it: the LinkRequest and the request PDU the link would send, and the reply to it.
//
// Input: the payload frame, a serialized tristar.gateway.v1.Request (or anything else). Each
// input meets two gateways: the default config (deny by default, the TriStar profile for
// tristar-ctl and tristar-publisher) and one whose policy lets any client write anything, so
// every valid write reaches the link's side; an FC16 with more than 123 values meets the
// validation and the log line of its refusal (where a stack overflow once was).
#include <google/protobuf/stubs/logging.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "gateway/daemon/admission.h"
#include "gateway/daemon/reply_check.h"
#include "gateway/daemon/translate.h"

namespace {

using namespace tristar::gateway;

Config open_config() {
    Config config;
    config.write_policy.allow_eeprom = true;
    WriteRule coils;
    coils.target = WriteRule::Target::coil;
    coils.first = 0;
    coils.last = 0xFFFF;
    coils.values = {{0, 1}};
    coils.clients = {"*"};
    WriteRule registers = coils;
    registers.target = WriteRule::Target::holding_register;
    registers.values = {{0, 0xFFFF}};
    config.write_policy.rules = {coils, registers};
    return config;
}

struct Gateway {
    explicit Gateway(Config c)
        : config(std::move(c)), queues(config.scheduler.max_queue_per_client) {}
    Config config;
    FrontCounters counters;
    Scheduler queues;
};

void check_admitted(const Config& config, const Pending& pending) {
    const auto& request = pending.request;
    const auto link =
        link_request_of(request, static_cast<std::uint8_t>(config.devices.front().unit));
    const auto pdu = request_pdu(link);
    if (pdu.size() > tristar::modbus::max_pdu_size) __builtin_trap();
    if (link.count > max_read_bits) __builtin_trap();
    if (link.function == 16 && link.count > max_write_registers) __builtin_trap();
    if (lane_of(request) == Lane::write) (void)describe_write(request);
    LinkResult result;
    result.count = link.count;
    (void)reply_of(request, result);
    result.status = LinkStatus::outcome_unknown;
    (void)reply_of(request, result);
}

void admit_into(Gateway& gateway, std::span<const std::uint8_t> payload) {
    Admission admission(gateway.config, gateway.counters, [&gateway](const ClientId& client) {
        return gateway.queues.depth(client) > 0;
    });
    const std::vector<std::string> envelope{std::string("\0\x80\0\0\x29", 5)};
    const auto verdict = admission.admit(envelope, payload, Clock::time_point{});
    if (const auto* pending = std::get_if<Pending>(&verdict))
        check_admitted(gateway.config, *pending);
    if (const auto* reply = std::get_if<tristar::gateway::v1::Reply>(&verdict))
        if (!reply->has_error()) __builtin_trap();  // a refusal always says why
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    // The harness's own parse below may meet names that are not UTF-8 (admission refuses
    // those before protobuf sees them); protobuf's complaint about them is noise here.
    google::protobuf::SetLogHandler(
        [](google::protobuf::LogLevel, const char*, int, const std::string&) {});
    // Every log line is formatted as in the daemon, then thrown away.
    auto logger =
        std::make_shared<spdlog::logger>("fuzz", std::make_shared<spdlog::sinks::null_sink_st>());
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Gateway closed{Config{}};
    static Gateway open{open_config()};
    const std::span<const std::uint8_t> payload(data, size);
    admit_into(closed, payload);
    admit_into(open, payload);
    // describe_write of anything protobuf accepts, admitted or not.
    tristar::gateway::v1::Request request;
    if (request.ParseFromArray(data, static_cast<int>(size))) (void)describe_write(request);
    return 0;
}
