#include "gateway/sim/stats.h"

#include <cstdio>

namespace tristar::sim {

namespace {

// The stats have always printed seconds, amperes and volts with three decimals ("1.500").
std::string fixed3(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3f", value);
    return text;
}

Json slave_json(const SlaveStatus& s) {
    return {{"active", s.active},
            {"writes", s.writes},
            {"refreshes", s.refreshes},
            {"exits", s.exits},
            {"longest_gap_s", s.longest_gap_s},
            {"ib_ref_raw", s.ib_ref_raw},
            {"vb_ref_raw", s.vb_ref_raw},
            {"ib_ref_a", s.ib_ref_a},
            {"vb_ref_v", s.vb_ref_v},
            {"charge_current_a", s.charge_current_a},
            {"charge_disconnect", s.charge_disconnect}};
}

// JSON object keys are strings: the exception codes as decimal text.
Json by_code_json(const std::map<unsigned, std::uint64_t>& counts) {
    Json json = Json::object();
    for (const auto& [code, count] : counts) json[std::to_string(code)] = count;
    return json;
}

Json write_log_json(const std::deque<WriteRecord>& log) {
    Json json = Json::array();
    for (const auto& w : log) json.push_back({unsigned{w.function}, w.address, w.value});
    return json;
}

}  // namespace

void Stats::record_outcome(const ServiceOutcome& outcome) {
    if (outcome.exception) {
        ++exceptions[static_cast<unsigned>(*outcome.exception)];
    } else if (modbus::is_read(outcome.function) ||
               outcome.function == modbus::fc::encapsulated_interface) {
        ++reads;
    } else if (!outcome.writes.empty()) {
        ++writes;
    }
    for (const auto& write : outcome.writes) record_write(write);
    if (outcome.refused) record_refusal(*outcome.refused);
}

void Stats::record_refusal(const RefusedRequest& request) {
    ++refused;
    std::string key = request.key();
    const bool known = refused_by_range.contains(key);
    if (!known && refused_by_range.size() >= refused_keys_max) key = "other";
    ++refused_by_range[key];
}

void Stats::record_write(const WriteRecord& write) {
    write_log.push_back(write);
    while (write_log.size() > write_log_size) write_log.pop_front();
}

std::string stats_text(const Json& document) {
    return json_text(document, fixed3) + "\n";
}

std::string Stats::to_json(Clock::time_point now) const {
    return stats_text(to_json_value(now));
}

Json Stats::to_json_value(Clock::time_point now) const {
    Json json;
    json["transactions"] = transactions;
    json["overlaps"] = overlaps;
    json["reads"] = reads;
    json["writes"] = writes;
    json["exceptions"] = by_code_json(exceptions);
    json["dropped"] = dropped;
    json["corrupted"] = corrupted;
    json["connections"] = connections;
    json["refused_connections"] = refused_connections;
    json["malformed"] = malformed;
    json["bad_frames"] = bad_frames;
    json["other_units"] = other_units;
    json["ignored"] = ignored;
    json["resets"] = resets;
    json["max_queue"] = max_queue;
    json["hung"] = hung;
    json["refused"] = refused;
    json["swallowed"] = swallowed;
    json["cut"] = cut;
    json["bad_exceptions"] = bad_exceptions;
    json["refused_by_range"] = refused_by_range;
    json["write_log"] = write_log_json(write_log);
    json["slave"] = slave_json(slave);
    json["uptime_s"] = std::chrono::duration<double>(now - started).count();
    return json;
}

}  // namespace tristar::sim
