#include "gateway/daemon/endpoints.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <filesystem>
#include <system_error>

#include "gateway/client/curve_keys.h"
#include "gateway/daemon/zap.h"

namespace tristar::gateway {
namespace {

constexpr std::string_view ipc_prefix = "ipc://";
constexpr std::string_view tcp_prefix = "tcp://";

std::string with_port_wildcard(const std::string& endpoint) {
    // ZeroMQ spells "any port" as '*'; accept the usual ":0" too.
    if (endpoint.starts_with(tcp_prefix) && endpoint.ends_with(":0"))
        return endpoint.substr(0, endpoint.size() - 1) + "*";
    return endpoint;
}

void prepare_ipc_directory(const std::string& path) {
    const auto dir = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!dir.empty()) std::filesystem::create_directories(dir, ec);
}

}  // namespace

std::string bind_endpoint(zmq::socket_t& socket, const std::string& endpoint) {
    const bool ipc = endpoint.starts_with(ipc_prefix);
    if (ipc) prepare_ipc_directory(endpoint.substr(ipc_prefix.size()));
    socket.bind(with_port_wildcard(endpoint));
    const auto bound = socket.get(zmq::sockopt::last_endpoint);
    if (ipc && ::chmod(bound.substr(ipc_prefix.size()).c_str(), 0660) != 0)
        spdlog::warn("[front] cannot set mode 0660 on {}", bound);
    const bool curve = socket.get(zmq::sockopt::curve_server) != 0;
    if (!curve && bound.starts_with(tcp_prefix) && !bound.starts_with("tcp://127.") &&
        !bound.starts_with("tcp://[::1]"))
        spdlog::warn("[front] {} is reachable from the network: anyone there may use the gateway",
                     bound);
    return bound;
}

// libzmq copies a socket's options into each endpoint as it is bound, so each endpoint keeps the
// security set when it was bound; a zap domain once set cannot be unset (EINVAL), so plain
// endpoints go first, then the checked ipc ones, then CURVE.
std::vector<std::string> bind_endpoints(zmq::socket_t& socket, const Config& config) {
    std::vector<std::string> bound;
    const bool check_ipc = !config.auth.ipc_peers.empty();
    auto checked = [&](const std::string& endpoint) {
        return check_ipc && endpoint.starts_with(ipc_prefix);
    };
    for (const auto& endpoint : config.server.endpoints)
        if (!checked(endpoint)) bound.push_back(bind_endpoint(socket, endpoint));
    if (check_ipc) {
        socket.set(zmq::sockopt::zap_domain, ipc_zap_domain);
        for (const auto& endpoint : config.server.endpoints) {
            if (!checked(endpoint)) continue;
            bound.push_back(bind_endpoint(socket, endpoint));
            spdlog::info("[auth] {}: only the peers of [[auth.ipc_peers]]", bound.back());
        }
    }
    if (config.auth.curve_endpoints.empty()) return bound;
    const std::string secret = client::read_key_file(config.auth.curve_secret_key_file);
    socket.set(zmq::sockopt::curve_server, 1);
    socket.set(zmq::sockopt::curve_secretkey, secret);
    socket.set(zmq::sockopt::zap_domain, curve_zap_domain);
    for (const auto& endpoint : config.auth.curve_endpoints) {
        bound.push_back(bind_endpoint(socket, endpoint));
        spdlog::info("[auth] {}: CURVE, {} allowed client key(s), server key {}", bound.back(),
                     config.auth.clients.size(), client::public_key_of(secret));
    }
    return bound;
}

}  // namespace tristar::gateway
