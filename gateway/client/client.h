#pragma once
// GatewayClient: the C++ client of tristar-gatewayd (design.md section 4), used by the
// publisher, the bridge and tristar-ctl.
//
// One DEALER socket. The blocking calls keep one request in flight and ignore stale replies
// (of earlier calls that timed out). Event-loop users call send() and poll socket() themselves,
// then take replies with receive().
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>
#include <zmq.hpp>

#include "gateway.pb.h"

namespace tristar::client {

namespace v1 = tristar::gateway::v1;

inline constexpr const char* default_endpoint = "tcp://127.0.0.1:5555";

// CURVE (docs/operations.md): the gateway's public key and this client's key pair, Z85. With
// them the client authenticates itself, and the gateway judges its writes by the name its
// [[auth.clients]] entry gives this public key, whatever client_name says.
struct CurveKeys {
    std::string server_public_key;
    std::string public_key;
    std::string secret_key;
};

// The keys from files: the gateway's public key (its .pub) and this client's secret key (its
// .key); this client's public key is derived from the secret one, and when `public_key_file`
// is given it must match. std::runtime_error naming the file on any problem.
CurveKeys load_curve_keys(const std::string& server_public_key_file,
                          const std::string& secret_key_file,
                          const std::string& public_key_file = {});

// The key files of a client's config (the publisher's [publisher], the bridge's [bridge]):
// server_public_key_file and client_secret_key_file, or neither (no CURVE).
struct CurveKeyFiles {
    std::string server_public_key_file;
    std::string client_secret_key_file;
    std::string client_public_key_file;  // optional: checked against the secret key

    bool empty() const { return client_secret_key_file.empty(); }
    bool operator==(const CurveKeyFiles&) const = default;
};
// Nothing when `files` is empty; otherwise as load_curve_keys.
std::optional<CurveKeys> load_curve_keys(const CurveKeyFiles& files);

struct Options {
    std::string endpoint = default_endpoint;
    std::string client_name = "client";
    v1::Priority priority = v1::PRIORITY_INTERACTIVE;
    std::chrono::milliseconds timeout{5000};  // how long a blocking call waits for its reply
    std::uint32_t deadline_ms = 0;            // sent with each request; 0 = gateway default
    std::optional<CurveKeys> curve{};         // nothing: no authentication (NULL mechanism)
    // The device requests name (the gateway's [[devices]] name); empty: the gateway's first.
    std::string device{};
};

// Why a call failed: the gateway's error, or no reply at all (gateway not running).
struct Failure {
    v1::ErrorCode code = v1::ERROR_CODE_UNSPECIFIED;
    std::uint32_t modbus_exception = 0;
    std::string message;
    bool no_reply = false;

    std::string describe() const;  // "DEVICE_TIMEOUT: no reply within 1000 ms"
};

// The value of a successful call or the reason it failed.
template <typename T>
class Result {
  public:
    Result(T value) : v_(std::move(value)) {}
    Result(Failure failure) : v_(std::move(failure)) {}
    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    const T& value() const { return std::get<0>(v_); }
    T& value() { return std::get<0>(v_); }
    const T& operator*() const { return value(); }
    const T* operator->() const { return &value(); }
    const Failure& failure() const { return std::get<1>(v_); }

  private:
    std::variant<T, Failure> v_;
};

struct Done {};  // the value of a successful write

// A read's answer with the gateway's timing figures.
template <typename T>
struct Answer {
    T values;
    bool from_cache = false;
    std::uint64_t queue_us = 0;
    std::uint64_t device_us = 0;
};

class GatewayClient {
  public:
    GatewayClient(zmq::context_t& context, Options options);

    Result<Answer<std::vector<std::uint16_t>>> read_registers(int function, std::uint16_t address,
                                                              std::uint16_t count,
                                                              std::uint32_t max_age_ms = 0);
    Result<Answer<std::vector<bool>>> read_bits(int function, std::uint16_t address,
                                                std::uint16_t count, std::uint32_t max_age_ms = 0);
    Result<Done> write_coil(std::uint16_t address, bool value);
    Result<Done> write_register(std::uint16_t address, std::uint16_t value);
    Result<Done> write_registers(std::uint16_t address, const std::vector<std::uint16_t>& values);
    Result<v1::Status> status();

    // Sends any request (client_name, priority and deadline filled in when unset), returns its id.
    // Never blocks. A request the socket cannot take is dropped, as if the gateway never answered
    // it, and counted in unsent(): a DEALER has nowhere to queue once the gateway refused this
    // client's CURVE key (that ends its connection for good) or once its queue is full. Callers
    // time out unanswered requests anyway; a new GatewayClient connects afresh.
    std::uint64_t send(v1::Request request);
    // Requests dropped by send() because the socket could not take them.
    std::uint64_t unsent() const { return unsent_; }
    // The next reply, waiting at most `timeout`; nothing on timeout. Undecodable frames are
    // skipped.
    std::optional<v1::Reply> receive(std::chrono::milliseconds timeout);
    // A blocking round trip: send, then wait for the reply with the same id.
    Result<v1::Reply> call(v1::Request request);

    zmq::socket_t& socket() { return socket_; }
    const Options& options() const { return options_; }
    // The deadline sent with later requests that carry none.
    void set_deadline_ms(std::uint32_t deadline_ms) { options_.deadline_ms = deadline_ms; }

  private:
    Options options_;
    zmq::socket_t socket_;
    std::uint64_t next_id_ = 1;
    std::uint64_t unsent_ = 0;
};

// What to check when the gateway at `options.endpoint` does not answer: with CURVE, whether the
// gateway knows this client's key; empty without CURVE.
std::string no_reply_hint(const Options& options);

// The failure carried by an error reply; nothing when the reply is not an error.
std::optional<Failure> failure_of(const v1::Reply& reply);

}  // namespace tristar::client
