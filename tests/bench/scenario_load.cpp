// Benchmarks c (device transactions of a mixed load over those of the 1 Hz poll alone) and e
// (the gateway's peak RSS and CPU under the mixed load).
#include <memory>
#include <vector>

#include "tests/bench/actors.h"
#include "tests/bench/bench_client.h"
#include "tests/bench/proc_figures.h"
#include "tests/bench/processes.h"
#include "tests/bench/scenarios.h"
#include "tests/support/wait.h"

namespace tristar::bench {
namespace {

constexpr std::chrono::milliseconds poll_period{1000};
// Home Assistant's modbus integration: 20 entities, one register each, scan_interval 10 s,
// through the bridge's default max_age of 1000 ms (design.md 5).
constexpr int entity_count = 20;
constexpr std::chrono::milliseconds entity_period{10000};
// Phases spread over the poll period (523 ms apart: every 100th of it, none twice).
constexpr std::chrono::milliseconds entity_spacing{523};
constexpr std::uint32_t shared_max_age_ms = 1000;
// A person with tristar-ctl: 8 registers at 0x18 every 5 s, at a phase of its own.
constexpr std::chrono::milliseconds ctl_period{5000};
constexpr std::chrono::milliseconds ctl_phase{2700};
constexpr std::uint16_t ctl_count = 8;
// Replies still on their way when the load's time is up.
constexpr std::chrono::milliseconds settle{500};

struct LoadOutcome {
    double transactions = 0;
    double replies = 0;
    double from_cache = 0;
    double errors = 0;
    double cpu_s = 0;
    MemoryFigures memory;  // e: the peak, and what the resident set is made of at the end
};

std::vector<std::unique_ptr<Actor>> make_load(zmq::context_t& context, const std::string& endpoint,
                                              bool mixed, Clock::time_point t0) {
    std::vector<std::unique_ptr<Actor>> actors;
    actors.push_back(std::make_unique<PeriodicReader>(
        context, client_options(endpoint, "tristar-publisher", v1::PRIORITY_POLL),
        read_request(poll_address, poll_count, 0), poll_period, t0));
    if (!mixed) return actors;
    for (int i = 0; i < entity_count; ++i) {
        const auto address = static_cast<std::uint16_t>(i * live_block_size / entity_count);
        actors.push_back(std::make_unique<PeriodicReader>(
            context,
            client_options(endpoint, "ha-entity-" + std::to_string(i), v1::PRIORITY_BACKGROUND),
            read_request(address, 1, shared_max_age_ms), entity_period, t0 + i * entity_spacing));
    }
    actors.push_back(std::make_unique<PeriodicReader>(
        context, client_options(endpoint, "tristar-ctl", v1::PRIORITY_INTERACTIVE),
        read_request(poll_address, ctl_count, shared_max_age_ms), ctl_period, t0 + ctl_phase));
    return actors;
}

// The clients' figures; the poller (first, max_age 0) never reads from the cache.
void add_tallies(const std::vector<std::unique_ptr<Actor>>& actors, LoadOutcome& outcome) {
    for (const auto& actor : actors) {
        outcome.errors += static_cast<double>(actor->tally().errors);
        if (actor == actors.front()) continue;
        outcome.replies += static_cast<double>(actor->tally().replies);
        outcome.from_cache += static_cast<double>(actor->tally().from_cache);
    }
}

// Runs one load for options.load_time against a fresh simulator and gateway.
LoadOutcome run_load(const BenchOptions& options, bool mixed) {
    test::TempDir dir;
    SimProcess sim(dir, SimSetup{});
    GatewayProcess gatewayd(dir, sim.device(), options.gatewayd);
    test::wait_until([&] { return sim.stat("transactions").has_value(); }, std::chrono::seconds{3});
    const auto before = sim.stat("transactions").value_or(0);
    zmq::context_t context;
    const auto t0 = Clock::now();
    auto actors = make_load(context, gatewayd.endpoint(), mixed, t0);
    std::vector<Actor*> raw;
    for (auto& actor : actors) raw.push_back(actor.get());
    const auto cpu_before = cpu_seconds(gatewayd.pid()).value_or(0);
    run_actors(raw, t0 + options.load_time);
    LoadOutcome outcome;
    outcome.cpu_s = cpu_seconds(gatewayd.pid()).value_or(0) - cpu_before;
    outcome.memory = memory_figures(gatewayd.pid());
    drain_actors(raw, Clock::now() + settle);
    add_tallies(actors, outcome);
    outcome.transactions =
        static_cast<double>(sim.stop_and_read("transactions").value_or(0) - before);
    return outcome;
}

}  // namespace

RunFigures run_mixed_load(const BenchOptions& options) {
    const auto poll_alone = run_load(options, false);
    const auto mixed = run_load(options, true);
    const double minutes = static_cast<double>(options.load_time.count()) / 60.0;
    RunFigures figures{{"c.poll_tx_per_min", poll_alone.transactions / minutes},
                       {"c.mixed_tx_per_min", mixed.transactions / minutes},
                       {"c.ratio", mixed.transactions / std::max(poll_alone.transactions, 1.0)},
                       {"c.cache_share", 100.0 * mixed.from_cache / std::max(mixed.replies, 1.0)},
                       {"c.errors", mixed.errors + poll_alone.errors},
                       {"e.cpu_s_per_min", mixed.cpu_s / minutes}};
    add_memory(figures, "e.", mixed.memory);
    return figures;
}

}  // namespace tristar::bench
