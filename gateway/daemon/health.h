#pragma once
// Health: the gateway's counters and latency histograms (design.md 3.6), filled by the front
// loop and turned into the Status message on request.
#include <array>
#include <chrono>
#include <cstdint>
#include <map>

#include "gateway.pb.h"

namespace tristar::gateway {

// Fixed buckets from 50 us to 10 s: wide enough for cache hits and for a 9600-baud link.
class Histogram {
  public:
    static constexpr std::array<std::uint64_t, 18> bounds_us{
        50,     100,     200,     500,     1'000,   2'000,     5'000,     10'000,    20'000,
        50'000, 100'000, 200'000, 300'000, 500'000, 1'000'000, 2'000'000, 5'000'000, 10'000'000};

    void add(std::uint64_t us);
    Histogram& operator+=(const Histogram& other);
    void to_proto(v1::Histogram& out) const;

  private:
    std::array<std::uint64_t, bounds_us.size() + 1> counts_{};  // the last one: overflow
    std::uint64_t total_ = 0;
    std::uint64_t sum_us_ = 0;
};

struct FrontCounters {
    std::uint64_t requests = 0;
    std::uint64_t exceptions = 0;
    std::map<std::uint32_t, std::uint64_t> exceptions_by_code;
    std::uint64_t cache_hits = 0;
    std::uint64_t merged_reads = 0;
    std::uint64_t writes = 0;
    std::uint64_t refused_writes = 0;
    std::uint64_t deadline_misses = 0;
    std::uint64_t busy_rejects = 0;
    std::uint64_t invalid_requests = 0;
    std::uint64_t outcome_unknown = 0;
    std::uint64_t retries = 0;
    std::uint64_t read_ahead_refusals = 0;
    std::uint64_t oversize_messages = 0;    // dropped unread (router_io.h)
    std::uint64_t dropped_replies = 0;      // the client's reply queue was full
    std::uint64_t unroutable_replies = 0;   // the client had gone
    std::uint64_t departed_requests = 0;    // queued when their client's connection closed
    std::uint64_t evicted_connections = 0;  // closed beyond server.max_connections
};

struct Health {
    FrontCounters counters;
    Histogram device_time;
    Histogram queue_time;
};

}  // namespace tristar::gateway
