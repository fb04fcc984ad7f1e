#include "gateway/ctl/session.h"

#include <chrono>
#include <stdexcept>

#include "gateway/ctl/errors.h"

namespace tristar::ctl {

client::GatewayClient& Session::client() {
    if (client_) return *client_;
    client::Options options;
    options.endpoint = settings_.endpoint;
    options.client_name = settings_.client_name;
    options.device = settings_.device;
    options.priority = client::v1::PRIORITY_INTERACTIVE;
    options.timeout = std::chrono::milliseconds{settings_.timeout_ms};
    // The gateway may drop what we have given up on: the deadline is our own timeout.
    options.deadline_ms = settings_.timeout_ms;
    if (!settings_.key_file.empty()) {
        try {
            options.curve = client::load_curve_keys(settings_.server_key_file, settings_.key_file);
        } catch (const std::runtime_error& error) {
            throw UsageError(error.what());
        }
    }
    try {
        client_.emplace(context_, std::move(options));
    } catch (const zmq::error_t& error) {
        throw UsageError(
            "bad endpoint '" + settings_.endpoint + "': " + error.what() +
            " (expected e.g. tcp://127.0.0.1:5555 or ipc:///run/tristar/gateway.sock)");
    }
    return *client_;
}

void Session::reconnect() {
    client_.reset();
    client();
}

}  // namespace tristar::ctl
