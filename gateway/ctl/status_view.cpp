#include "gateway/ctl/status_view.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tristar::ctl {
namespace {

namespace v1 = client::v1;

std::string two_digits(std::uint64_t value) {
    return (value < 10 ? "0" : "") + std::to_string(value);
}

std::string line(std::string_view label, const std::string& value) {
    std::string out(label);
    out.append(label.size() < 14 ? 14 - label.size() : 1, ' ');
    return out + value + "\n";
}

// "since 2024-05-01 09:12:40 (2h 14m)", or "no" for 0.
std::string since_text(std::uint64_t since, std::uint64_t now_unix_ms) {
    if (since == 0) return "no";
    const auto age = now_unix_ms > since ? now_unix_ms - since : 0;
    return "since " + local_time_text(since) + " (" + duration_text(age) + ")";
}

std::vector<std::pair<std::string, std::uint64_t>> counter_cells(const v1::Counters& c) {
    return {{"requests", c.requests()},
            {"transactions", c.transactions()},
            {"retries", c.retries()},
            {"timeouts", c.timeouts()},
            {"exceptions", c.exceptions()},
            {"cache_hits", c.cache_hits()},
            {"merged_reads", c.merged_reads()},
            {"writes", c.writes()},
            {"refused_writes", c.refused_writes()},
            {"deadline_misses", c.deadline_misses()},
            {"busy_rejects", c.busy_rejects()},
            {"invalid_requests", c.invalid_requests()},
            {"reconnects", c.reconnects()},
            {"outcome_unknown", c.outcome_unknown()},
            {"corrupt_replies", c.corrupt_replies()},
            {"read_failures", c.read_failures()},
            {"ahead_refused", c.read_ahead_refusals()},
            {"oversize_msgs", c.oversize_messages()},
            {"dropped_replies", c.dropped_replies()},
            {"unroutable", c.unroutable_replies()},
            {"refused_auth", c.refused_handshakes()},
            {"departed", c.departed_requests()},
            {"evicted_conns", c.evicted_connections()},
            {"fair_share", c.fair_share_reads()}};
}

// Three "name  value" cells per line, 78 columns.
std::string counters_text(const v1::Counters& counters) {
    std::string out = "counters\n";
    const auto cells = counter_cells(counters);
    for (std::size_t i = 0; i < cells.size(); ++i) {
        std::string name = cells[i].first;
        name.append(name.size() < 16 ? 16 - name.size() : 1, ' ');
        std::string value = std::to_string(cells[i].second);
        value.insert(0, value.size() < 8 ? 8 - value.size() : 0, ' ');
        out += "  " + name + value + (i % 3 == 2 || i + 1 == cells.size() ? "\n" : "");
    }
    return out;
}

std::string exceptions_text(const v1::Counters& counters) {
    if (counters.exceptions_by_code().empty()) return "";
    std::vector<std::pair<std::uint32_t, std::uint64_t>> codes(
        counters.exceptions_by_code().begin(), counters.exceptions_by_code().end());
    std::sort(codes.begin(), codes.end());
    std::string text;
    for (const auto& [code, count] : codes) {
        text += (text.empty() ? "" : ", ") + ("code " + std::to_string(code)) + ": " +
                std::to_string(count);
    }
    return line("exceptions", text);
}

// Which failing reads to list, and whether each names its device.
struct FailureFilter {
    std::string_view device;  // only this device's; empty: all
    bool named = false;       // " on DEVICE" after the unit
};

// The reads the device keeps failing, one line each: what, who, the answer, how often, since.
std::string read_failures_text(const v1::Status& status, const FailureFilter& filter = {}) {
    std::string lines;
    int listed = 0;
    for (const auto& f : status.read_failures()) {
        if (!filter.device.empty() && f.device() != filter.device) continue;
        char range[48];
        std::snprintf(range, sizeof range, "fc %u 0x%04x+%u", f.function(), f.address(), f.count());
        lines += "  " + std::string(range) + " unit " + std::to_string(f.unit()) +
                 (filter.named ? " on " + f.device() : "") + " for '" + f.client_name() +
                 "': " + f.answer() + " (" + std::to_string(f.failures()) + " times since " +
                 local_time_text(f.first_unix_ms()) + ")\n";
        ++listed;
    }
    if (listed == 0) return "";
    return "failing reads (" + std::to_string(listed) + ")\n" + lines;
}

}  // namespace

std::map<std::string, ClientTotals> client_totals(const v1::Status& status) {
    std::map<std::string, ClientTotals> by_name;
    for (const auto& client : status.clients()) {
        auto& totals = by_name[client.client_name().empty() ? "(unnamed)" : client.client_name()];
        ++totals.connections;
        totals.queue += client.queue_depth();
        totals.requests += client.requests();
    }
    return by_name;
}

namespace {

// One line per client name.
std::string clients_text(const v1::Status& status) {
    const auto by_name = client_totals(status);
    std::string out = "clients (" + std::to_string(by_name.size()) + ")";
    if (status.max_connections() > 0)
        out += ", connections " + std::to_string(status.connections()) + " of " +
               std::to_string(status.max_connections());
    out += "\n";
    for (const auto& [name, totals] : by_name) {
        std::string padded = name;
        padded.append(name.size() < 20 ? 20 - name.size() : 1, ' ');
        out += "  " + padded + "queue " + std::to_string(totals.queue) + "  requests " +
               std::to_string(totals.requests);
        if (totals.connections > 1) out += "  connections " + std::to_string(totals.connections);
        out += "\n";
    }
    if (status.clients_omitted() > 0)
        out +=
            "  (" + std::to_string(status.clients_omitted()) + " less recent clients not listed)\n";
    return out;
}

}  // namespace

std::string local_time_text(std::uint64_t unix_ms) {
    const auto seconds = static_cast<std::time_t>(unix_ms / 1000);
    std::tm local{};
    localtime_r(&seconds, &local);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S", &local);
    return buffer;
}

std::string link_text(const v1::Status& status) {
    std::string text = status.link_state().empty() ? "unknown" : status.link_state();
    text += " (" + status.transport();
    if (!status.connection_mode().empty()) text += ", " + status.connection_mode();
    return text + ")";
}

std::string duration_text(std::uint64_t ms) {
    const auto s = ms / 1000;
    if (s >= 86400) return std::to_string(s / 86400) + "d " + two_digits(s % 86400 / 3600) + "h";
    if (s >= 3600) return std::to_string(s / 3600) + "h " + two_digits(s % 3600 / 60) + "m";
    if (s >= 60) return std::to_string(s / 60) + "m " + two_digits(s % 60) + "s";
    return std::to_string(s) + "s";
}

std::string micros_text(std::uint64_t us) {
    char buffer[32];
    if (us < 1000) return std::to_string(us) + " us";
    const auto value = static_cast<double>(us);
    if (us < 1000000) {
        std::snprintf(buffer, sizeof buffer, "%.1f ms", value / 1e3);
    } else {
        std::snprintf(buffer, sizeof buffer, "%.2f s", value / 1e6);
    }
    return buffer;
}

std::string percentile_text(const v1::Histogram& histogram, double p) {
    std::uint64_t total = 0;
    for (const auto count : histogram.counts()) total += count;
    if (total == 0) return "-";
    const auto rank = std::max<std::uint64_t>(
        1, static_cast<std::uint64_t>(std::ceil(p * static_cast<double>(total))));
    std::uint64_t seen = 0;
    for (int i = 0; i < histogram.counts_size(); ++i) {
        seen += histogram.counts(i);
        if (seen < rank) continue;
        if (i < histogram.bounds_us_size()) return "<=" + micros_text(histogram.bounds_us(i));
        break;
    }
    if (histogram.bounds_us_size() == 0) return "-";
    return ">" + micros_text(histogram.bounds_us(histogram.bounds_us_size() - 1));
}

std::string histogram_text(const v1::Histogram& histogram) {
    if (histogram.total() == 0) return "no samples";
    const auto mean = histogram.sum_us() / histogram.total();
    return "p50 " + percentile_text(histogram, 0.5) + "  p90 " + percentile_text(histogram, 0.9) +
           "  p99 " + percentile_text(histogram, 0.99) +
           "  (n=" + std::to_string(histogram.total()) + ", mean " + micros_text(mean) + ")";
}

namespace {

std::string gateway_line(const v1::Status& status) {
    return line("gateway", "tristar-gatewayd " + status.version() + ", up " +
                               duration_text(status.uptime_ms()));
}

std::string error_text(const std::string& error) {
    return error.empty() ? "none" : error;
}

// One device: the top level of the status is the gateway's first (and only) device.
std::string one_device_text(const v1::Status& status, std::uint64_t now_unix_ms) {
    std::string out = gateway_line(status);
    out += line("link", link_text(status));
    out += line("device", status.device());
    out += line("connected", since_text(status.connected_since_unix_ms(), now_unix_ms));
    out += line("queued", std::to_string(status.queued()));
    out += counters_text(status.counters());
    out += exceptions_text(status.counters());
    out += read_failures_text(status);
    out += clients_text(status);
    out += line("device time", histogram_text(status.device_time()));
    out += line("queue time", histogram_text(status.queue_time()));
    out += line("last error", error_text(status.last_error()));
    return out;
}

std::string joined(const google::protobuf::RepeatedPtrField<std::string>& names) {
    std::string text;
    for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
    return text;
}

// "2 (a, b) on 2 links".
std::string devices_summary(const v1::Status& status) {
    std::string names;
    for (const auto& device : status.devices())
        names += (names.empty() ? "" : ", ") + device.name();
    const auto links = status.links_size();
    return std::to_string(status.devices_size()) + " (" + names + ") on " + std::to_string(links) +
           (links == 1 ? " link" : " links");
}

// A line of a section: indented, the values one column right of the top-level ones.
std::string item(std::string_view label, const std::string& value) {
    return "  " + line(label, value);
}

std::string device_section(const v1::DeviceStatus& device, std::uint64_t now_unix_ms) {
    const auto& counters = device.counters();
    std::string out = "device " + device.name() + "\n";
    out += item("uri", device.device());
    out += item("unit", std::to_string(device.unit()));
    out += item("link", device.link());
    out += item("state", device.state().empty() ? "unknown" : device.state());
    out += item("answering", since_text(device.answering_since_unix_ms(), now_unix_ms));
    out += item("queued", std::to_string(device.queued()));
    out += item("transactions", std::to_string(counters.transactions()) + "   timeouts " +
                                    std::to_string(counters.timeouts()) + "   read failures " +
                                    std::to_string(counters.read_failures()));
    out += item("last error", error_text(device.last_error()));
    return out;
}

// Two lines: "  tcp://10.0.0.2:502  (tcp, kept)  devices a, b" and its counts and state.
std::string link_lines(const v1::LinkStatus& link) {
    std::string mode = link.transport();
    if (!link.connection_mode().empty()) mode += ", " + link.connection_mode();
    return "  " + link.link() + "  (" + mode + ")  devices " + joined(link.devices()) +
           "\n    transactions " + std::to_string(link.transactions()) + "   reconnects " +
           std::to_string(link.reconnects()) + "   " +
           (link.connected() ? "connected" : "not connected") +
           (link.busy() ? ", busy" : ", idle") + "\n";
}

bool has_device(const v1::LinkStatus& link, std::string_view device) {
    for (const auto& name : link.devices())
        if (name == device) return true;
    return false;
}

// The links, or only the one `device` is on.
std::string links_text(const v1::Status& status, std::string_view device) {
    std::string lines;
    int listed = 0;
    for (const auto& link : status.links()) {
        if (!device.empty() && !has_device(link, device)) continue;
        lines += link_lines(link);
        ++listed;
    }
    if (listed == 0) return "";
    return (device.empty() ? "links (" + std::to_string(listed) + ")\n" : "link\n") + lines;
}

// Several devices, or one chosen: the gateway as a whole (counters and latencies of every
// device together), then a section per device and the links.
std::string devices_text(const v1::Status& status, std::uint64_t now_unix_ms,
                         std::string_view device) {
    std::string out = gateway_line(status);
    out += line("devices", devices_summary(status));
    out += line("queued", std::to_string(status.queued()));
    out += counters_text(status.counters());
    out += exceptions_text(status.counters());
    out += read_failures_text(status, {device, device.empty()});
    out += clients_text(status);
    out += line("device time", histogram_text(status.device_time()));
    out += line("queue time", histogram_text(status.queue_time()));
    for (const auto& d : status.devices())
        if (device.empty() || d.name() == device) out += device_section(d, now_unix_ms);
    return out + links_text(status, device);
}

}  // namespace

std::string status_text(const v1::Status& status, std::uint64_t now_unix_ms,
                        std::string_view device) {
    if (device.empty() && status.devices_size() <= 1) return one_device_text(status, now_unix_ms);
    return devices_text(status, now_unix_ms, device);
}

}  // namespace tristar::ctl
