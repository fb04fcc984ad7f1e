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

// Counts from the wire: a device's own tries, or a link's (reconnects are the link's alone).
struct WireCounts {
    std::uint64_t transactions = 0;
    std::uint64_t timeouts = 0;
    std::uint64_t corrupt = 0;
    std::uint64_t reconnects = 0;
};

void fill_counters(v1::Counters& out, const FrontCounters& c, const WireCounts& wire,
                   std::uint64_t read_failures) {
    for (const auto& field : front_counters) (out.*field.set)(c.*field.value);
    for (const auto& [code, n] : c.exceptions_by_code)
        (*out.mutable_exceptions_by_code())[code] = n;
    out.set_transactions(wire.transactions);
    out.set_timeouts(wire.timeouts);
    out.set_reconnects(wire.reconnects);
    out.set_corrupt_replies(wire.corrupt);
    out.set_read_failures(read_failures);
}

// The gateway's counters and every device's, added up. `requests` is counted once, at admission
// (the gateway's); a device's is its share of those.
FrontCounters total_counters(const StatusParts& parts) {
    FrontCounters total = parts.health.counters;
    for (const auto& device : parts.devices) {
        for (const auto& field : front_counters)
            if (field.value != &FrontCounters::requests)
                total.*field.value += device.health.counters.*field.value;
        for (const auto& [code, n] : device.health.counters.exceptions_by_code)
            total.exceptions_by_code[code] += n;
    }
    return total;
}

// The most recently seen clients first, as many as fit in `budget` bytes; the rest are counted.
void fill_clients(v1::Status& out, const StatusParts& parts, std::size_t budget) {
    std::vector<const std::pair<const ClientId, ClientInfo>*> order;
    for (const auto& entry : parts.clients) order.push_back(&entry);
    std::sort(order.begin(), order.end(), [](const auto* a, const auto* b) {
        return a->second.last_seen > b->second.last_seen;
    });
    std::size_t used = 0;
    for (const auto* entry : order) {
        v1::ClientStatus client;
        client.set_client_name(entry->second.name);
        client.set_routing_id(entry->first);
        client.set_queue_depth(static_cast<std::uint32_t>(parts.queue_depth(entry->first)));
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

// Every device's failing reads, the most recent last, at most max_failures in all.
void fill_failures(v1::Status& out, const StatusParts& parts) {
    constexpr std::size_t max_failures = 32;
    std::vector<std::pair<const ReadFailure*, const std::string*>> all;
    std::vector<std::vector<ReadFailure>> lists;
    lists.reserve(parts.devices.size());
    for (const auto& device : parts.devices) {
        lists.push_back(device.failures.current());
        for (const auto& failure : lists.back()) all.emplace_back(&failure, &device.config.name);
    }
    std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
        return a.first->last_unix_ms < b.first->last_unix_ms;
    });
    const auto skip = all.size() > max_failures ? all.size() - max_failures : 0;
    for (std::size_t i = skip; i < all.size(); ++i) {
        const auto& failure = *all[i].first;
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
        f->set_device(*all[i].second);
    }
}

std::string transport_of(const DeviceConfig& device) {
    return std::holds_alternative<TcpDevice>(device.address) ? "tcp" : "rtu";
}

void fill_device(v1::DeviceStatus& out, const DeviceView& device) {
    out.set_name(device.config.name);
    out.set_device(device_uri(device.config.address));
    out.set_unit(static_cast<std::uint32_t>(device.config.unit));
    out.set_link(device.link);
    out.set_state(device.state);
    fill_counters(*out.mutable_counters(), device.health.counters,
                  {device.tries.transactions, device.tries.timeouts, device.tries.corrupt, 0},
                  device.failures.total());
    device.health.device_time.to_proto(*out.mutable_device_time());
    device.health.queue_time.to_proto(*out.mutable_queue_time());
    out.set_last_error(device.last_error);
    out.set_queued(static_cast<std::uint32_t>(device.queued));
    out.set_read_budget_ms(static_cast<std::uint32_t>(read_budget(device.config).count()));
    out.set_answering_since_unix_ms(static_cast<std::uint64_t>(device.answering_since_unix_ms));
}

void fill_link(v1::LinkStatus& out, const LinkView& link, const std::string& transport) {
    out.set_link(link.key);
    out.set_transport(transport);
    out.set_connection_mode(to_string(link.info.mode));
    for (const auto& name : link.devices) out.add_devices(name);
    out.set_transactions(link.info.transactions);
    out.set_reconnects(link.info.reconnects);
    out.set_connected(link.info.connected);
    out.set_busy(link.busy);
}

}  // namespace

std::chrono::milliseconds read_budget(const DeviceConfig& device) {
    const bool tcp = std::holds_alternative<TcpDevice>(device.address);
    const auto tries = device.read_retries + 1;
    const auto gap = tcp ? device.tcp_gap : device.rtu_pause;
    return tries * (device.response_timeout + gap) + device.read_retries * device.recovery_pause;
}

// The top level is the first device and the gateway as a whole, as it was with one device;
// `devices` and `links` list them all.
v1::Status make_status(const StatusParts& parts) {
    v1::Status out;
    out.set_version(version);
    const DeviceView& first = parts.devices.front();
    const LinkView* first_link = &parts.links.front();
    for (const auto& link : parts.links)
        if (link.key == first.link) first_link = &link;
    out.set_transport(transport_of(first.config));
    out.set_device(device_uri(first.config.address));
    out.set_link_state(first.state);
    out.set_connection_mode(to_string(first_link->info.mode));
    out.set_connected_since_unix_ms(static_cast<std::uint64_t>(first.answering_since_unix_ms));
    out.set_uptime_ms(static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(parts.uptime).count()));
    WireCounts wire;
    std::uint64_t fair_share_reads = 0;
    for (const auto& link : parts.links) {
        wire.transactions += link.info.transactions;
        wire.timeouts += link.info.timeouts;
        wire.corrupt += link.info.corrupt;
        wire.reconnects += link.info.reconnects;
        fair_share_reads += link.fair_share_reads;
    }
    std::uint64_t read_failures = 0;
    std::size_t queued = 0;
    Histogram device_time;
    Histogram queue_time;
    for (const auto& device : parts.devices) {
        read_failures += device.failures.total();
        queued += device.queued;
        device_time += device.health.device_time;
        queue_time += device.health.queue_time;
    }
    auto& counters = *out.mutable_counters();
    fill_counters(counters, total_counters(parts), wire, read_failures);
    counters.set_refused_handshakes(refused_handshakes());
    counters.set_fair_share_reads(fair_share_reads);
    device_time.to_proto(*out.mutable_device_time());
    queue_time.to_proto(*out.mutable_queue_time());
    out.set_last_error(first.last_error);
    out.set_queued(static_cast<std::uint32_t>(queued));
    fill_failures(out, parts);
    out.set_read_budget_ms(static_cast<std::uint32_t>(read_budget(first.config).count()));
    for (const auto& device : parts.devices) fill_device(*out.add_devices(), device);
    for (const auto& link : parts.links)
        fill_link(*out.add_links(), link, link.key.starts_with("tcp://") ? "tcp" : "rtu");
    const auto rest = out.ByteSizeLong() + omitted_field_bytes;
    fill_clients(out, parts, max_status_bytes - std::min(max_status_bytes, rest));
    return out;
}

}  // namespace tristar::gateway
