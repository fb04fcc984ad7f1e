#include "gateway/daemon/status.h"

#include "gateway/common/version.h"

namespace tristar::gateway {
namespace {

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
    const auto depths = parts.queues.depths();
    for (const auto& [id, info] : parts.clients) {
        auto* client = out.add_clients();
        client->set_client_name(info.name);
        client->set_routing_id(id);
        const auto depth = depths.find(id);
        client->set_queue_depth(depth == depths.end() ? 0 : static_cast<std::uint32_t>(depth->second));
        client->set_requests(info.requests);
    }
    parts.health.device_time.to_proto(*out.mutable_device_time());
    parts.health.queue_time.to_proto(*out.mutable_queue_time());
    out.set_last_error(parts.last_error);
    out.set_queued(static_cast<std::uint32_t>(parts.queues.size()));
    fill_failures(out, parts.failures);
    out.set_read_budget_ms(static_cast<std::uint32_t>(read_budget(parts.config.device).count()));
    return out;
}

}  // namespace tristar::gateway
