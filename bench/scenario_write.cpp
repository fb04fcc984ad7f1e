// Benchmark d: how long a write waits while 8 clients flood reads, in device transactions.
#include <memory>
#include <vector>

#include "bench/actors.h"
#include "bench/bench_client.h"
#include "bench/processes.h"
#include "bench/scenarios.h"

namespace tristar::bench {
namespace {

// Every device transaction takes at least this long (sim --delay-ms), so one is easy to see.
constexpr unsigned transaction_ms = 20;
constexpr int flood_clients = 8;
constexpr int flood_depth = 4;  // reads each flooding client keeps in flight
constexpr std::uint16_t flood_count = 8;
// The flood runs this long before the first write (the gateway detects the socket habit).
constexpr std::chrono::milliseconds flood_warmup{1000};
// Between writes: this plus up to this again, so writes land at every phase of a transaction.
constexpr std::chrono::milliseconds write_interval{100};
constexpr std::uint16_t charge_disconnect_coil = 2;  // TriStar spec: coil 2, charge disconnect
constexpr std::chrono::milliseconds drain_limit{2000};

std::vector<std::unique_ptr<FloodReader>> make_flood(zmq::context_t& context,
                                                     const std::string& endpoint) {
    std::vector<std::unique_ptr<FloodReader>> flood;
    for (int i = 0; i < flood_clients; ++i) {
        // Fresh reads (max_age 0) of different slices of the live block, interactive class.
        const auto address = static_cast<std::uint16_t>(i * flood_count);
        flood.push_back(std::make_unique<FloodReader>(
            context, client_options(endpoint, "flood-" + std::to_string(i), v1::PRIORITY_INTERACTIVE),
            read_request(address, flood_count, 0), flood_depth));
    }
    return flood;
}

double mean_device_us(const std::vector<std::unique_ptr<FloodReader>>& flood) {
    double sum = 0;
    double n = 0;
    for (const auto& reader : flood) {
        sum += reader->device_us().mean() * static_cast<double>(reader->device_us().size());
        n += static_cast<double>(reader->device_us().size());
    }
    return n > 0 ? sum / n : 0.0;
}

}  // namespace

RunFigures run_write_flood(const BenchOptions& options) {
    test::TempDir dir;
    SimProcess sim(dir, SimSetup{.delay_ms = transaction_ms});
    GatewayProcess gatewayd(dir, sim.device(), options.gatewayd);
    zmq::context_t context;
    auto flood = make_flood(context, gatewayd.endpoint());
    const auto start = Clock::now();
    CoilWriter writer(context,
                      client_options(gatewayd.endpoint(), "tristar-ctl", v1::PRIORITY_INTERACTIVE),
                      charge_disconnect_coil, write_interval, options.writes, start + flood_warmup);
    std::vector<Actor*> actors{&writer};
    for (auto& reader : flood) actors.push_back(reader.get());
    const auto bound = start + flood_warmup + options.writes * (3 * write_interval + std::chrono::seconds{1});
    run_actors(actors, bound, [&] { return writer.done(); });
    for (auto& reader : flood) reader->stop_sending();
    drain_actors(actors, Clock::now() + drain_limit);
    const double tx_us = mean_device_us(flood);
    const double unit = std::max(tx_us, 1.0);
    return {{"d.tx_ms", tx_us / 1000.0},
            {"d.wait_mean_tx", writer.wait_us().mean() / unit},
            {"d.wait_p50_tx", writer.wait_us().percentile(50) / unit},
            {"d.wait_max_tx", writer.wait_us().max() / unit},
            {"d.rtt_max_tx", writer.rtt_us().max() / unit},
            {"d.writes_ok", static_cast<double>(writer.wait_us().size())},
            {"d.write_errors", static_cast<double>(writer.tally().errors)}};
}

}  // namespace tristar::bench
