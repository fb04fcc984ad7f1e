#include "gateway/bridge/gateway_requests.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "gateway/bridge/scaled_view.h"

namespace tristar::bridge {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

constexpr const char* client_name = "tristar-bridge";
// How often the default mapping asks the gateway for its devices once it knows them: a gateway
// restarted with another config is picked up within this.
constexpr auto rediscover_every = 5min;

std::string request_text(const modbus::Request& request) {
    std::string text =
        "fc " + std::to_string(request.function) + " address " + std::to_string(request.address);
    if (modbus::is_read(request.function) ||
        request.function == modbus::fc::write_multiple_registers)
        return text + " count " + std::to_string(request.count);
    // A coil as the gateway logs it: 1 or 0, not 0xFF00.
    if (request.function == modbus::fc::write_single_coil)
        return text + " value " + (request.value == modbus::coil_on ? "1" : "0");
    return text + " value " + std::to_string(request.value);
}

std::string answer_text(const modbus::Bytes& pdu) {
    const auto code = modbus::response_exception(pdu);
    if (!code) return "ok";
    return fmt::format("exception 0x{:02X} ({})", static_cast<unsigned>(*code),
                       modbus::exception_name(*code));
}

// Why: the gateway's error, or that it did not answer at all (reply null).
std::string outcome_text(const modbus::Bytes& pdu, const v1::Reply* reply) {
    std::string text = answer_text(pdu);
    if (!modbus::is_exception_response(pdu)) return text;
    if (reply == nullptr) return text + ": no reply from the gateway";
    if (const auto failure = client::failure_of(*reply)) return text + ": " + failure->describe();
    return text;
}

}  // namespace

GatewayRequests::GatewayRequests(const BridgeConfig& config, zmq::context_t& context,
                                 ConnectionTable& connections)
    : config_(config),
      translate_{static_cast<std::uint32_t>(config.max_age.count()),
                 static_cast<std::uint8_t>(config.scaled_unit)},
      units_(config.units.empty() ? default_routes({}, config.scaled_unit) : config.units),
      context_(context),
      connections_(connections),
      curve_(client::load_curve_keys(client::CurveKeyFiles{config.server_public_key_file,
                                                           config.client_secret_key_file,
                                                           config.client_public_key_file})) {
    if (config.units.empty()) next_discovery_ = Steady::now();
    connect_gateway();
}

GatewayRequests::~GatewayRequests() = default;

// A new DEALER socket: also the way to discard requests queued for a gateway that does not
// answer, so that a write can never run minutes later when the gateway comes back.
void GatewayRequests::connect_gateway() {
    client::Options options;
    options.endpoint = config_.gateway;
    options.client_name = client_name;
    options.curve = curve_;
    options.priority = v1::PRIORITY_BACKGROUND;
    // Half the time we wait for a reply may go to queueing; a request still queued then is
    // answered DEADLINE_EXCEEDED (0x06), and the other half leaves room for the device.
    options.deadline_ms = static_cast<std::uint32_t>(config_.gateway_timeout.count() / 2);
    gateway_ = std::make_unique<client::GatewayClient>(context_, options);
    // send() never blocks, and drops what the socket cannot take; the queue holds more than the
    // bridge ever has outstanding, so a connected socket always takes it.
    const auto most = config_.max_connections * config_.max_pending;
    gateway_->socket().set(zmq::sockopt::sndhwm, static_cast<int>(most + 1000));
}

std::optional<SteadyTime> GatewayRequests::next_deadline() const {
    std::optional<SteadyTime> due = next_discovery_;
    if (outstanding_.empty()) return due;
    const auto reply_due = outstanding_.begin()->second.sent + config_.gateway_timeout;
    return due ? std::min(*due, reply_due) : reply_due;
}

void GatewayRequests::discover(SteadyTime now) {
    if (!next_discovery_ || now < *next_discovery_) return;
    v1::Request request;
    request.mutable_status();
    discovery_id_ = next_request_++;
    request.set_id(*discovery_id_);
    gateway_->send(std::move(request));
    next_discovery_ = now + config_.gateway_timeout;  // asked again unless answered
}

// The default mapping over the gateway's devices; logged when it changes.
void GatewayRequests::on_devices(const v1::Status& status) {
    discovery_id_.reset();
    next_discovery_ = Steady::now() + rediscover_every;
    std::vector<std::string> names;
    for (const auto& device : status.devices()) names.push_back(device.name());
    UnitMap units(default_routes(names, config_.scaled_unit));
    if (units.routes() == units_.routes()) return;
    units_ = std::move(units);
    spdlog::info("[bridge] {} device(s) behind the gateway; unit ids: {}", names.size(),
                 describe(units_));
}

void GatewayRequests::dispatch(std::uint64_t id, Connection& c, const modbus::TcpAdu& adu) {
    const auto slot = c.expect(adu.header);
    Plan plan = plan_request(adu.header.unit_id, adu.pdu, translate_, units_);
    if (plan.target == Target::local) {
        if (spdlog::should_log(spdlog::level::debug))
            spdlog::debug("[bridge] {} unit {} {} -> {}", c.peer(), adu.header.unit_id,
                          request_text(plan.request), answer_text(plan.answer));
        return c.answer(slot, plan.answer);
    }
    // Bounds: per connection (a pipelining master), and overall so the DEALER never blocks.
    if (c.unanswered() > config_.max_pending ||
        outstanding_.size() >= config_.max_connections * config_.max_pending) {
        spdlog::debug("[bridge] {}: too many requests in flight, answering busy", c.peer());
        return c.answer(slot,
                        modbus::exception_response(plan.request.function,
                                                   modbus::ExceptionCode::server_device_busy));
    }
    const auto request_id = next_request_++;
    plan.gateway.set_id(request_id);
    gateway_->send(std::move(plan.gateway));
    outstanding_.emplace(request_id,
                         Outstanding{id, slot, plan.request, plan.target, Steady::now()});
}

void GatewayRequests::receive_replies() {
    while (auto reply = gateway_->receive(0ms)) on_reply(*reply);
}

void GatewayRequests::on_reply(const v1::Reply& reply) {
    last_reply_ = Steady::now();
    if (gateway_silent_) spdlog::info("[bridge] the gateway answers again");
    gateway_silent_ = false;
    if (discovery_id_ == reply.id()) {
        if (reply.has_status()) on_devices(reply.status());
        return;
    }
    const auto it = outstanding_.find(reply.id());
    if (it == outstanding_.end()) return;  // answered 0x0B already, when it took too long
    const Outstanding done = std::move(it->second);
    outstanding_.erase(it);
    const auto pdu = done.target == Target::scaled ? scaled_response(done.request, reply)
                                                   : device_response(done.request, reply);
    log_outcome(done, pdu, &reply);
    deliver(done.connection, done.slot, pdu);
}

// The oldest request has waited gateway_timeout. If nothing at all came back since it was sent,
// the gateway is gone or stuck: every outstanding request is answered 0x0B and the socket is
// replaced, dropping what it still queues (a write must not run when the gateway comes back).
// Otherwise only the overdue ones are answered 0x0B; a late reply is ignored.
void GatewayRequests::expire_overdue(SteadyTime now) {
    while (!outstanding_.empty()) {
        const auto it = outstanding_.begin();
        if (now - it->second.sent < config_.gateway_timeout) return;
        if (last_reply_ < it->second.sent) break;
        const Outstanding done = std::move(it->second);
        outstanding_.erase(it);
        answer_no_reply(done);
    }
    if (outstanding_.empty()) return;
    spdlog::log(gateway_silent_ ? spdlog::level::debug : spdlog::level::warn,
                "[bridge] no reply from the gateway at {} within {} ms: {} request(s) answered "
                "0x0B; reconnecting{}",
                config_.gateway, config_.gateway_timeout.count(), outstanding_.size(),
                client::no_reply_hint(gateway_->options()));
    gateway_silent_ = true;
    auto failed = std::move(outstanding_);
    outstanding_.clear();
    for (const auto& [id, done] : failed) answer_no_reply(done);
    connect_gateway();
}

void GatewayRequests::answer_no_reply(const Outstanding& done) {
    const auto pdu = no_reply_response(done.request);
    log_outcome(done, pdu, nullptr);
    deliver(done.connection, done.slot, pdu);
}

void GatewayRequests::log_outcome(const Outstanding& done, const modbus::Bytes& pdu,
                                  const v1::Reply* reply) const {
    const bool write = modbus::is_write(done.request.function);
    const auto level = write ? spdlog::level::info : spdlog::level::debug;
    if (!spdlog::should_log(level)) return;  // the texts below cost more than the read itself
    const Connection* c = connections_.find(done.connection);
    const std::string peer = c == nullptr ? "a closed connection" : c->peer();
    spdlog::log(level, "[bridge] {} {}{} -> {}", peer,
                done.target == Target::scaled ? "scaled " : "", request_text(done.request),
                outcome_text(pdu, reply));
}

void GatewayRequests::deliver(std::uint64_t connection, std::uint64_t slot,
                              const modbus::Bytes& pdu) {
    Connection* c = connections_.find(connection);
    if (c == nullptr) return;  // the master went away; nobody waits for this
    c->answer(slot, pdu);
    if (!c->flush()) connections_.close_failed(connection);
}

}  // namespace tristar::bridge
