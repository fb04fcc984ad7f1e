#pragma once
// Session: the global options and the connection to the gateway every command shares. The
// client is created on first use, so usage errors are found before anything is connected.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <zmq.hpp>

#include "gateway/client/client.h"

namespace tristar::ctl {

// The global options (design.md section 6).
struct Settings {
    std::string endpoint = client::default_endpoint;
    std::uint32_t timeout_ms = 5000;
    bool json = false;
    std::string client_name = "tristar-ctl";
    std::string server_key_file;  // CURVE: the gateway's public key; both or neither
    std::string key_file;         // CURVE: our secret key
    // The gateway's device every request is for ([[devices]] name); empty: the gateway's first.
    std::string device;
};

class Session {
  public:
    explicit Session(Settings settings) : settings_(std::move(settings)) {}

    const Settings& settings() const { return settings_; }
    // The client, connected on first use; a malformed endpoint is a UsageError.
    client::GatewayClient& client();
    // Drops the socket (and any request still queued in it) and connects a fresh one, so a
    // gateway that comes back does not receive a burst of stale requests.
    void reconnect();

  private:
    Settings settings_;
    zmq::context_t context_;
    std::optional<client::GatewayClient> client_;
};

}  // namespace tristar::ctl
