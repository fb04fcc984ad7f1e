#pragma once
// Binding the gateway's ZeroMQ endpoints (design.md 4: ipc socket files mode 0660, tcp on
// loopback unless configured otherwise).
#include <string>

#include <zmq.hpp>

namespace tristar::gateway {

// Binds `endpoint` and returns the address actually bound (tcp port 0 or * resolved). For ipc,
// creates the parent directory if needed and sets the socket file to mode 0660.
std::string bind_endpoint(zmq::socket_t& socket, const std::string& endpoint);

}  // namespace tristar::gateway
