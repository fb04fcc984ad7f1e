// The Status message (design.md 3.6): a snapshot of the link, the counters and the queues.
#include "gateway/daemon/front.h"

#include "gateway/common/version.h"

namespace tristar::gateway {
namespace {

void fill_counters(v1::Counters& out, const FrontCounters& c, const LinkInfo& link) {
    out.set_requests(c.requests);
    out.set_transactions(link.transactions);
    out.set_retries(link.retries);
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
}

}  // namespace

v1::Status Front::status() const {
    v1::Status out;
    out.set_version(version);
    const bool tcp = std::holds_alternative<TcpDevice>(config_.device.address);
    out.set_transport(tcp ? "tcp" : "rtu");
    out.set_device(device_uri(config_.device.address));
    out.set_link_state(in_flight_ && link_info_.state == LinkState::idle ? "connecting"
                                                                         : to_string(link_info_.state));
    out.set_connection_mode(to_string(link_info_.mode));
    if (link_info_.state == LinkState::connected)
        out.set_connected_since_unix_ms(static_cast<std::uint64_t>(link_info_.connected_since_unix_ms));
    out.set_uptime_ms(static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started_).count()));
    fill_counters(*out.mutable_counters(), health_.counters, link_info_);
    const auto depths = scheduler_.depths();
    for (const auto& [id, info] : clients_) {
        auto* client = out.add_clients();
        client->set_client_name(info.name);
        client->set_routing_id(id);
        const auto depth = depths.find(id);
        client->set_queue_depth(depth == depths.end() ? 0 : static_cast<std::uint32_t>(depth->second));
        client->set_requests(info.requests);
    }
    health_.device_time.to_proto(*out.mutable_device_time());
    health_.queue_time.to_proto(*out.mutable_queue_time());
    out.set_last_error(last_error_);
    out.set_queued(static_cast<std::uint32_t>(scheduler_.size()));
    return out;
}

}  // namespace tristar::gateway
