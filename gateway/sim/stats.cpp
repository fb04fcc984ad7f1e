#include "gateway/sim/stats.h"

#include <cstdio>
#include <sstream>

namespace tristar::sim {

namespace {

std::string fixed3(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3f", value);
    return text;
}

std::string slave_json(const SlaveStatus& s) {
    std::ostringstream out;
    out << "{\"active\":" << (s.active ? "true" : "false") << ",\"writes\":" << s.writes
        << ",\"refreshes\":" << s.refreshes << ",\"exits\":" << s.exits
        << ",\"longest_gap_s\":" << fixed3(s.longest_gap_s) << ",\"ib_ref_raw\":" << s.ib_ref_raw
        << ",\"vb_ref_raw\":" << s.vb_ref_raw << ",\"ib_ref_a\":" << fixed3(s.ib_ref_a)
        << ",\"vb_ref_v\":" << fixed3(s.vb_ref_v) << ",\"charge_current_a\":" << fixed3(s.charge_current_a)
        << ",\"charge_disconnect\":" << (s.charge_disconnect ? "true" : "false") << '}';
    return out.str();
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

std::string Stats::to_json(Clock::time_point now) const {
    std::ostringstream out;
    out << "{\"transactions\":" << transactions << ",\"overlaps\":" << overlaps
        << ",\"reads\":" << reads << ",\"writes\":" << writes << ",\"exceptions\":{";
    const char* separator = "";
    for (const auto& [code, count] : exceptions) {
        out << separator << '"' << code << "\":" << count;
        separator = ",";
    }
    out << "},\"dropped\":" << dropped << ",\"corrupted\":" << corrupted
        << ",\"connections\":" << connections << ",\"refused_connections\":" << refused_connections
        << ",\"malformed\":" << malformed << ",\"bad_frames\":" << bad_frames
        << ",\"other_units\":" << other_units << ",\"ignored\":" << ignored
        << ",\"resets\":" << resets << ",\"max_queue\":" << max_queue
        << ",\"hung\":" << (hung ? "true" : "false") << ",\"refused\":" << refused
        << ",\"swallowed\":" << swallowed << ",\"cut\":" << cut
        << ",\"bad_exceptions\":" << bad_exceptions << ",\"refused_by_range\":{";
    separator = "";
    for (const auto& [key, count] : refused_by_range) {
        out << separator << '"' << key << "\":" << count;
        separator = ",";
    }
    out << "},\"write_log\":[";
    separator = "";
    for (const auto& w : write_log) {
        out << separator << '[' << unsigned{w.function} << ',' << w.address << ',' << w.value
            << ']';
        separator = ",";
    }
    out << "],\"slave\":" << slave_json(slave);
    const double uptime = std::chrono::duration<double>(now - started).count();
    out << ",\"uptime_s\":" << fixed3(uptime) << "}\n";
    return out.str();
}

}  // namespace tristar::sim
