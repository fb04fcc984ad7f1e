// Benchmark g: the Venus OS publisher. A simulator, a gateway, a private dbus-daemon and
// tristar-publisher at its default 1 s poll; once its name is on the bus: GetItems on / and
// GetValue on one leaf from one connection, back to back, timed per call; then, over the load
// window, the device transactions its polls cost and its CPU; its memory at the end.
// GetItems is also timed with its reply left undecoded, and the CPU per call of the publisher and
// of dbus-daemon taken, to tell their shares of a call from the client's decoding.
#include <sdbus-c++/sdbus-c++.h>

#include <cmath>
#include <functional>
#include <map>
#include <thread>

#include "tests/bench/interrupt.h"
#include "tests/bench/proc_figures.h"
#include "tests/bench/processes.h"
#include "tests/bench/publisher_process.h"
#include "tests/bench/scenarios.h"
#include "tests/bench/stats.h"
#include "tests/support/dbus_daemon.h"
#include "tests/support/wait.h"

namespace tristar::bench {
namespace {

using Clock = std::chrono::steady_clock;
using Items = std::map<std::string, std::map<std::string, sdbus::Variant>>;

// The publisher's default live poll (design.md 8); its coils follow every 10 s.
constexpr std::chrono::milliseconds publisher_poll{1000};
constexpr const char* service_name = publisher_service_name;
constexpr const char* bus_item = "com.victronenergy.BusItem";
constexpr const char* leaf_path = "/Dc/0/Voltage";
// Noon: the charger is in a daytime state, so the paths hold daytime values.
constexpr int sim_start_hour = 12;
// It registers after the identity read; the gateway connects first.
constexpr std::chrono::seconds ready_timeout{20};
// The first calls pay for connection set-up on both sides; not measured.
constexpr int warmup_calls = 20;
// The simulator rewrites its stats file once a second (each write a little later than a second
// after the last: about 0.5 ms here).
constexpr std::chrono::seconds stats_timeout{3};
constexpr std::chrono::milliseconds half_stats_period{500};
constexpr std::chrono::milliseconds window_slice{100};

struct CallTimes {
    Samples latency;
    std::size_t items = 0;  // entries in the last reply
    int failures = 0;
};

// `call` makes one method call and returns the number of entries it decoded.
CallTimes time_calls(int count, const std::function<std::size_t()>& call) {
    CallTimes times;
    for (int i = -warmup_calls; i < count; ++i) {
        check_interrupt();
        const auto start = Clock::now();
        try {
            times.items = call();
        } catch (const sdbus::Error&) {
            check_interrupt();
            ++times.failures;
            continue;
        }
        if (i >= 0) times.latency.add(Clock::now() - start);
    }
    return times;
}

CallTimes time_get_items(sdbus::IConnection& connection, int count) {
    auto root = sdbus::createProxy(connection, service_name, "/");
    return time_calls(count, [&] {
        Items items;
        root->callMethod("GetItems")
            .onInterface(bus_item)
            .withTimeout(reply_timeout)
            .storeResultsTo(items);
        return items.size();
    });
}

// The same call, its reply received whole but not decoded: the publisher's side and the bus.
CallTimes time_get_items_undecoded(sdbus::IConnection& connection, int count) {
    auto root = sdbus::createProxy(connection, service_name, "/");
    return time_calls(count, [&] {
        auto call = root->createMethodCall(bus_item, "GetItems");
        const auto reply = root->callMethod(call, reply_timeout);
        return reply.isEmpty() ? std::size_t{0} : std::size_t{1};
    });
}

CallTimes time_get_value(sdbus::IConnection& connection, int count) {
    auto leaf = sdbus::createProxy(connection, service_name, leaf_path);
    return time_calls(count, [&] {
        sdbus::Variant value;
        leaf->callMethod("GetValue")
            .onInterface(bus_item)
            .withTimeout(reply_timeout)
            .storeResultsTo(value);
        return value.isEmpty() ? std::size_t{0} : std::size_t{1};
    });
}

// The first stats the simulator writes after `after_uptime_s` (its counters at that moment).
StatSample fresh_transactions(const SimProcess& sim, double after_uptime_s) {
    std::optional<StatSample> sample;
    const bool fresh = test::wait_until(
        [&] {
            check_interrupt();
            sample = sim.stat_sample("transactions");
            return sample && sample->uptime_s > after_uptime_s;
        },
        stats_timeout);
    if (!fresh) throw std::runtime_error("tristar-sim did not rewrite its stats file");
    return *sample;
}

void sleep_until(Clock::time_point until) {
    while (Clock::now() < until) {
        check_interrupt();
        std::this_thread::sleep_for(std::min<Clock::duration>(window_slice, until - Clock::now()));
    }
}

// Returns half a second after a stats write. The publisher started then polls half-way between
// two writes, and the window's ends (writes) stay clear of its polls for minutes, so the window
// holds one live poll per second of it. Started at the writes' phase (as the sim and it happen
// to be when started back to back), the drift moves a write across a poll within the window,
// and it holds one poll more.
void wait_between_stats_writes(const SimProcess& sim) {
    const auto now = sim.stat_sample("transactions");
    (void)fresh_transactions(sim, now ? now->uptime_s : -1.0);
    sleep_until(Clock::now() + half_stats_period);
}

struct Window {
    double seconds = 0;  // on the simulator's clock, between its two stats writes
    double transactions = 0;
    double cpu_s = 0;
};

// The load window, between two stats writes of the simulator about `length` apart on its clock.
Window measure_window(const SimProcess& sim, pid_t publisher, std::chrono::seconds length) {
    const auto now = sim.stat_sample("transactions");
    const auto first = fresh_transactions(sim, now ? now->uptime_s : -1.0);
    const auto cpu_before = cpu_seconds(publisher).value_or(0);
    const auto seconds = static_cast<double>(length.count());
    sleep_until(Clock::now() + length - std::chrono::milliseconds{500});
    const auto last = fresh_transactions(sim, first.uptime_s + seconds - 0.5);
    const auto cpu_after = cpu_seconds(publisher).value_or(0);
    return {last.uptime_s - first.uptime_s, static_cast<double>(last.value - first.value),
            cpu_after - cpu_before};
}

void add_calls(RunFigures& figures, const std::string& key, const CallTimes& times) {
    figures["g." + key + "_p50"] = times.latency.percentile(50);
    figures["g." + key + "_p99"] = times.latency.percentile(99);
    figures["g." + key + "_failures"] = static_cast<double>(times.failures);
}

void add_window(RunFigures& figures, const Window& window) {
    const double minutes = window.seconds / 60.0;
    // Live polls in the window: one per poll period (a whole number).
    const auto period_s = static_cast<double>(publisher_poll.count()) / 1000.0;
    const double polls = std::max(1.0, std::round(window.seconds / period_s));
    figures["g.window_s"] = window.seconds;
    figures["g.polls"] = polls;
    figures["g.transactions"] = window.transactions;
    figures["g.tx_per_poll"] = window.transactions / polls;
    figures["g.tx_per_min"] = window.transactions / minutes;
    figures["g.cpu_s_per_min"] = window.cpu_s / minutes;
}

}  // namespace

RunFigures run_publisher(const BenchOptions& options) {
    test::TempDir dir;
    SimProcess sim(dir, SimSetup{.start_hour = sim_start_hour});
    GatewayProcess gatewayd(dir, sim.device(), options.gatewayd);
    test::DbusDaemon bus(dir);
    wait_between_stats_writes(sim);
    auto connection = sdbus::createSessionBusConnectionWithAddress(bus.address());
    PublisherProcess publisher(dir, bus.address(), gatewayd.endpoint(), publisher_poll,
                               options.publisher);
    publisher.wait_for_name(*connection, service_name, ready_timeout);
    RunFigures figures;
    figures["g.ready_rss_mb"] = memory_figures(publisher.pid()).peak_rss_kib / 1024.0;
    const auto items = time_get_items(*connection, options.latency_samples);
    add_calls(figures, "getitems", items);
    figures["g.paths"] = static_cast<double>(items.items);
    const auto cpu_before = cpu_seconds(publisher.pid()).value_or(0);
    const auto daemon_before = cpu_seconds(bus.pid()).value_or(0);
    add_calls(figures, "getitems_raw",
              time_get_items_undecoded(*connection, options.latency_samples));
    const auto calls = static_cast<double>(options.latency_samples + warmup_calls);
    figures["g.getitems_cpu_us"] =
        1e6 * (cpu_seconds(publisher.pid()).value_or(0) - cpu_before) / calls;
    figures["g.getitems_daemon_cpu_us"] =
        1e6 * (cpu_seconds(bus.pid()).value_or(0) - daemon_before) / calls;
    add_calls(figures, "getvalue", time_get_value(*connection, options.latency_samples));
    add_window(figures, measure_window(sim, publisher.pid(), options.load_time));
    add_memory(figures, "g.", memory_figures(publisher.pid()));
    return figures;
}

}  // namespace tristar::bench
