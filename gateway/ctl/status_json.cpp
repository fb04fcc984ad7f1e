#include "gateway/ctl/status_json.h"

#include <cstdint>
#include <map>
#include <utility>

#include "gateway/ctl/json.h"

namespace tristar::ctl {
namespace {

namespace v1 = client::v1;

// proto3 JSON writes 64-bit integers as strings (JavaScript numbers lose precision past 2^53).
std::string int64_text(std::uint64_t value) {
    return std::to_string(value);
}

template <typename Values>
Json int64_texts(const Values& values) {
    Json texts = Json::array();
    for (const auto value : values) texts.push_back(int64_text(value));
    return texts;
}

Json exceptions_by_code(const v1::Counters& c) {
    const std::map<std::uint32_t, std::uint64_t> by_code(c.exceptions_by_code().begin(),
                                                         c.exceptions_by_code().end());
    Json json = Json::object();
    for (const auto& [code, count] : by_code) json[std::to_string(code)] = int64_text(count);
    return json;
}

Json counters_json(const v1::Counters& c) {
    using Count = std::uint64_t (v1::Counters::*)() const;
    static constexpr std::pair<const char*, Count> counts[] = {
        {"requests", &v1::Counters::requests},
        {"transactions", &v1::Counters::transactions},
        {"retries", &v1::Counters::retries},
        {"timeouts", &v1::Counters::timeouts},
        {"exceptions", &v1::Counters::exceptions},
        {"exceptions_by_code", nullptr},
        {"cache_hits", &v1::Counters::cache_hits},
        {"merged_reads", &v1::Counters::merged_reads},
        {"writes", &v1::Counters::writes},
        {"refused_writes", &v1::Counters::refused_writes},
        {"deadline_misses", &v1::Counters::deadline_misses},
        {"busy_rejects", &v1::Counters::busy_rejects},
        {"invalid_requests", &v1::Counters::invalid_requests},
        {"reconnects", &v1::Counters::reconnects},
        {"outcome_unknown", &v1::Counters::outcome_unknown},
        {"corrupt_replies", &v1::Counters::corrupt_replies},
        {"read_failures", &v1::Counters::read_failures},
        {"read_ahead_refusals", &v1::Counters::read_ahead_refusals},
        {"oversize_messages", &v1::Counters::oversize_messages},
        {"dropped_replies", &v1::Counters::dropped_replies},
        {"unroutable_replies", &v1::Counters::unroutable_replies},
        {"departed_requests", &v1::Counters::departed_requests},
        {"evicted_connections", &v1::Counters::evicted_connections},
        {"fair_share_reads", &v1::Counters::fair_share_reads},
        {"refused_handshakes", &v1::Counters::refused_handshakes},
    };
    Json json;
    for (const auto& [name, count] : counts) {
        json[name] = count == nullptr ? exceptions_by_code(c) : Json(int64_text((c.*count)()));
    }
    return json;
}

Json client_json(const v1::ClientStatus& client) {
    return {{"client_name", client.client_name()},
            {"routing_id", base64(client.routing_id())},
            {"queue_depth", client.queue_depth()},
            {"requests", int64_text(client.requests())}};
}

Json histogram_json(const v1::Histogram& histogram) {
    return {{"bounds_us", int64_texts(histogram.bounds_us())},
            {"counts", int64_texts(histogram.counts())},
            {"total", int64_text(histogram.total())},
            {"sum_us", int64_text(histogram.sum_us())}};
}

Json read_failure_json(const v1::ReadFailure& failure) {
    return {{"function", failure.function()},
            {"address", failure.address()},
            {"count", failure.count()},
            {"unit", failure.unit()},
            {"answer", failure.answer()},
            {"client_name", failure.client_name()},
            {"failures", int64_text(failure.failures())},
            {"first_unix_ms", int64_text(failure.first_unix_ms())},
            {"last_unix_ms", int64_text(failure.last_unix_ms())},
            {"device", failure.device()}};
}

Json device_status_json(const v1::DeviceStatus& device) {
    Json json;
    json["name"] = device.name();
    json["device"] = device.device();
    json["unit"] = device.unit();
    json["link"] = device.link();
    json["state"] = device.state();
    if (device.has_counters()) json["counters"] = counters_json(device.counters());
    if (device.has_device_time()) json["device_time"] = histogram_json(device.device_time());
    if (device.has_queue_time()) json["queue_time"] = histogram_json(device.queue_time());
    json["last_error"] = device.last_error();
    json["queued"] = device.queued();
    json["read_budget_ms"] = device.read_budget_ms();
    json["answering_since_unix_ms"] = int64_text(device.answering_since_unix_ms());
    return json;
}

Json link_status_json(const v1::LinkStatus& link) {
    Json devices = Json::array();
    for (const auto& name : link.devices()) devices.push_back(name);
    return {{"link", link.link()},
            {"transport", link.transport()},
            {"connection_mode", link.connection_mode()},
            {"devices", devices},
            {"transactions", int64_text(link.transactions())},
            {"reconnects", int64_text(link.reconnects())},
            {"connected", link.connected()},
            {"busy", link.busy()}};
}

template <typename Messages, typename ToJson>
Json json_array(const Messages& messages, ToJson to_json) {
    Json json = Json::array();
    for (const auto& message : messages) json.push_back(to_json(message));
    return json;
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
    Json json;
    json["version"] = status.version();
    json["transport"] = status.transport();
    json["device"] = status.device();
    json["link_state"] = status.link_state();
    json["connection_mode"] = status.connection_mode();
    json["connected_since_unix_ms"] = int64_text(status.connected_since_unix_ms());
    json["uptime_ms"] = int64_text(status.uptime_ms());
    if (status.has_counters()) json["counters"] = counters_json(status.counters());
    json["clients"] = json_array(status.clients(), client_json);
    if (status.has_device_time()) json["device_time"] = histogram_json(status.device_time());
    if (status.has_queue_time()) json["queue_time"] = histogram_json(status.queue_time());
    json["last_error"] = status.last_error();
    json["queued"] = status.queued();
    json["read_failures"] = json_array(status.read_failures(), read_failure_json);
    json["read_budget_ms"] = status.read_budget_ms();
    json["clients_omitted"] = status.clients_omitted();
    json["connections"] = status.connections();
    json["max_connections"] = status.max_connections();
    json["devices"] = json_array(status.devices(), device_status_json);
    json["links"] = json_array(status.links(), link_status_json);
    return json_document(json);
}

}  // namespace tristar::ctl
