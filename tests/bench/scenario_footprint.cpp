// Benchmark i: what the three daemons cost a GX device together. A simulator, the gateway, a
// private dbus-daemon and tristar-publisher at its default 1 s poll, with the GUI's GetItems on
// "/" once a second; after the first half of the window the pair's memory (a GX without Home
// Assistant); then tristar-bridge at its defaults with a Home Assistant-like master reading
// through it (2 input registers every 100 ms on a kept connection) for the second half; then
// each daemon's memory and the sums. Pss splits the shared libraries among the processes that
// map them, so the sums of Pss are what the three take together; but the split counts every
// other process on the machine mapping the same libraries (libc, libstdc++...), so the
// footprint (each page of the set once, proc_figures.h) is printed beside it.
#include <sdbus-c++/sdbus-c++.h>

#include <array>
#include <thread>

#include "tests/bench/bridge_process.h"
#include "tests/bench/direct_modbus.h"
#include "tests/bench/interrupt.h"
#include "tests/bench/proc_figures.h"
#include "tests/bench/processes.h"
#include "tests/bench/publisher_process.h"
#include "tests/bench/scenarios.h"
#include "tests/support/dbus_daemon.h"

namespace tristar::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::milliseconds publisher_poll{1000};
constexpr std::chrono::milliseconds gui_period{1000};
constexpr std::chrono::milliseconds home_assistant_period{100};
constexpr std::chrono::milliseconds bridge_max_age{1000};  // the bridge's default
constexpr std::uint16_t entity_count = 2;
constexpr std::chrono::seconds ready_timeout{20};

// Runs `tick` every `period` until `duration` has passed.
template <typename Tick>
void every(std::chrono::milliseconds period, std::chrono::seconds duration, Tick tick) {
    const auto end = Clock::now() + duration;
    for (auto next = Clock::now(); next < end; next += period) {
        check_interrupt();
        tick();
        std::this_thread::sleep_until(std::min(next + period, end));
    }
}

void add_daemon(RunFigures& figures, const std::string& prefix, const MemoryFigures& memory) {
    figures[prefix + "peak_rss_mb"] = memory.peak_rss_kib / 1024.0;
    figures[prefix + "pss_mb"] = memory.pss_kib / 1024.0;
    figures[prefix + "private_mb"] = memory.private_kib / 1024.0;
}

MemoryFigures sum(std::initializer_list<MemoryFigures> all) {
    MemoryFigures total;
    for (const auto& m : all) {
        total.peak_rss_kib += m.peak_rss_kib;
        total.pss_kib += m.pss_kib;
        total.private_kib += m.private_kib;
    }
    return total;
}

}  // namespace

RunFigures run_footprint(const BenchOptions& options) {
    test::TempDir dir;
    SimProcess sim(dir, SimSetup{.keep_connection = true, .start_hour = 12});
    GatewayProcess gatewayd(dir, sim.device(), options.gatewayd);
    test::DbusDaemon bus(dir);
    auto connection = sdbus::createSessionBusConnectionWithAddress(bus.address());
    PublisherProcess publisher(dir, bus.address(), gatewayd.endpoint(), publisher_poll,
                               options.publisher);
    publisher.wait_for_name(*connection, publisher_service_name, ready_timeout);
    auto root = sdbus::createProxy(*connection, publisher_service_name, "/");
    int failures = 0;
    const auto gui = [&] {
        try {
            auto call = root->createMethodCall("com.victronenergy.BusItem", "GetItems");
            root->callMethod(call);
        } catch (const sdbus::Error&) {
            ++failures;
        }
    };
    const auto half = std::max(options.load_time / 2, std::chrono::seconds{1});
    every(gui_period, half, gui);
    RunFigures figures;
    const auto pair_gateway = memory_figures(gatewayd.pid());
    const auto pair_publisher = memory_figures(publisher.pid());
    figures["i.pair_pss_mb"] = sum({pair_gateway, pair_publisher}).pss_kib / 1024.0;
    figures["i.pair_private_mb"] = sum({pair_gateway, pair_publisher}).private_kib / 1024.0;
    figures["i.pair_footprint_mb"] = footprint_kib({gatewayd.pid(), publisher.pid()}) / 1024.0;

    BridgeProcess bridge(dir, "bridge", gatewayd.endpoint(), bridge_max_age, options.bridge);
    DirectModbus home_assistant("127.0.0.1", bridge.tcp_port());
    std::array<std::uint16_t, entity_count> words{};
    auto since_gui = Clock::now();
    every(home_assistant_period, half, [&] {
        if (!(home_assistant.connected() || home_assistant.connect()) ||
            !home_assistant.read_input_registers(poll_address, words))
            ++failures;
        if (Clock::now() - since_gui >= gui_period) {
            gui();
            since_gui = Clock::now();
        }
    });
    const auto gateway = memory_figures(gatewayd.pid());
    const auto publisher_memory = memory_figures(publisher.pid());
    const auto bridge_memory = memory_figures(bridge.pid());
    add_daemon(figures, "i.gateway.", gateway);
    add_daemon(figures, "i.publisher.", publisher_memory);
    add_daemon(figures, "i.bridge.", bridge_memory);
    add_daemon(figures, "i.sum.", sum({gateway, publisher_memory, bridge_memory}));
    figures["i.sum.footprint_mb"] =
        footprint_kib({gatewayd.pid(), publisher.pid(), bridge.pid()}) / 1024.0;
    figures["i.failures"] = failures;
    return figures;
}

}  // namespace tristar::bench
