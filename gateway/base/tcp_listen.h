#pragma once
// A listening TCP socket (non-blocking, close-on-exec, SO_REUSEADDR), for the servers that speak
// Modbus TCP themselves: the simulator and the bridge.
#include <cstdint>
#include <string>

#include "gateway/base/unique_fd.h"

namespace tristar {

// Binds the first address `host` resolves to that accepts (empty host: every interface; port 0:
// one the kernel picks) and listens. Throws std::runtime_error "cannot resolve HOST: ..." or
// "cannot listen on SHOWN_AS: ...", with `shown_as` naming the address as the caller wrote it.
UniqueFd listen_tcp(const std::string& host, std::uint16_t port, int backlog,
                    const std::string& shown_as);

// The port a bound socket holds (port 0 resolved); 0 when it cannot be read.
std::uint16_t bound_port(int fd);

}  // namespace tristar
