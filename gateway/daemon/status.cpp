#include "gateway/daemon/status.h"

#include <algorithm>

#include "gateway/base/version.h"
#include "gateway/daemon/zap.h"

namespace tristar::gateway {
namespace {

constexpr std::size_t client_overhead_bytes = 3;  // its tag and length in Status
constexpr std::size_t omitted_field_bytes = 6;    // clients_omitted: tag and varint

// Each front counter and the Status field that reports it (the order of fields on the wire is
// protobuf's business).
struct CounterField {
    void (v1::Counters::*set)(std::uint64_t);
    std::uint64_t FrontCounters::*value;
};
constexpr CounterField front_counters[] = {
    {&v1::Counters::set_requests, &FrontCounters::requests},
    {&v1::Counters::set_retries, &FrontCounters::retries},
    {&v1::Counters::set_exceptions, &FrontCounters::exceptions},
    {&v1::Counters::set_cache_hits, &FrontCounters::cache_hits},
    {&v1::Counters::set_merged_reads, &FrontCounters::merged_reads},
    {&v1::Counters::set_writes, &FrontCounters::writes},
    {&v1::Counters::set_refused_writes, &FrontCounters::refused_writes},
    {&v1::Counters::set_deadline_misses, &FrontCounters::deadline_misses},
    {&v1::Counters::set_busy_rejects, &FrontCounters::busy_rejects},
    {&v1::Counters::set_invalid_requests, &FrontCounters::invalid_requests},
    {&v1::Counters::set_outcome_unknown, &FrontCounters::outcome_unknown},
    {&v1::Counters::set_read_ahead_refusals, &FrontCounters::read_ahead_refusals},
    {&v1::Counters::set_oversize_messages, &FrontCounters::oversize_messages},
    {&v1::Counters::set_dropped_replies, &FrontCounters::dropped_replies},
    {&v1::Counters::set_unroutable_replies, &FrontCounters::unroutable_replies},
    {&v1::Counters::set_departed_requests, &FrontCounters::departed_requests},
    {&v1::Counters::set_evicted_connections, &FrontCounters::evicted_connections},
};

void fill_counters(v1::Counters& out, const FrontCounters& c, const LinkInfo& link,
                   const FailureLog& failures) {
    for (const auto& field : front_counters) (out.*field.set)(c.*field.value);
    for (const auto& [code, n] : c.exceptions_by_code)
        (*out.mutable_exceptions_by_code())[code] = n;
    out.set_transactions(link.transactions);
    out.set_timeouts(link.timeouts);
    out.set_reconnects(link.reconnects);
    out.set_corrupt_replies(link.corrupt);
    out.set_read_failures(failures.total());
    out.set_refused_handshakes(refused_handshakes());
}

// The most recently seen clients first, as many as fit in `budget` bytes; the rest are counted.
void fill_clients(v1::Status& out, const StatusParts& parts, std::size_t budget) {
    std::vector<const std::pair<const ClientId, ClientInfo>*> order;
    for (const auto& entry : parts.clients) order.push_back(&entry);
    std::sort(order.begin(), order.end(), [](const auto* a, const auto* b) {
        return a->second.last_seen > b->second.last_seen;
    });
    const auto depths = parts.queues.depths();
    std::size_t used = 0;
    for (const auto* entry : order) {
        v1::ClientStatus client;
        client.set_client_name(entry->second.name);
        client.set_routing_id(entry->first);
        const auto depth = depths.find(entry->first);
        client.set_queue_depth(depth == depths.end() ? 0
                                                     : static_cast<std::uint32_t>(depth->second));
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
