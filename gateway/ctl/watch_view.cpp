#include "gateway/ctl/watch_view.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "gateway/ctl/status_view.h"

namespace tristar::ctl {
namespace {

struct Item {
    std::string_view name;  // a register of the map; empty = unused
    std::string_view prefix;
};

struct Row {
    std::string_view label;
    std::array<Item, 3> items;
};

// The screen, as data: a row per line, the registers it shows by map name.
constexpr std::array<Row, 8> rows{{
    {"battery", {{{"battery_voltage", ""}, {"battery_current", ""}, {"battery_temperature", ""}}}},
    {"PV", {{{"array_voltage", ""}, {"array_current", ""}, {}}}},
    {"output", {{{"output_power", ""}, {}, {}}}},
    {"charge", {{{"charge_state", ""}, {"target_voltage", "target "}, {}}}},
    {"today", {{{"energy_daily", ""}, {}, {}}}},
    {"faults", {{{"faults", ""}, {}, {}}}},
    {"alarms", {{{"alarms", ""}, {}, {}}}},
    {"LED", {{{"led_state", ""}, {}, {}}}},
}};

constexpr std::size_t label_width = 10;

std::string labelled(std::string_view label, const std::string& text) {
    std::string out(label);
    out.append(label_width - std::min(label.size(), label_width - 1), ' ');
    return out + text;
}

const Reading* find_reading(const std::vector<Reading>& readings, std::string_view name) {
    const auto it = std::find_if(readings.begin(), readings.end(),
                                 [name](const Reading& r) { return r.name == name; });
    return it == readings.end() ? nullptr : &*it;
}

std::string row_text(const Row& row, const std::vector<Reading>& readings) {
    std::string text;
    for (const auto& item : row.items) {
        const auto* reading = item.name.empty() ? nullptr : find_reading(readings, item.name);
        if (reading == nullptr) continue;
        text += (text.empty() ? "" : "   ") + std::string(item.prefix) + reading->text;
    }
    return text;
}

std::string counts_text(const client::v1::Counters& counters, const client::v1::Status& status) {
    return "   transactions " + std::to_string(counters.transactions()) + "   cache hits " +
           std::to_string(counters.cache_hits()) + "   merged " +
           std::to_string(counters.merged_reads()) + "   timeouts " +
           std::to_string(counters.timeouts()) + "   exceptions " +
           std::to_string(counters.exceptions()) + "   clients " +
           std::to_string(status.clients_size());
}

const client::v1::DeviceStatus* find_device(const client::v1::Status& status,
                                            std::string_view name) {
    for (const auto& device : status.devices())
        if (device.name() == name) return &device;
    return nullptr;
}

const client::v1::LinkStatus* find_link(const client::v1::Status& status, std::string_view key) {
    for (const auto& link : status.links())
        if (link.link() == key) return &link;
    return nullptr;
}

// "connected (tcp, kept)" for one device of several, as link_text() for the first.
std::string device_link_text(const client::v1::Status& status,
                             const client::v1::DeviceStatus& device) {
    std::string text = device.state().empty() ? "unknown" : device.state();
    const auto* link = find_link(status, device.link());
    if (link == nullptr) return text;
    text += " (" + link->transport();
    if (!link->connection_mode().empty()) text += ", " + link->connection_mode();
    return text + ")";
}

// The gateway line: the chosen device's state and counts, or the first device's link and the
// gateway's counts, or with several devices how many there are and the gateway's counts.
std::string gateway_text(const WatchFrame& frame, const client::v1::Status& status) {
    if (!frame.devices.empty()) {
        const auto links = status.links_size();
        return std::to_string(status.devices_size()) + " devices on " + std::to_string(links) +
               (links == 1 ? " link" : " links") + counts_text(status.counters(), status);
    }
    if (const auto* device = frame.device.empty() ? nullptr : find_device(status, frame.device))
        return device_link_text(status, *device) + counts_text(device->counters(), status);
    return link_text(status) + counts_text(status.counters(), status);
}

// "tristar-publisher 1200 requests   tristar-bridge 310 requests": who is using the gateway
// (the demo shows so that the publisher and the bridge are up).
std::string clients_line(const client::v1::Status& status) {
    std::string text;
    for (const auto& [name, totals] : client_totals(status))
        text += (text.empty() ? "" : "   ") + name + " " + std::to_string(totals.requests) +
                " requests";
    return text.empty() ? "none" : text;
}

std::string header(const WatchFrame& frame) {
    const auto device = frame.device.empty() ? "" : "device " + frame.device + "  ";
    return "tristar-ctl watch  " + frame.endpoint + "  " + device +
           local_time_text(frame.now_unix_ms) + "  (every " + std::to_string(frame.interval_ms) +
           " ms; Ctrl-C to stop)";
}

// A device's rows, or the reason its read failed.
void add_values(std::vector<std::string>& lines, const std::vector<Reading>& readings,
                const std::optional<std::string>& read_error, std::string_view error_label) {
    if (read_error) {
        lines.push_back(labelled(error_label, *read_error));
        return;
    }
    for (const auto& row : rows) {
        const auto text = row_text(row, readings);
        if (!text.empty()) lines.push_back(labelled(row.label, text));
    }
}

// "house   connected   tcp://10.0.0.2:502 unit 1   transactions 12   timeouts 0": the device's
// link rather than its URI (serial settings left out), to fit the line.
std::string device_title(const DeviceValues& values,
                         const std::optional<client::v1::Status>& status) {
    const auto* device = status ? find_device(*status, values.name) : nullptr;
    if (device == nullptr) return values.name;
    return values.name + "   " + (device->state().empty() ? "unknown" : device->state()) + "   " +
           device->link() + " unit " + std::to_string(device->unit()) + "   transactions " +
           std::to_string(device->counters().transactions()) + "   timeouts " +
           std::to_string(device->counters().timeouts());
}

// Several devices: a block each, named, separated by blank lines.
void add_devices(std::vector<std::string>& lines, const WatchFrame& frame) {
    for (const auto& values : frame.devices) {
        if (&values != &frame.devices.front()) lines.emplace_back();
        lines.push_back(labelled("device", device_title(values, frame.status)));
        add_values(lines, values.readings, values.read_error, "error");
    }
}

}  // namespace

std::vector<const Register*> watch_registers() {
    std::vector<const Register*> out;
    for (const auto& row : rows) {
        for (const auto& item : row.items) {
            if (item.name.empty()) continue;
            if (const auto* reg = find_register(item.name)) out.push_back(reg);
        }
    }
    return out;
}

std::vector<std::string> watch_lines(const WatchFrame& frame) {
    std::vector<std::string> lines{header(frame), ""};
    if (!frame.answering) {
        lines.push_back("gateway not answering at " + frame.endpoint + " (still trying)");
        return lines;
    }
    if (frame.devices.empty()) {
        add_values(lines, frame.readings, frame.read_error, "device");
    } else {
        add_devices(lines, frame);
    }
    lines.emplace_back();
    if (frame.status) {
        lines.push_back(labelled("gateway", gateway_text(frame, *frame.status)));
        lines.push_back(labelled("clients", clients_line(*frame.status)));
    } else {
        lines.push_back(labelled("gateway", "status failed: " + frame.status_error.value_or("")));
    }
    return lines;
}

std::string tty_frame(const std::vector<std::string>& lines, bool first) {
    std::string out = first ? "\x1b[?25l\x1b[2J" : "";
    out += "\x1b[H";
    for (const auto& line : lines) out += line + "\x1b[K\n";
    return out + "\x1b[J";
}

std::string tty_restore() {
    return "\x1b[?25h";
}

std::string plain_frame(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& line : lines) out += line + "\n";
    return out + "\n";
}

}  // namespace tristar::ctl
