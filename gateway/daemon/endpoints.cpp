#include "gateway/daemon/endpoints.h"

#include <sys/stat.h>

#include <filesystem>
#include <system_error>

#include <spdlog/spdlog.h>

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
    if (bound.starts_with(tcp_prefix) && !bound.starts_with("tcp://127.") &&
        !bound.starts_with("tcp://[::1]"))
        spdlog::warn("[front] {} is reachable from the network: anyone there may use the gateway",
                     bound);
    return bound;
}

}  // namespace tristar::gateway
