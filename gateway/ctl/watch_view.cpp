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

std::string gateway_text(const client::v1::Status& status) {
    const auto& counters = status.counters();
    return link_text(status) + "   transactions " + std::to_string(counters.transactions()) +
           "   cache hits " + std::to_string(counters.cache_hits()) + "   merged " +
           std::to_string(counters.merged_reads()) + "   timeouts " +
           std::to_string(counters.timeouts()) + "   exceptions " +
           std::to_string(counters.exceptions()) + "   clients " +
           std::to_string(status.clients_size());
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
    return "tristar-ctl watch  " + frame.endpoint + "  " + local_time_text(frame.now_unix_ms) +
           "  (every " + std::to_string(frame.interval_ms) + " ms; Ctrl-C to stop)";
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
    if (frame.read_error) {
        lines.push_back(labelled("device", *frame.read_error));
    } else {
        for (const auto& row : rows) {
            const auto text = row_text(row, frame.readings);
            if (!text.empty()) lines.push_back(labelled(row.label, text));
        }
    }
    lines.emplace_back();
    if (frame.status) {
        lines.push_back(labelled("gateway", gateway_text(*frame.status)));
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
