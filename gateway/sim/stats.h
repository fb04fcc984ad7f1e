#pragma once
// What the simulator saw, for tests and benchmarks: transactions, overlaps (a request arriving
// while another is being served), reads, writes, exceptions by code, quirks applied, refusals by
// request range, connections, and the last 1000 executed writes. to_json_value builds the JSON
// object (nlohmann, json_text.h), to_json its text; the loop puts it on disk (replace_file).
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <string>

#include "gateway/base/json_text.h"
#include "gateway/sim/modbus_service.h"

namespace tristar::sim {

struct Stats {
    using Clock = std::chrono::steady_clock;

    explicit Stats(Clock::time_point start) : started(start) {}

    void record_outcome(const ServiceOutcome& outcome);
    void record_write(const WriteRecord& write);
    void record_refusal(const RefusedRequest& refused);
    Json to_json_value(Clock::time_point now) const;
    std::string to_json(Clock::time_point now) const;  // stats_text(to_json_value(now))

    Clock::time_point started;
    std::uint64_t transactions = 0;
    std::uint64_t overlaps = 0;
    std::uint64_t reads = 0;
    std::uint64_t writes = 0;
    std::map<unsigned, std::uint64_t> exceptions;  // by exception code
    std::uint64_t dropped = 0;
    std::uint64_t corrupted = 0;
    std::uint64_t connections = 0;
    std::uint64_t refused_connections = 0;
    std::uint64_t malformed = 0;    // TCP streams closed for a bad MBAP header
    std::uint64_t bad_frames = 0;   // RTU frames with a bad CRC or unframeable bytes
    std::uint64_t other_units = 0;  // RTU frames for another unit id (not for us: no reply)
    std::uint64_t ignored = 0;      // requests not served: hung or resetting
    std::uint64_t resets = 0;       // controller and comm-server resets
    std::size_t max_queue = 0;      // deepest backlog of overlapping requests
    bool hung = false;
    std::uint64_t refused = 0;         // exception 2 from --refuse-undocumented / --refuse
    std::uint64_t swallowed = 0;       // reads executed, never answered (--swallow-reads)
    std::uint64_t cut = 0;             // replies sent half (--cut-rate)
    std::uint64_t bad_exceptions = 0;  // reads answered an out-of-range exception code
    // Refusals by "fc<N> 0x<address>+<count>"; past refused_keys_max keys, under "other".
    std::map<std::string, std::uint64_t> refused_by_range;
    std::deque<WriteRecord> write_log;  // oldest first
    SlaveStatus slave;                  // the model's, as of the last write of the file

    static constexpr std::size_t write_log_size = 1000;
    static constexpr std::size_t refused_keys_max = 64;
};

// A stats document as the file holds it: doubles with three decimals ("1.500"), a final newline.
std::string stats_text(const Json& document);

}  // namespace tristar::sim
