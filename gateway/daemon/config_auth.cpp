#include "gateway/daemon/config_auth.h"

#include <grp.h>
#include <pwd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "gateway/client/curve_keys.h"
#include "gateway/daemon/client_name.h"
#include "gateway/daemon/config_reader.h"

namespace tristar::gateway::config_detail {

namespace {

constexpr std::string_view client_keys[] = {"name", "public_key"};
constexpr std::string_view peer_keys[] = {"name", "uid", "user", "gid", "group"};
constexpr std::string_view curve_schemes[] = {"tcp://", "ipc://"};
constexpr std::int64_t max_id = 4294967294;  // (uid_t)-1 means "no id"

std::string read_name(TableReader& in) {
    const auto* name = in.typed<std::string>("name", "a string");
    if (name == nullptr)
        in.fail_table("needs name = \"...\" (the client name the write policy uses)");
    if (auto problem = client_name_problem(name->get())) in.fail(*name, "name", *problem);
    if (name->get().empty()) in.fail(*name, "name", "must not be empty");
    return name->get();
}

CurveClient read_client(TableReader& in) {
    in.reject_keys_other_than(client_keys);
    CurveClient client;
    client.name = read_name(in);
    const auto* key = in.typed<std::string>("public_key", "a string");
    if (key == nullptr)
        in.fail_table(
            "needs public_key = \"...\" (the client's public key: 40 characters of Z85, its .pub "
            "file)");
    if (!client::is_z85_key(key->get()))
        in.fail(
            *key, "public_key",
            "must be a CURVE public key: 40 characters of Z85 (got " + in_quotes(key->get()) + ")");
    client.public_key = key->get();
    return client;
}

// uid = N or user = "name" (resolved now); nothing when neither is given.
std::optional<std::uint32_t> read_id(TableReader& in, std::string_view number_key,
                                     std::string_view name_key, bool user) {
    const auto number = in.integer(number_key, 0, max_id);
    const auto* name = in.typed<std::string>(name_key, "a string");
    if (number && name != nullptr)
        in.fail(*name, name_key,
                "conflicts with " + std::string(number_key) + ": give one of them");
    if (number) return static_cast<std::uint32_t>(*number);
    if (name == nullptr) return std::nullopt;
    if (user) {
        if (const passwd* entry = ::getpwnam(name->get().c_str())) return entry->pw_uid;
        in.fail(*name, name_key, "no such user: " + in_quotes(name->get()));
    }
    if (const group* entry = ::getgrnam(name->get().c_str())) return entry->gr_gid;
    in.fail(*name, name_key, "no such group: " + in_quotes(name->get()));
}

IpcPeer read_peer(TableReader& in) {
    in.reject_keys_other_than(peer_keys);
    IpcPeer peer;
    peer.name = read_name(in);
    peer.uid = read_id(in, "uid", "user", true);
    peer.gid = read_id(in, "gid", "group", false);
    if (!peer.uid && !peer.gid)
        in.fail_table("needs uid, user, gid or group (whom the kernel vouches for)");
    return peer;
}

template <typename Entry, typename ReadEntry>
std::vector<Entry> read_tables(TableReader& in, std::string_view key, const std::string& expected,
                               ReadEntry read_entry) {
    std::vector<Entry> entries;
    const auto* list = in.typed<toml::array>(key, expected);
    if (list == nullptr) return entries;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const toml::node& item = *list->get(i);
        if (!item.is_table())
            in.fail(item, key, "entries must be tables (got " + type_name(item) + ")");
        TableReader entry_in =
            in.nested(*item.as_table(), in.path(key) + "[" + std::to_string(i) + "]");
        entries.push_back(read_entry(entry_in));
        entry_in.reject_unknown();
    }
    return entries;
}

}  // namespace

void read_auth(TableReader& in, AuthConfig& auth) {
    if (auto endpoints = read_endpoints(in, "curve_endpoints", curve_schemes, false))
        auth.curve_endpoints = std::move(*endpoints);
    if (const auto* file = in.typed<std::string>("curve_secret_key_file", "a string")) {
        if (file->get().empty()) in.fail(*file, "curve_secret_key_file", "must name a file");
        auth.curve_secret_key_file = file->get();
    }
    auth.clients = read_tables<CurveClient>(in, "clients", "an array of tables ([[auth.clients]])",
                                            read_client);
    for (std::size_t i = 0; i < auth.clients.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (auth.clients[i].public_key == auth.clients[j].public_key)
                in.fail(*in.table().get("clients"), "clients",
                        "the public key of " + in_quotes(auth.clients[i].name) +
                            " is listed twice (also for " + in_quotes(auth.clients[j].name) + ")");
    auth.ipc_peers =
        read_tables<IpcPeer>(in, "ipc_peers", "an array of tables ([[auth.ipc_peers]])", read_peer);
    if (const auto* writes = in.typed<bool>("unauthenticated_writes", "true or false"))
        auth.unauthenticated_writes = writes->get();
    if (!auth.curve_endpoints.empty() && auth.curve_secret_key_file.empty())
        in.fail(*in.table().get("curve_endpoints"), "curve_endpoints",
                "needs curve_secret_key_file (the gateway's secret key; make one with "
                "tristar-gatewayd --gen-key)");
}

}  // namespace tristar::gateway::config_detail
