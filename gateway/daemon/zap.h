#pragma once
// Authentication (docs/operations.md, "Who may do what"): the ZAP handler (ZeroMQ's RFC 27)
// that libzmq asks during every handshake on the endpoints [auth] protects, and the identity a
// message carries once its client passed.
//
// - CURVE endpoints (zap domain "tristar-curve"): the client's public key must be one of
//   [[auth.clients]]; its name becomes the connection's User-Id.
// - ipc endpoints with [[auth.ipc_peers]] (zap domain "tristar-ipc"): libzmq passes the peer's
//   credentials from SO_PEERCRED in the address ("...:uid:gid:pid"); the first peer entry they
//   match names it.
// - Everything else (plain tcp) never reaches the handler: no identity, client_name trusted
//   only as [auth] unauthenticated_writes allows.
// A refused handshake gets no connection at all: the client sees no reply.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <zmq.hpp>

#include "gateway/daemon/config.h"

namespace tristar::gateway {

inline constexpr const char* zap_endpoint = "inproc://zeromq.zap.01";
inline constexpr const char* curve_zap_domain = "tristar-curve";
inline constexpr const char* ipc_zap_domain = "tristar-ipc";

struct ZapRequest {
    std::string domain;
    std::string address;      // tcp: the peer's IP; ipc: "...:uid:gid:pid"
    std::string mechanism;    // "NULL", "CURVE"
    std::string credentials;  // CURVE: the client's public key, 32 bytes
};

struct ZapVerdict {
    bool allowed = false;
    std::string user_id;  // the name the write policy will use; empty: not authenticated
    std::string why;      // when refused, for the log
};

// Pure: the decision on one handshake.
class ZapPolicy {
  public:
    explicit ZapPolicy(const AuthConfig& auth);
    ZapVerdict judge(const ZapRequest& request) const;

  private:
    ZapVerdict judge_curve(const ZapRequest& request) const;
    ZapVerdict judge_ipc(const ZapRequest& request) const;

    std::unordered_map<std::string, std::string> names_by_key_;  // 32-byte key -> name
    std::vector<IpcPeer> ipc_peers_;
};

// "uid:gid:pid" at the end of an ipc peer's ZAP address; nothing when it is not there.
struct PeerCredentials {
    std::uint32_t uid = 0;
    std::uint32_t gid = 0;
    std::uint32_t pid = 0;
};
std::optional<PeerCredentials> ipc_peer_credentials(const std::string& address);

// Handshakes refused since start, all endpoints (Status.counters.refused_handshakes).
std::uint64_t refused_handshakes();

// The handler: a REP socket bound to inproc://zeromq.zap.01 in `context`, served by a thread of
// its own until destruction. It must exist before the endpoints it protects are bound (libzmq
// lets a CURVE handshake pass unchecked when no handler is bound). Refusals are counted and
// logged: one in full after a quiet minute, the rest in at most one summary line a minute.
class ZapHandler {
  public:
    ZapHandler(zmq::context_t& context, const AuthConfig& auth);
    ~ZapHandler();
    ZapHandler(const ZapHandler&) = delete;
    ZapHandler& operator=(const ZapHandler&) = delete;

  private:
    void serve();
    void handle_one();
    void log_refusal(const ZapVerdict& verdict);
    void log_summary(bool force);

    ZapPolicy policy_;
    zmq::socket_t socket_;
    std::atomic<bool> stop_{false};
    std::uint64_t logged_at_count_ = 0;  // refusals counted when the last line was logged
    std::chrono::steady_clock::time_point last_line_{};
    bool logged_any_ = false;
    std::thread thread_;
};

// The identity of an authenticated message's client (its User-Id); nothing for a client that
// did not authenticate.
std::optional<std::string> authenticated_as(const zmq::message_t& message);

}  // namespace tristar::gateway
