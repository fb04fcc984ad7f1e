// Benchmark b: cache-hit latency while every device transaction takes 300 ms and a poller
// keeps the cache fresh.
#include <stop_token>
#include <thread>

#include "tests/bench/bench_client.h"
#include "tests/bench/interrupt.h"
#include "tests/bench/processes.h"
#include "tests/bench/scenarios.h"
#include "tests/bench/stats.h"

namespace tristar::bench {
namespace {

using Clock = std::chrono::steady_clock;
namespace v1 = tristar::gateway::v1;

constexpr unsigned slow_device_ms = 300;
constexpr std::uint32_t cache_max_age_ms = 1000;
// Bounds, should the cache not answer (then every read takes a device transaction or more).
constexpr std::chrono::seconds measure_limit{15};
constexpr std::chrono::seconds warm_limit{5};

// The publisher's role: fresh reads of the poll block, back to back, so the cache is never
// older than one slow transaction (well inside the measured reads' max_age).
void poll_until_stopped(std::stop_token stop, zmq::context_t& context,
                        const std::string& endpoint) {
    client::GatewayClient poller(context,
                                 client_options(endpoint, "tristar-publisher", v1::PRIORITY_POLL));
    while (!stop.stop_requested()) (void)poller.read_registers(4, poll_address, poll_count, 0);
}

// True once a measured read is answered from the cache.
bool cache_warm(client::GatewayClient& reader) {
    const auto until = Clock::now() + warm_limit;
    while (Clock::now() < until) {
        check_interrupt();
        const auto answer = reader.read_registers(4, poll_address, poll_count, cache_max_age_ms);
        if (answer && answer->from_cache) return true;
    }
    return false;
}

}  // namespace

RunFigures run_cache_hit(const BenchOptions& options) {
    BenchStack stack(SimSetup{.delay_ms = slow_device_ms}, options.gatewayd);
    std::jthread poller(poll_until_stopped, std::ref(stack.context), stack.gatewayd.endpoint());
    client::GatewayClient reader(
        stack.context,
        client_options(stack.gatewayd.endpoint(), "tristar-ctl", v1::PRIORITY_INTERACTIVE));
    const bool warm = cache_warm(reader);
    Samples latency;
    int hits = 0;
    int failures = 0;
    const auto until = Clock::now() + measure_limit;
    for (int i = 0; i < options.latency_samples && Clock::now() < until; ++i) {
        check_interrupt();
        const auto start = Clock::now();
        const auto answer = reader.read_registers(4, poll_address, poll_count, cache_max_age_ms);
        latency.add(Clock::now() - start);
        if (!answer)
            ++failures;
        else if (answer->from_cache)
            ++hits;
    }
    poller.request_stop();
    const auto n = static_cast<double>(std::max<std::size_t>(latency.size(), 1));
    return {{"b.p50", latency.percentile(50)},  {"b.p99", latency.percentile(99)},
            {"b.from_cache", 100.0 * hits / n}, {"b.samples", static_cast<double>(latency.size())},
            {"b.warm", warm ? 1.0 : 0.0},       {"b.failures", static_cast<double>(failures)}};
}

}  // namespace tristar::bench
