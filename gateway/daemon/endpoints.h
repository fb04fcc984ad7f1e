#pragma once
// Binding the gateway's ZeroMQ endpoints (design.md 4: ipc socket files mode 0660, tcp on
// loopback unless configured otherwise).
#include <string>
#include <vector>
#include <zmq.hpp>

#include "gateway/daemon/config.h"

namespace tristar::gateway {

// Binds `endpoint` and returns the address actually bound (tcp port 0 or * resolved). For ipc,
// creates the parent directory if needed and sets the socket file to mode 0660.
std::string bind_endpoint(zmq::socket_t& socket, const std::string& endpoint);

// Binds every endpoint of the config: [server] endpoints as they are, then (when
// [[auth.ipc_peers]] is set) its ipc ones with the peer check of zap.h, then [auth]
// curve_endpoints as CURVE servers with the gateway's secret key. Returns the addresses bound,
// in that order. Throws
// std::runtime_error when the key file cannot be read, zmq::error_t when a bind fails. The ZAP
// handler (zap.h) must be bound first.
std::vector<std::string> bind_endpoints(zmq::socket_t& socket, const Config& config);

}  // namespace tristar::gateway
