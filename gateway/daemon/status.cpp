#include "gateway/daemon/status.h"

#include <algorithm>

#include "gateway/base/version.h"
#include "gateway/daemon/zap.h"

namespace tristar::gateway {
namespace {

constexpr std::size_t client_overhead_bytes = 3;  // its tag and length in Status
constexpr std::size_t omitted_field_bytes = 6;    // clients_omitted: tag and varint

void fill_counters(v1::Counters& out, const FrontCounters& c, const LinkInfo& link,
                   const FailureLog& failures) {
    out.set_requests(c.requests);
    out.set_transactions(link.transactions);
    out.set_retries(c.retries);
    out.set_timeouts(link.timeouts);
    out.set_reconnects(link.reconnects);
    out.set_exceptions(c.exceptions);
    for (const auto& [code, n] : c.exceptions_by_code) (*out.mutable_exceptions_by_code())[code] = n;
    out.set_cache_hits(c.cache_hits);
    out.set_merged_reads(c.merged_reads);
    out.set_writes(c.writes);
    out.set_refused_writes(c.refused_writes);
    out.set_deadline_misses(c.deadline_misses);
    out.set_busy_rejects(c.busy_rejects);
    out.set_invalid_requests(c.invalid_requests);
    out.set_outcome_unknown(c.outcome_unknown);
    out.set_corrupt_replies(link.corrupt);
    out.set_read_failures(failures.total());
    out.set_read_ahead_refusals(c.read_ahead_refusals);
    out.set_oversize_messages(c.oversize_messages);
    out.set_refused_handshakes(refused_handshakes());
    out.set_dropped_replies(c.dropped_replies);
    out.set_unroutable_replies(c.unroutable_replies);
    out.set_departed_requests(c.departed_requests);
    out.set_evicted_connections(c.evicted_connections);
}

// The most recently seen clients first, as many as fit in `budget` bytes; the rest are counted.
void fill_clients(v1::Status& out, const StatusParts& parts, std::size_t budget) {
    std::vector<const std::pair<const ClientId, ClientInfo>*> order;
    for (const auto& entry : parts.clients) order.push_back(&entry);
    std::sort(order.begin(), order.end(),
              [](const auto* a, const auto* b) { return a->second.last_seen > b->second.last_seen; });
    const auto depths = parts.queues.depths();
    std::size_t used = 0;
    for (const auto* entry : order) {
        v1::ClientStatus client;
        client.set_client_name(entry->second.name);
        client.set_routing_id(entry->first);
        const auto depth = depths.find(entry->first);
        client.set_queue_depth(depth == depths.end() ? 0 : static_cast<std::uint32_t>(depth->second));
        client.set_requests(entry->second.requests);
        used += client.ByteSizeLong() + client_overhead_bytes;
        if (used > budget) {
            out.set_clients_omitted(static_cast<std::uint32_t>(order.size()) -
                                    static_cast<std::uint32_t>(out.clients_size()));
            return;
        }
        *out.add_clients() = std::move(client);
    }
}

void fill_failures(v1::Status& out, const FailureLog& failures) {
    for (const auto& failure : failures.current()) {
        auto* f = out.add_read_failures();
        f->set_function(failure.function);
        f->set_address(failure.span.address);
        f->set_count(failure.span.count);
        f->set_unit(failure.span.unit);
        f->set_answer(failure.answer);
        f->set_client_name(failure.client);
        f->set_failures(failure.failures);
        f->set_first_unix_ms(static_cast<std::uint64_t>(failure.first_unix_ms));
        f->set_last_unix_ms(static_cast<std::uint64_t>(failure.last_unix_ms));
    }
}

}  // namespace

std::chrono::milliseconds read_budget(const DeviceConfig& device) {
    const bool tcp = std::holds_alternative<TcpDevice>(device.address);
    const auto tries = device.read_retries + 1;
    const auto gap = tcp ? device.tcp_gap : device.rtu_pause;
    return tries * (device.response_timeout + gap) + device.read_retries * device.recovery_pause;
}

v1::Status make_status(const StatusParts& parts) {
    v1::Status out;
    out.set_version(version);
    const bool tcp = std::holds_alternative<TcpDevice>(parts.config.device.address);
    out.set_transport(tcp ? "tcp" : "rtu");
    out.set_device(device_uri(parts.config.device.address));
    out.set_link_state(parts.link_state);
    out.set_connection_mode(to_string(parts.link.mode));
    out.set_connected_since_unix_ms(static_cast<std::uint64_t>(parts.connected_since_unix_ms));
    out.set_uptime_ms(static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(parts.uptime).count()));
    fill_counters(*out.mutable_counters(), parts.health.counters, parts.link, parts.failures);
    parts.health.device_time.to_proto(*out.mutable_device_time());
    parts.health.queue_time.to_proto(*out.mutable_queue_time());
    out.set_last_error(parts.last_error);
    out.set_queued(static_cast<std::uint32_t>(parts.queues.size()));
    fill_failures(out, parts.failures);
    out.set_read_budget_ms(static_cast<std::uint32_t>(read_budget(parts.config.device).count()));
    const auto rest = out.ByteSizeLong() + omitted_field_bytes;
    fill_clients(out, parts, max_status_bytes - std::min(max_status_bytes, rest));
    return out;
}

}  // namespace tristar::gateway
