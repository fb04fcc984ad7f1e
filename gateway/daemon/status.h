#pragma once
// The Status message (design.md 3.6): a snapshot of the link, the counters, the queues, the
// clients and the reads that keep failing, put together from the front loop's parts.
#include <chrono>
#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <unordered_map>

#include "gateway/daemon/admission.h"
#include "gateway/daemon/config.h"
#include "gateway/daemon/failure_log.h"
#include "gateway/daemon/health.h"
#include "gateway/daemon/link_types.h"
#include "gateway/daemon/scheduler.h"
#include "gateway/daemon/served_device.h"

namespace tristar::gateway {

// One device as status reports it.
struct DeviceView {
    const DeviceConfig& config;
    const char* state;                     // idle, connecting, connected, backoff
    std::int64_t answering_since_unix_ms;  // 0 while it does not answer
    const Health& health;
    const TryCounts& tries;
    const FailureLog& failures;
    const std::string& last_error;
    std::size_t queued;
    std::string link;  // its link's key
};

// One link as status reports it.
struct LinkView {
    std::string key;
    const LinkInfo& info;
    bool busy;
    std::vector<std::string> devices;
    std::uint64_t fair_share_reads;
};

struct StatusParts {
    std::span<const DeviceView> devices;  // at least one; the first is also the top level's
    std::span<const LinkView> links;
    Clock::duration uptime;
    const Health& health;  // the gateway's own counters (admission, replies, connections)
    std::function<std::size_t(const ClientId&)> queue_depth;  // a client's, every device
    const std::unordered_map<ClientId, ClientInfo>& clients;
};

// A status reply stays within this (clients beyond it are counted in clients_omitted): a client
// that asks often and reads slowly costs the gateway at most its reply queue times this.
inline constexpr std::size_t max_status_bytes = 16 * 1024;

v1::Status make_status(const StatusParts& parts);

// Status.read_budget_ms: (read_retries + 1) tries of response_timeout plus the gap before each
// (tcp_gap, or rtu_pause on a serial line), and read_retries recovery pauses between them.
std::chrono::milliseconds read_budget(const DeviceConfig& device);

}  // namespace tristar::gateway
