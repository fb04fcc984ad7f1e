#pragma once
// The Status message (design.md 3.6): a snapshot of the link, the counters, the queues, the
// clients and the reads that keep failing, put together from the front loop's parts.
#include <cstddef>
#include <string>
#include <unordered_map>

#include "gateway/daemon/admission.h"
#include "gateway/daemon/config.h"
#include "gateway/daemon/failure_log.h"
#include "gateway/daemon/health.h"
#include "gateway/daemon/link_types.h"
#include "gateway/daemon/scheduler.h"

namespace tristar::gateway {

struct StatusParts {
    const Config& config;
    const LinkInfo& link;
    const char* link_state;                // idle, connecting, connected, backoff
    std::int64_t connected_since_unix_ms;  // 0 when not connected
    Clock::duration uptime;
    const Health& health;
    const Scheduler& queues;
    const std::unordered_map<ClientId, ClientInfo>& clients;
    const FailureLog& failures;
    const std::string& last_error;
};

// A status reply stays within this (clients beyond it are counted in clients_omitted): a client
// that asks often and reads slowly costs the gateway at most its reply queue times this.
inline constexpr std::size_t max_status_bytes = 16 * 1024;

v1::Status make_status(const StatusParts& parts);

// Status.read_budget_ms: (read_retries + 1) tries of response_timeout plus the gap before each
// (tcp_gap, or rtu_pause on a serial line), and read_retries recovery pauses between them.
std::chrono::milliseconds read_budget(const DeviceConfig& device);

}  // namespace tristar::gateway
