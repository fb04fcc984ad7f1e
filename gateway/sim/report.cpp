#include "gateway/sim/report.h"

namespace tristar::sim {

namespace {

std::string joined(const std::vector<std::string>& items) {
    std::string text;
    for (const auto& item : items) text.append(text.empty() ? "" : ",").append(item);
    return text;
}

Json devices_json(const SimState& state, Clock::time_point now) {
    Json devices = Json::object();
    for (const auto& device : state.devices) devices[device->name()] = device->stats_json(now);
    return devices;
}

Json lines_json(const SimState& state) {
    Json lines = Json::object();
    for (const auto& line : state.tcp_lines) lines[line->endpoint()] = line->stats_json();
    for (const auto& line : state.rtu_lines) lines[line->endpoint()] = line->stats_json();
    return lines;
}

Json silenced_json(const SimState& state, Clock::time_point now) {
    Json names = Json::array();
    for (const auto& device : state.devices)
        if (device->silenced(now)) names.push_back(device->name());
    return names;
}

}  // namespace

std::string ready_line(const TcpLine& line, bool from_file) {
    if (!from_file) return line.endpoint();
    const Device& device = line.device();
    return line.endpoint() + " device=" + device.name() +
           " unit=" + std::to_string(device.unit_id());
}

std::string ready_line(const RtuLine& line, bool from_file) {
    if (!from_file) return line.endpoint();
    std::vector<std::string> names;
    std::vector<std::string> units;
    for (const Device* device : line.devices()) {
        names.push_back(device->name());
        units.push_back(std::to_string(device->unit_id()));
    }
    return line.endpoint() + " devices=" + joined(names) + " units=" + joined(units);
}

std::string stats_document(const SimState& state, bool from_file, Clock::time_point now) {
    if (!from_file) return stats_text(state.devices.front()->stats_json(now));
    Json document;
    document["devices"] = devices_json(state, now);
    document["lines"] = lines_json(state);
    document["silenced"] = silenced_json(state, now);
    return stats_text(document);
}

}  // namespace tristar::sim
