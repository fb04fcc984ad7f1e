#pragma once
// The six benchmarks of issue 3, the publisher's (g), the bridge's (h) and the three daemons'
// memory together (i). Each function is one
// run: it starts its own simulator and gateway (g: also a dbus-daemon and the publisher; h: the
// bridge) in a temp dir, measures, stops them by pid, and returns its figures by key (keys and
// targets in figures.cpp).
#include <chrono>
#include <cstdint>

#include "tests/bench/bench_options.h"
#include "tests/bench/report.h"

namespace tristar::bench {

// The publisher's poll: 56 input registers at 0x18 (TriStar live block, FC04).
inline constexpr std::uint16_t poll_address = 0x18;
inline constexpr std::uint16_t poll_count = 56;
// The TriStar's live block 0x0000-0x005B (TriStar spec section 4).
inline constexpr std::uint16_t live_block_size = 0x5C;
inline constexpr std::chrono::seconds reply_timeout{5};

// a: latency a gateway read adds over a direct libmodbus read; `kept` selects the simulator's
// --keep-connection (else it closes after each response).
RunFigures run_added_latency(const BenchOptions& options, bool kept);
// b: cache-hit latency while each device transaction takes 300 ms.
RunFigures run_cache_hit(const BenchOptions& options);
// c and e: transactions of the mixed load over those of the 1 Hz poll alone; the gateway's
// peak RSS and CPU under the mixed load.
RunFigures run_mixed_load(const BenchOptions& options);
// d: how long a write waits while 8 clients flood reads, in device transactions, three times
// per run: tcp_gap_ms = 0, the gateway's defaults, and the defaults against a simulator that
// leaves 10 % of requests unanswered.
RunFigures run_write_flood(const BenchOptions& options);
// f: 56-register reads per second over RTU 9600 8N2 as a share of the wire limit.
RunFigures run_rtu_throughput(const BenchOptions& options);
// g: tristar-publisher on a private bus: GetItems / GetValue latency from one connection, its
// memory and CPU, and the device transactions per live poll over the load window.
RunFigures run_publisher(const BenchOptions& options);
// h: tristar-bridge: the latency it adds to an entity's read over a direct Modbus-TCP read of
// the simulator (max-age 0, and its default 1000 ms: cache hits), and its memory.
RunFigures run_bridge(const BenchOptions& options);
// i: the gateway, the publisher and the bridge running together as on a GX device: each one's
// VmHWM, Pss and private pages, and their sums (Pss: what they really take together).
RunFigures run_footprint(const BenchOptions& options);

// f's limit: reads per second a 9600 8N2 wire allows (request 8 + reply 117 bytes at 11 bits
// each, plus t3.5 before each frame).
double rtu_wire_limit_per_s();
// What the simulator can at best serve: it emulates the reply's wire time only.
double rtu_emulated_limit_per_s();

}  // namespace tristar::bench
