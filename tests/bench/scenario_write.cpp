// Benchmark d: how long a write waits while 8 clients flood reads, in device transactions, in
// three setups run one after the other in every run: the benchmarks' gateway config
// (tcp_gap_ms = 0), the gateway's defaults (tcp_gap_ms 50, no config file), and the defaults
// against a simulator that leaves 10 % of requests unanswered (--drop-rate 0.1).
#include <algorithm>
#include <memory>
#include <optional>
#include <vector>

#include "tests/bench/actors.h"
#include "tests/bench/bench_client.h"
#include "tests/bench/processes.h"
#include "tests/bench/scenarios.h"

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

// The gateway's defaults (deploy/config/tristar-gatewayd.toml) that bound a write's wait.
constexpr double default_tcp_gap_ms = 50;
constexpr double default_response_timeout_ms = 1000;
constexpr double default_recovery_pause_ms = 500;
// The third setup's simulator: probability of executing a request but not replying. The
// simulator has no read-only form of it, so writes are dropped too (answered OUTCOME_UNKNOWN).
constexpr const char* drop_rate = "0.1";
// A write that waited longer than this met a try that timed out, or the pause after one: the
// defaults' longest wait without a timeout (one tx + tcp_gap_ms) is about 70 ms.
constexpr double long_wait_us = 200'000;

// One of the three setups.
struct Setup {
    std::string key;           // figure key prefix, e.g. "d.gap0."
    bool defaults = false;     // the gateway without a config file (else bench_gateway_config)
    bool drop = false;         // simulator --drop-rate
    double bound_ms = 0;       // longest wait before the write's own try, besides one tx
    bool bound_has_tx = true;  // the bound includes one device transaction
    // Longest a single write may take, own try included (bounds the run).
    std::chrono::milliseconds worst_write{1000};
    // Writes per run, in units of --writes: only about one write in five meets a dropped
    // read, and a run's share of dropped requests settles only over a few hundred of them.
    int write_factor = 1;
};

const std::vector<Setup>& setups() {
    static const std::vector<Setup> all{
        {"d.gap0.", false, false, 0, true, std::chrono::milliseconds{1000}, 1},
        {"d.default.", true, false, default_tcp_gap_ms, true, std::chrono::milliseconds{1000}, 1},
        // A read try that times out (the whole response timeout), then the recovery pause; a
        // write's own try may time out too.
        {"d.drop.", true, true, default_response_timeout_ms + default_recovery_pause_ms, false,
         std::chrono::milliseconds{4000}, 3},
    };
    return all;
}

// The share of requests the simulator left unanswered, in %; stops it (stats written at exit).
std::optional<double> stop_and_dropped_share(SimProcess& sim) {
    const auto dropped = sim.stop_and_read("dropped");
    const auto transactions = sim.stat("transactions");
    if (!dropped || !transactions || *transactions == 0) return std::nullopt;
    return 100.0 * static_cast<double>(*dropped) / static_cast<double>(*transactions);
}

// A flooding reader that also adds the device time of the reads the device answered (not
// failures, not cache hits) to `answered`, shared by the whole flood.
class TimedFloodReader : public FloodReader {
  public:
    TimedFloodReader(zmq::context_t& context, client::Options options, v1::Request request,
                     int depth, Samples& answered)
        : FloodReader(context, std::move(options), std::move(request), depth),
          answered_(answered) {}

  protected:
    void replied(const v1::Reply& reply, std::chrono::nanoseconds rtt) override {
        if (!reply.from_cache() && !client::failure_of(reply) && reply.device_us() > 0)
            answered_.add_us(static_cast<double>(reply.device_us()));
        FloodReader::replied(reply, rtt);
    }

  private:
    Samples& answered_;
};

// The writer, telling writes whose reply the device lost (OUTCOME_UNKNOWN) from other failures.
class CountingCoilWriter : public CoilWriter {
  public:
    using CoilWriter::CoilWriter;
    // Round trip minus own device time of the writes answered OUTCOME_UNKNOWN: their wait.
    const Samples& unknown_wait_us() const { return unknown_wait_us_; }
    std::uint64_t other_failures() const { return other_failures_; }
    // Writes answered ok that waited longer than long_wait_us.
    std::uint64_t long_waits() const { return long_waits_; }

  protected:
    void replied(const v1::Reply& reply, std::chrono::nanoseconds rtt) override {
        CoilWriter::replied(reply, rtt);
        // As CoilWriter's wait: round trip minus the write's own device time.
        const double rtt_us = static_cast<double>(rtt.count()) / 1000.0;
        const double wait_us = std::max(0.0, rtt_us - static_cast<double>(reply.device_us()));
        const auto failure = client::failure_of(reply);
        if (!failure) {
            if (wait_us > long_wait_us) ++long_waits_;
        } else if (failure->code == v1::OUTCOME_UNKNOWN) {
            unknown_wait_us_.add_us(wait_us);
        } else {
            ++other_failures_;
        }
    }

  private:
    Samples unknown_wait_us_;
    std::uint64_t other_failures_ = 0;
    std::uint64_t long_waits_ = 0;
};

std::vector<std::unique_ptr<TimedFloodReader>> make_flood(zmq::context_t& context,
                                                          const std::string& endpoint,
                                                          Samples& answered) {
    std::vector<std::unique_ptr<TimedFloodReader>> flood;
    for (int i = 0; i < flood_clients; ++i) {
        // Fresh reads (max_age 0) of different slices of the live block, interactive class.
        const auto address = static_cast<std::uint16_t>(i * flood_count);
        flood.push_back(std::make_unique<TimedFloodReader>(
            context,
            client_options(endpoint, "flood-" + std::to_string(i), v1::PRIORITY_INTERACTIVE),
            read_request(address, flood_count, 0), flood_depth, answered));
    }
    return flood;
}

// The flood and the writes against a running gateway; the figures under `setup.key`.
RunFigures measure(const BenchOptions& options, const Setup& setup, const std::string& endpoint) {
    const int writes = options.writes * setup.write_factor;
    zmq::context_t context;
    Samples device_us;  // of the flood's reads the device answered
    auto flood = make_flood(context, endpoint, device_us);
    const auto start = Clock::now();
    CountingCoilWriter writer(context,
                              client_options(endpoint, "tristar-ctl", v1::PRIORITY_INTERACTIVE),
                              charge_disconnect_coil, write_interval, writes, start + flood_warmup);
    std::vector<Actor*> actors{&writer};
    for (auto& reader : flood) actors.push_back(reader.get());
    const auto per_write = 3 * write_interval + setup.worst_write + std::chrono::seconds{1};
    run_actors(actors, start + flood_warmup + writes * per_write, [&] { return writer.done(); });
    for (auto& reader : flood) reader->stop_sending();
    drain_actors(actors, Clock::now() + drain_limit);

    // The unit tx: the median device transaction of this run.
    const double tx_us = device_us.percentile(50);
    const double unit = std::max(tx_us, 1.0);
    const auto& wait = writer.wait_us();
    const double bound_us = setup.bound_ms * 1000.0 + (setup.bound_has_tx ? tx_us : 0.0);
    const auto& k = setup.key;
    RunFigures figures{{k + "tx_ms", tx_us / 1000.0},
                       {k + "wait_p50_tx", wait.percentile(50) / unit},
                       {k + "wait_max_tx", wait.max() / unit},
                       {k + "wait_p50_ms", wait.percentile(50) / 1000.0},
                       {k + "wait_max_ms", wait.max() / 1000.0},
                       {k + "bound_tx", bound_us / unit},
                       {k + "writes_ok", static_cast<double>(wait.size())},
                       {k + "write_errors", static_cast<double>(writer.other_failures())}};
    if (setup.drop) {
        const auto& unknown = writer.unknown_wait_us();
        figures[k + "writes_unknown"] = static_cast<double>(unknown.size());
        figures[k + "long_waits"] = static_cast<double>(writer.long_waits());
        if (!unknown.empty()) figures[k + "unknown_wait_max_tx"] = unknown.max() / unit;
    }
    return figures;
}

// The third setup's simulator drops requests: run N uses --seed N, so the runs differ from each
// other and a benchmark is repeatable. Which requests are dropped depends on the seed (the
// default, --seed 1, happens to drop only 1 of its first 100 requests and 28 of its first 300).
RunFigures run_setup(const BenchOptions& options, const Setup& setup) {
    test::TempDir dir;
    SimSetup sim_setup{.delay_ms = transaction_ms};
    if (setup.drop) {
        static int drop_runs = 0;  // this process's runs of the setup: the seed
        sim_setup.extra = {"--drop-rate", drop_rate, "--seed", std::to_string(++drop_runs)};
    }
    SimProcess sim(dir, sim_setup);
    RunFigures figures;
    {
        GatewayProcess gatewayd(dir, sim.device(), options.gatewayd, setup.defaults);
        figures = measure(options, setup, gatewayd.endpoint());
    }
    if (!setup.drop) return figures;
    if (const auto share = stop_and_dropped_share(sim)) figures[setup.key + "dropped_pct"] = *share;
    return figures;
}

}  // namespace

RunFigures run_write_flood(const BenchOptions& options) {
    RunFigures figures;
    for (const auto& setup : setups()) figures.merge(run_setup(options, setup));
    return figures;
}

}  // namespace tristar::bench
