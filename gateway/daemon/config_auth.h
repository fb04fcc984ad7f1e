#pragma once
// The [auth] table (docs/operations.md, "Who may do what"): CURVE endpoints and keys,
// [[auth.clients]], [[auth.ipc_peers]], as configured, and its reader. User and group names are
// resolved to ids when the config is read.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/base/config_file.h"

namespace tristar::gateway {

// A client allowed on a CURVE endpoint: its public key and the name the write policy knows it by.
struct CurveClient {
    std::string name;
    std::string public_key;  // Z85, 40 characters
    bool operator==(const CurveClient&) const = default;
};

// A local process allowed on the ipc endpoints, by the credentials the kernel reports for its
// socket (SO_PEERCRED): its uid and/or its primary gid (either given as a number or a name,
// resolved when the config is read). Every one that is given must match.
struct IpcPeer {
    std::string name;
    std::optional<std::uint32_t> uid;
    std::optional<std::uint32_t> gid;
    bool operator==(const IpcPeer&) const = default;
};

// [auth] (docs/operations.md, "Who may do what"). Without it nothing is authenticated and the
// write policy trusts Request.client_name, as it always did.
struct AuthConfig {
    // Bound besides [server] endpoints; every client there must do a CURVE handshake with an
    // allowed key (`clients`), and is then known by that key's name.
    std::vector<std::string> curve_endpoints;
    std::string curve_secret_key_file;  // the gateway's secret key (Z85), read at start
    std::vector<CurveClient> clients;
    // When not empty, the ipc endpoints of [server] accept only these peers.
    std::vector<IpcPeer> ipc_peers;
    // Writes from clients that are not authenticated (the plain tcp endpoints); default: refused
    // once [auth] authenticates anyone, allowed (judged by client_name) when it does not.
    std::optional<bool> unauthenticated_writes;

    bool enabled() const { return !curve_endpoints.empty() || !ipc_peers.empty(); }
    bool unauthenticated_may_write() const { return unauthenticated_writes.value_or(!enabled()); }
    bool operator==(const AuthConfig&) const = default;
};

namespace config_detail {

// Reads [auth] into `auth`; errors (ConfigError) at the offending line.
void read_auth(config_file::TableReader& in, AuthConfig& auth);

}  // namespace config_detail
}  // namespace tristar::gateway
