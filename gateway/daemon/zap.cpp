#include "gateway/daemon/zap.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <vector>

#include "gateway/client/curve_keys.h"

namespace tristar::gateway {
namespace {

using namespace std::chrono_literals;

constexpr auto summary_interval = 60s;
constexpr auto poll_interval = 100ms;

std::atomic<std::uint64_t> refused_total{0};

std::string z85_of(const std::string& bytes) {
    if (bytes.size() != 32) return "(not a 32-byte key)";
    std::array<char, 41> text{};
    if (zmq_z85_encode(text.data(), reinterpret_cast<const std::uint8_t*>(bytes.data()),
                       bytes.size()) == nullptr)
        return "(not a key)";
    return text.data();
}

std::optional<std::uint32_t> number(std::string_view text) {
    std::uint32_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size() || text.empty())
        return std::nullopt;
    return value;
}

ZapVerdict refused(std::string why) {
    return ZapVerdict{false, {}, std::move(why)};
}

}  // namespace

std::optional<PeerCredentials> ipc_peer_credentials(const std::string& address) {
    // The last three ':'-separated fields: uid, gid, pid (libzmq adds them from SO_PEERCRED).
    std::array<std::string_view, 3> fields;
    std::string_view rest = address;
    for (int i = 2; i >= 0; --i) {
        const auto colon = rest.rfind(':');
        if (colon == std::string_view::npos) return std::nullopt;
        fields[static_cast<std::size_t>(i)] = rest.substr(colon + 1);
        rest = rest.substr(0, colon);
    }
    const auto uid = number(fields[0]);
    const auto gid = number(fields[1]);
    const auto pid = number(fields[2]);
    if (!uid || !gid || !pid) return std::nullopt;
    return PeerCredentials{*uid, *gid, *pid};
}

ZapPolicy::ZapPolicy(const AuthConfig& auth) : ipc_peers_(auth.ipc_peers) {
    for (const auto& client : auth.clients)
        names_by_key_.emplace(client::key_bytes(client.public_key), client.name);
}

ZapVerdict ZapPolicy::judge(const ZapRequest& request) const {
    if (request.domain == curve_zap_domain) return judge_curve(request);
    if (request.domain == ipc_zap_domain) return judge_ipc(request);
    // A plain endpoint (no domain): only an older libzmq asks about these. No identity.
    if (request.domain.empty() && request.mechanism == "NULL") return ZapVerdict{true, {}, {}};
    return refused("unknown zap domain '" + request.domain + "' with mechanism " +
                   request.mechanism);
}

ZapVerdict ZapPolicy::judge_curve(const ZapRequest& request) const {
    if (request.mechanism != "CURVE")
        return refused("mechanism " + request.mechanism + " on a CURVE endpoint");
    const auto found = names_by_key_.find(request.credentials);
    if (found == names_by_key_.end())
        return refused("CURVE public key " + z85_of(request.credentials) + " from " +
                       request.address + " is not in [[auth.clients]]");
    return ZapVerdict{true, found->second, {}};
}

ZapVerdict ZapPolicy::judge_ipc(const ZapRequest& request) const {
    const auto peer = ipc_peer_credentials(request.address);
    if (!peer) return refused("ipc peer without credentials (address '" + request.address + "')");
    for (const IpcPeer& entry : ipc_peers_) {
        if (entry.uid && *entry.uid != peer->uid) continue;
        if (entry.gid && *entry.gid != peer->gid) continue;
        return ZapVerdict{true, entry.name, {}};
    }
    return refused("ipc peer uid " + std::to_string(peer->uid) + " gid " +
                   std::to_string(peer->gid) + " pid " + std::to_string(peer->pid) +
                   " is not in [[auth.ipc_peers]]");
}

std::uint64_t refused_handshakes() {
    return refused_total.load(std::memory_order_relaxed);
}

ZapHandler::ZapHandler(zmq::context_t& context, const AuthConfig& auth)
    : policy_(auth), socket_(context, zmq::socket_type::rep) {
    socket_.set(zmq::sockopt::linger, 0);
    socket_.bind(zap_endpoint);
    thread_ = std::thread([this] { serve(); });
}

ZapHandler::~ZapHandler() {
    stop_ = true;
    thread_.join();
}

void ZapHandler::serve() {
    while (!stop_) {
        zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
        try {
            if (zmq::poll(&item, 1, poll_interval) > 0) handle_one();
        } catch (const zmq::error_t& error) {
            if (error.num() == ETERM) break;  // the context is shutting down: nothing to serve
            spdlog::error("[auth] zap handler: {}", error.what());
        }
        log_summary(false);
    }
    log_summary(true);
    socket_.close();
}

// RFC 27: version, request id, domain, address, identity, mechanism, credentials...; the reply
// is version, request id, status code, status text, user id, metadata.
void ZapHandler::handle_one() {
    std::vector<zmq::message_t> frames;
    for (;;) {
        zmq::message_t frame;
        if (!socket_.recv(frame, zmq::recv_flags::dontwait)) break;
        const bool more = frame.more();
        frames.push_back(std::move(frame));
        if (!more) break;
    }
    if (frames.empty()) return;
    ZapVerdict verdict;
    std::string request_id;
    if (frames.size() >= 6 && frames[0].to_string_view() == "1.0") {
        request_id = frames[1].to_string();
        ZapRequest request{frames[2].to_string(), frames[3].to_string(), frames[5].to_string(),
                           frames.size() > 6 ? frames[6].to_string() : std::string()};
        verdict = policy_.judge(request);
        if (!verdict.allowed)
            log_refusal(verdict);
        else if (!verdict.user_id.empty())
            spdlog::debug("[auth] {} client '{}' from {}", request.mechanism, verdict.user_id,
                          request.address);
    } else {
        verdict = refused("a malformed ZAP request");
    }
    const std::array<std::string, 6> reply{"1.0",
                                           request_id,
                                           verdict.allowed ? "200" : "400",
                                           verdict.allowed ? "OK" : "not allowed",
                                           verdict.user_id,
                                           ""};
    for (std::size_t i = 0; i < reply.size(); ++i)
        (void)socket_.send(zmq::buffer(reply[i]),
                           i + 1 < reply.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
}

// A refusal after a quiet minute in full; the ones after it in a summary line a minute later.
void ZapHandler::log_refusal(const ZapVerdict& verdict) {
    const auto count = refused_total.fetch_add(1, std::memory_order_relaxed) + 1;
    const auto now = std::chrono::steady_clock::now();
    const bool quiet =
        count - 1 == logged_at_count_ && (!logged_any_ || now - last_line_ >= summary_interval);
    if (!quiet) return;
    logged_any_ = true;
    logged_at_count_ = count;
    last_line_ = now;
    spdlog::warn(
        "[auth] refused a handshake: {} (further refusals are counted, one line a minute; "
        "tristar-ctl status shows refused_handshakes)",
        verdict.why);
}

void ZapHandler::log_summary(bool force) {
    const auto count = refused_handshakes();
    if (count == logged_at_count_) return;
    const auto now = std::chrono::steady_clock::now();
    if (!force && now - last_line_ < summary_interval) return;
    spdlog::warn("[auth] refused {} more handshake(s) in the last {} s ({} since start)",
                 count - logged_at_count_,
                 std::chrono::duration_cast<std::chrono::seconds>(now - last_line_).count(), count);
    logged_at_count_ = count;
    last_line_ = now;
}

std::optional<std::string> authenticated_as(const zmq::message_t& message) {
    const char* user = zmq_msg_gets(const_cast<zmq_msg_t*>(message.handle()), "User-Id");
    if (user == nullptr || *user == '\0') return std::nullopt;
    return std::string(user);
}

}  // namespace tristar::gateway
