// Benchmark h: the Home Assistant bridge. A simulator (--keep-connection), the gateway and
// tristar-bridge; a libmodbus master reads what a Home Assistant entity reads (FC04, 2 registers
// at 0x18, unit 1) through the bridge, and the same registers directly from the simulator, on two
// kept connections; interleaved with them, a ZeroMQ gateway client reads the same registers with
// the bridge's max-age, to tell the bridge's own share from the gateway's. Once with the bridge
// at --max-age-ms 0 (every read is a device transaction, like the direct read), once with its
// default 1000 ms (cache hits: what Home Assistant gets). The first bridge's memory after its
// measurement.
#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "tests/bench/bench_client.h"
#include "tests/bench/bridge_process.h"
#include "tests/bench/direct_modbus.h"
#include "tests/bench/interrupt.h"
#include "tests/bench/proc_figures.h"
#include "tests/bench/processes.h"
#include "tests/bench/scenarios.h"
#include "tests/bench/stats.h"

namespace tristar::bench {
namespace {

using Clock = std::chrono::steady_clock;
namespace v1 = tristar::gateway::v1;

// A Home Assistant entity reads one or two registers (home-assistant.md); here two at 0x18, the
// battery voltage and the next one.
constexpr std::uint16_t entity_count = 2;
// --max-age-ms 0: the bridge asks for a fresh read, so the gateway makes a device transaction.
constexpr std::chrono::milliseconds fresh_age{0};
// The bridge's default (bridge/config.h): reads younger than this come from the gateway's cache.
constexpr std::chrono::milliseconds cached_age{1000};

// The three ways to the same registers.
enum class Path { direct, gateway, bridge };
constexpr int path_count = 3;

// The gateway's counters, to check what the measured reads cost on the device.
struct GatewayCounters {
    double transactions = 0;
    double cache_hits = 0;
    bool kept = false;  // it detected the simulator's kept connection
};

GatewayCounters gateway_counters(client::GatewayClient& gateway) {
    const auto status = gateway.status();
    if (!status) throw std::runtime_error("gateway status: " + status.failure().describe());
    return {static_cast<double>(status->counters().transactions()),
            static_cast<double>(status->counters().cache_hits()),
            status->connection_mode() == "kept"};
}

// The three ways to the same registers (libmodbus on kept connections to the simulator and to
// the bridge; the bench's gateway client with the bridge's max-age), and their samples.
class Probe {
  public:
    Probe(std::uint16_t sim_port, std::uint16_t bridge_port, client::GatewayClient& gateway,
          std::chrono::milliseconds max_age)
        : direct_("127.0.0.1", sim_port),
          bridge_("127.0.0.1", bridge_port),
          gateway_(gateway),
          max_age_ms_(static_cast<std::uint32_t>(max_age.count())) {}

    // One of each, in an order that rotates with `round`, so drift hits all alike.
    void round(int round) {
        check_interrupt();
        for (int k = 0; k < path_count; ++k) time_path(static_cast<Path>((round + k) % path_count));
    }

    // Forgets the warm-up's samples.
    void clear() {
        via_bridge = via_direct = via_gateway = Samples{};
        failures = 0;
    }

    Samples via_bridge;
    Samples via_direct;
    Samples via_gateway;
    int failures = 0;

  private:
    void time_path(Path path) {
        switch (path) {
            case Path::direct: return time_read(direct_, via_direct);
            case Path::gateway: return time_gateway();
            case Path::bridge: return time_read(bridge_, via_bridge);
        }
    }

    void time_gateway() {
        const auto start = Clock::now();
        const auto answer = gateway_.read_registers(4, poll_address, entity_count, max_age_ms_);
        if (!answer && answer.failure().no_reply)
            throw std::runtime_error(answer.failure().describe());
        if (answer)
            via_gateway.add(Clock::now() - start);
        else
            ++failures;
    }

    // A failed read closes the connection; the next one reconnects (not measured then).
    void time_read(DirectModbus& master, Samples& into) {
        std::vector<std::uint16_t> words(entity_count);
        if (!master.connected() && !master.connect()) {
            ++failures;
            return;
        }
        const auto start = Clock::now();
        if (master.read_input_registers(poll_address, words))
            into.add(Clock::now() - start);
        else
            ++failures;
    }

    DirectModbus direct_;
    DirectModbus bridge_;
    client::GatewayClient& gateway_;
    std::uint32_t max_age_ms_;
};

// One bridge's measurement: its reads and the direct ones, and what they cost it and the device.
struct PathResult {
    Samples via_bridge;
    Samples via_direct;
    Samples via_gateway;
    int failures = 0;
    double reads = 0;          // measured reads per path
    double transactions = 0;   // the gateway's device transactions during them
    double cache_hits = 0;     // the gateway's cache hits during them
    double bridge_cpu_s = 0;   // the bridge's utime + stime during them
    double gateway_cpu_s = 0;  // the gateway's, for the bridge's reads and the client's
    bool kept = false;
};

// The processes whose CPU time a measurement takes.
struct Measured {
    pid_t bridge;
    pid_t gateway;
};

PathResult measure_path(const BenchOptions& options, Probe& probe, client::GatewayClient& gateway,
                        Measured pids) {
    for (int i = 0; i < options.warmup_reads; ++i) probe.round(i);
    probe.clear();
    const auto before = gateway_counters(gateway);
    const auto bridge_before = cpu_seconds(pids.bridge).value_or(0);
    const auto gateway_before = cpu_seconds(pids.gateway).value_or(0);
    for (int i = 0; i < options.latency_samples; ++i) probe.round(i);
    const auto bridge_after = cpu_seconds(pids.bridge).value_or(0);
    const auto gateway_after = cpu_seconds(pids.gateway).value_or(0);
    const auto after = gateway_counters(gateway);
    return {.via_bridge = std::move(probe.via_bridge),
            .via_direct = std::move(probe.via_direct),
            .via_gateway = std::move(probe.via_gateway),
            .failures = probe.failures,
            .reads = static_cast<double>(options.latency_samples),
            .transactions = after.transactions - before.transactions,
            .cache_hits = after.cache_hits - before.cache_hits,
            .bridge_cpu_s = bridge_after - bridge_before,
            .gateway_cpu_s = gateway_after - gateway_before,
            .kept = after.kept};
}

PathResult measure_bridge(const BenchOptions& options, std::uint16_t sim_port,
                          const BridgeProcess& bridge, client::GatewayClient& gateway,
                          std::chrono::milliseconds max_age, pid_t gatewayd) {
    Probe probe(sim_port, bridge.tcp_port(), gateway, max_age);
    return measure_path(options, probe, gateway, {bridge.pid(), gatewayd});
}

void add_latency(RunFigures& figures, const std::string& prefix, const PathResult& path) {
    const auto& b = path.via_bridge;
    const auto& d = path.via_direct;
    const auto& g = path.via_gateway;
    const double reads = std::max(path.reads, 1.0);
    figures[prefix + "bridge_p50"] = b.percentile(50);
    figures[prefix + "bridge_p99"] = b.percentile(99);
    figures[prefix + "direct_p50"] = d.percentile(50);
    figures[prefix + "direct_p99"] = d.percentile(99);
    figures[prefix + "added_p50"] = b.percentile(50) - d.percentile(50);
    figures[prefix + "added_p99"] = b.percentile(99) - d.percentile(99);
    figures[prefix + "ratio_p50"] = b.percentile(50) / std::max(d.percentile(50), 1.0);
    figures[prefix + "gateway_p50"] = g.percentile(50);
    figures[prefix + "gateway_p99"] = g.percentile(99);
    figures[prefix + "own_p50"] = b.percentile(50) - g.percentile(50);
    figures[prefix + "own_p99"] = b.percentile(99) - g.percentile(99);
    // The bridge path's added latency against a direct gateway client's (both over direct).
    figures[prefix + "added_vs_client_p50"] =
        (b.percentile(50) - d.percentile(50)) / std::max(g.percentile(50) - d.percentile(50), 1.0);
    figures[prefix + "bridge_cpu_us"] = 1e6 * path.bridge_cpu_s / reads;
    // The gateway served two reads per round: the bridge's and the client's.
    figures[prefix + "gateway_cpu_us"] = 1e6 * path.gateway_cpu_s / (2 * reads);
    figures[prefix + "failures"] = static_cast<double>(path.failures);
}

// max-age 0: every read a device transaction, on the connection the gateway keeps.
void add_fresh(RunFigures& figures, const PathResult& path) {
    add_latency(figures, "h.", path);
    figures["h.tx_per_read"] = path.transactions / std::max(2 * path.reads, 1.0);
    figures["h.mode_ok"] = path.kept ? 1.0 : 0.0;
}

// max-age 1000: the share of the reads the gateway answered from its cache.
void add_cached(RunFigures& figures, const PathResult& path) {
    add_latency(figures, "h.cached.", path);
    figures["h.cached.hit_share"] = 100.0 * path.cache_hits / std::max(2 * path.reads, 1.0);
}

}  // namespace

RunFigures run_bridge(const BenchOptions& options) {
    BenchStack stack(SimSetup{.keep_connection = true}, options.gatewayd);
    // The bridge's priority, so both ways through the gateway queue alike.
    client::GatewayClient gateway(
        stack.context,
        client_options(stack.gatewayd.endpoint(), "tristar-bench", v1::PRIORITY_BACKGROUND));
    RunFigures figures;
    {
        BridgeProcess fresh(stack.dir, "bridge-fresh", stack.gatewayd.endpoint(), fresh_age,
                            options.bridge);
        figures["h.ready_rss_mb"] = memory_figures(fresh.pid()).peak_rss_kib / 1024.0;
        add_fresh(figures, measure_bridge(options, stack.sim.tcp_port(), fresh, gateway, fresh_age,
                                          stack.gatewayd.pid()));
        add_memory(figures, "h.", memory_figures(fresh.pid()));
    }
    BridgeProcess cached(stack.dir, "bridge-cached", stack.gatewayd.endpoint(), cached_age,
                         options.bridge);
    add_cached(figures, measure_bridge(options, stack.sim.tcp_port(), cached, gateway, cached_age,
                                       stack.gatewayd.pid()));
    return figures;
}

}  // namespace tristar::bench
