#include "gateway/client/client.h"

#include <stdexcept>

#include "gateway/client/curve_keys.h"

namespace tristar::client {
namespace {

using Clock = std::chrono::steady_clock;

// A read's body: read_registers or read_bits, which have the same three fields.
template <typename Body>
void set_read(Body& body, int function, std::uint16_t address, std::uint16_t count) {
    body.set_function(static_cast<std::uint32_t>(function));
    body.set_address(address);
    body.set_count(count);
}

v1::Request read_registers_request(int function, std::uint16_t address, std::uint16_t count,
                                   std::uint32_t max_age_ms) {
    v1::Request request;
    request.set_max_age_ms(max_age_ms);
    set_read(*request.mutable_read_registers(), function, address, count);
    return request;
}

template <typename T>
Answer<T> answer_of(const v1::Reply& reply, T values) {
    return Answer<T>{std::move(values), reply.from_cache(), reply.queue_us(), reply.device_us()};
}

Failure unexpected_reply() {
    return Failure{v1::INTERNAL, 0, "unexpected reply type from the gateway", false};
}

}  // namespace

CurveKeys load_curve_keys(const std::string& server_public_key_file,
                          const std::string& secret_key_file, const std::string& public_key_file) {
    CurveKeys keys;
    keys.server_public_key = read_key_file(server_public_key_file);
    keys.secret_key = read_key_file(secret_key_file);
    keys.public_key = public_key_of(keys.secret_key);
    if (!public_key_file.empty() && read_key_file(public_key_file) != keys.public_key)
        throw std::runtime_error(public_key_file + " is not the public key of " + secret_key_file);
    return keys;
}

std::optional<CurveKeys> load_curve_keys(const CurveKeyFiles& files) {
    if (files.empty()) return std::nullopt;
    return load_curve_keys(files.server_public_key_file, files.client_secret_key_file,
                           files.client_public_key_file);
}

std::string Failure::describe() const {
    if (no_reply) return "NO_REPLY: " + message;
    std::string text = v1::ErrorCode_Name(code);
    if (code == v1::MODBUS_EXCEPTION) text += " " + std::to_string(modbus_exception);
    if (!message.empty()) text += ": " + message;
    return text;
}

std::optional<Failure> failure_of(const v1::Reply& reply) {
    if (!reply.has_error()) return std::nullopt;
    const auto& error = reply.error();
    return Failure{error.code(), error.modbus_exception(), error.message(), false};
}

GatewayClient::GatewayClient(zmq::context_t& context, Options options)
    : options_(std::move(options)), socket_(context, zmq::socket_type::dealer) {
    socket_.set(zmq::sockopt::linger, 0);
    if (options_.curve) {
        socket_.set(zmq::sockopt::curve_serverkey, options_.curve->server_public_key);
        socket_.set(zmq::sockopt::curve_publickey, options_.curve->public_key);
        socket_.set(zmq::sockopt::curve_secretkey, options_.curve->secret_key);
    }
    socket_.connect(options_.endpoint);
}

std::uint64_t GatewayClient::send(v1::Request request) {
    if (request.id() == 0) request.set_id(next_id_++);
    if (request.client_name().empty()) request.set_client_name(options_.client_name);
    if (request.device().empty() && !options_.device.empty()) request.set_device(options_.device);
    if (request.priority() == v1::PRIORITY_UNSPECIFIED) request.set_priority(options_.priority);
    if (request.deadline_ms() == 0) request.set_deadline_ms(options_.deadline_ms);
    const std::string payload = request.SerializeAsString();
    if (!socket_.send(zmq::buffer(payload), zmq::send_flags::dontwait)) ++unsent_;
    return request.id();
}

std::optional<v1::Reply> GatewayClient::receive(std::chrono::milliseconds timeout) {
    const auto until = Clock::now() + timeout;
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
        zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
        if (zmq::poll(&item, 1, std::max(left, std::chrono::milliseconds{0})) == 0)
            return std::nullopt;
        zmq::message_t message;
        if (!socket_.recv(message, zmq::recv_flags::dontwait)) continue;
        v1::Reply reply;
        if (reply.ParseFromArray(message.data(), static_cast<int>(message.size()))) return reply;
    }
}

Result<v1::Reply> GatewayClient::call(v1::Request request) {
    const auto id = send(std::move(request));
    const auto until = Clock::now() + options_.timeout;
    while (Clock::now() < until) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
        auto reply = receive(left);
        if (!reply) break;
        if (reply->id() == id) return std::move(*reply);
    }
    return Failure{v1::ERROR_CODE_UNSPECIFIED, 0,
                   "no reply from the gateway at " + options_.endpoint + " within " +
                       std::to_string(options_.timeout.count()) + " ms" + no_reply_hint(options_),
                   true};
}

std::string no_reply_hint(const Options& options) {
    if (!options.curve) return {};
    return " (with CURVE: is this client's public key allowed in the gateway's [[auth.clients]]?)";
}

Result<Answer<std::vector<std::uint16_t>>> GatewayClient::read_registers(int function,
                                                                         std::uint16_t address,
                                                                         std::uint16_t count,
                                                                         std::uint32_t max_age_ms) {
    auto reply = call(read_registers_request(function, address, count, max_age_ms));
    if (!reply) return reply.failure();
    if (auto failure = failure_of(*reply)) return *failure;
    if (!reply->has_registers()) return unexpected_reply();
    std::vector<std::uint16_t> values;
    values.reserve(static_cast<std::size_t>(reply->registers().values_size()));
    for (auto v : reply->registers().values()) values.push_back(static_cast<std::uint16_t>(v));
    return answer_of(*reply, std::move(values));
}

Result<Answer<std::vector<bool>>> GatewayClient::read_bits(int function, std::uint16_t address,
                                                           std::uint16_t count,
                                                           std::uint32_t max_age_ms) {
    v1::Request request;
    request.set_max_age_ms(max_age_ms);
    set_read(*request.mutable_read_bits(), function, address, count);
    auto reply = call(std::move(request));
    if (!reply) return reply.failure();
    if (auto failure = failure_of(*reply)) return *failure;
    if (!reply->has_bits()) return unexpected_reply();
    std::vector<bool> values(reply->bits().values().begin(), reply->bits().values().end());
    return answer_of(*reply, std::move(values));
}

namespace {
Result<Done> done_of(Result<v1::Reply> reply) {
    if (!reply) return reply.failure();
    if (auto failure = failure_of(*reply)) return *failure;
    if (!reply->has_write_ok()) return unexpected_reply();
    return Done{};
}
}  // namespace

Result<Done> GatewayClient::write_coil(std::uint16_t address, bool value) {
    v1::Request request;
    request.mutable_write_coil()->set_address(address);
    request.mutable_write_coil()->set_value(value);
    return done_of(call(std::move(request)));
}

Result<Done> GatewayClient::write_register(std::uint16_t address, std::uint16_t value) {
    v1::Request request;
    request.mutable_write_register()->set_address(address);
    request.mutable_write_register()->set_value(value);
    return done_of(call(std::move(request)));
}

Result<Done> GatewayClient::write_registers(std::uint16_t address,
                                            const std::vector<std::uint16_t>& values) {
    v1::Request request;
    auto* body = request.mutable_write_registers();
    body->set_address(address);
    for (auto v : values) body->add_values(v);
    return done_of(call(std::move(request)));
}

Result<v1::Status> GatewayClient::status() {
    v1::Request request;
    request.mutable_status();
    auto reply = call(std::move(request));
    if (!reply) return reply.failure();
    if (auto failure = failure_of(*reply)) return *failure;
    if (!reply->has_status()) return unexpected_reply();
    return reply->status();
}

}  // namespace tristar::client
