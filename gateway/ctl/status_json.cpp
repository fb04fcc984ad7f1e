#include "gateway/ctl/status_json.h"

#include <cstdint>
#include <map>

#include "gateway/ctl/json.h"

namespace tristar::ctl {
namespace {

namespace v1 = client::v1;

// proto3 JSON writes 64-bit integers as strings (JavaScript numbers lose precision past 2^53).
void put(JsonWriter& json, std::string_view name, std::uint64_t value) {
    json.key(name).value(std::to_string(value));
}
void put32(JsonWriter& json, std::string_view name, std::uint32_t value) {
    json.key(name).value(value);
}
void put(JsonWriter& json, std::string_view name, const std::string& value) {
    json.key(name).value(std::string_view{value});
}

template <typename Values>
void put_strings(JsonWriter& json, std::string_view name, const Values& values) {
    json.key(name).begin_array();
    for (const auto value : values) json.value(std::to_string(value));
    json.end_array();
}

void write_counters(JsonWriter& json, const v1::Counters& c) {
    json.begin_object();
    put(json, "requests", c.requests());
    put(json, "transactions", c.transactions());
    put(json, "retries", c.retries());
    put(json, "timeouts", c.timeouts());
    put(json, "exceptions", c.exceptions());
    json.key("exceptions_by_code").begin_object();
    const std::map<std::uint32_t, std::uint64_t> by_code(c.exceptions_by_code().begin(),
                                                         c.exceptions_by_code().end());
    for (const auto& [code, count] : by_code) json.key(std::to_string(code)).value(std::to_string(count));
    json.end_object();
    put(json, "cache_hits", c.cache_hits());
    put(json, "merged_reads", c.merged_reads());
    put(json, "writes", c.writes());
    put(json, "refused_writes", c.refused_writes());
    put(json, "deadline_misses", c.deadline_misses());
    put(json, "busy_rejects", c.busy_rejects());
    put(json, "invalid_requests", c.invalid_requests());
    put(json, "reconnects", c.reconnects());
    put(json, "outcome_unknown", c.outcome_unknown());
    put(json, "corrupt_replies", c.corrupt_replies());
    put(json, "read_failures", c.read_failures());
    put(json, "read_ahead_refusals", c.read_ahead_refusals());
    put(json, "oversize_messages", c.oversize_messages());
    put(json, "dropped_replies", c.dropped_replies());
    put(json, "unroutable_replies", c.unroutable_replies());
    put(json, "departed_requests", c.departed_requests());
    put(json, "evicted_connections", c.evicted_connections());
    put(json, "fair_share_reads", c.fair_share_reads());
    put(json, "refused_handshakes", c.refused_handshakes());
    json.end_object();
}

void write_client(JsonWriter& json, const v1::ClientStatus& client) {
    json.begin_object();
    put(json, "client_name", client.client_name());
    json.key("routing_id").value(base64(client.routing_id()));
    put32(json, "queue_depth", client.queue_depth());
    put(json, "requests", client.requests());
    json.end_object();
}

void write_histogram(JsonWriter& json, const v1::Histogram& histogram) {
    json.begin_object();
    put_strings(json, "bounds_us", histogram.bounds_us());
    put_strings(json, "counts", histogram.counts());
    put(json, "total", histogram.total());
    put(json, "sum_us", histogram.sum_us());
    json.end_object();
}

void write_read_failure(JsonWriter& json, const v1::ReadFailure& failure) {
    json.begin_object();
    put32(json, "function", failure.function());
    put32(json, "address", failure.address());
    put32(json, "count", failure.count());
    put32(json, "unit", failure.unit());
    put(json, "answer", failure.answer());
    put(json, "client_name", failure.client_name());
    put(json, "failures", failure.failures());
    put(json, "first_unix_ms", failure.first_unix_ms());
    put(json, "last_unix_ms", failure.last_unix_ms());
    json.end_object();
}

}  // namespace

std::string base64(std::string_view bytes) {
    constexpr std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const std::size_t n = bytes.size() - i < 3 ? bytes.size() - i : 3;
        std::uint32_t group = 0;
        for (std::size_t k = 0; k < 3; ++k)
            group = (group << 8U) | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0U);
        for (std::size_t k = 0; k < 4; ++k)
            out += k <= n ? alphabet[(group >> (18U - 6U * k)) & 0x3FU] : '=';
    }
    return out;
}

std::string status_json(const v1::Status& status) {
    JsonWriter json;
    json.begin_object();
    put(json, "version", status.version());
    put(json, "transport", status.transport());
    put(json, "device", status.device());
    put(json, "link_state", status.link_state());
    put(json, "connection_mode", status.connection_mode());
    put(json, "connected_since_unix_ms", status.connected_since_unix_ms());
    put(json, "uptime_ms", status.uptime_ms());
    if (status.has_counters()) write_counters(json.key("counters"), status.counters());
    json.key("clients").begin_array();
    for (const auto& client : status.clients()) write_client(json, client);
    json.end_array();
    if (status.has_device_time()) write_histogram(json.key("device_time"), status.device_time());
    if (status.has_queue_time()) write_histogram(json.key("queue_time"), status.queue_time());
    put(json, "last_error", status.last_error());
    put32(json, "queued", status.queued());
    json.key("read_failures").begin_array();
    for (const auto& failure : status.read_failures()) write_read_failure(json, failure);
    json.end_array();
    put32(json, "read_budget_ms", status.read_budget_ms());
    put32(json, "clients_omitted", status.clients_omitted());
    put32(json, "connections", status.connections());
    put32(json, "max_connections", status.max_connections());
    json.end_object();
    return json.str() + "\n";
}

}  // namespace tristar::ctl
