#include "tests/bench/runner.h"

#include <sys/utsname.h>

#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "tests/bench/figures.h"
#include "tests/bench/interrupt.h"
#include "tests/bench/report.h"
#include "tests/bench/scenarios.h"

namespace tristar::bench {
namespace {

struct Scenario {
    std::string letters;  // selected when --only names any of them
    std::string name;
    std::function<RunFigures(const BenchOptions&)> run;
};

std::vector<Scenario> scenarios() {
    return {
        {"a", "a close", [](const BenchOptions& o) { return run_added_latency(o, false); }},
        {"a", "a kept", [](const BenchOptions& o) { return run_added_latency(o, true); }},
        {"b", "b", run_cache_hit},
        {"ce", "c+e", run_mixed_load},
        {"d", "d", run_write_flood},
        {"f", "f", run_rtu_throughput},
        {"g", "g", run_publisher},
        {"h", "h", run_bridge},
        {"i", "i", run_footprint},
    };
}

bool selected(const Scenario& s, const BenchOptions& o) {
    return s.letters.find_first_of(o.only) != std::string::npos;
}

std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
    }
    return "unknown CPU";
}

std::string load_average() {
    std::ifstream in("/proc/loadavg");
    std::string one, five, fifteen;
    in >> one >> five >> fifteen;
    return one + " " + five + " " + fifteen;
}

void print_header(const BenchOptions& o) {
    utsname u{};
    ::uname(&u);
    std::cout << "tristar-bench: " << o.runs << " runs per scenario, medians of the runs\n"
              << "machine: " << cpu_model() << ", " << std::thread::hardware_concurrency()
              << " cores, " << u.sysname << ' ' << u.release << ' ' << u.machine << '\n'
              << "load average at start: " << load_average() << '\n'
              << "gatewayd: "
              << (o.gatewayd.empty() ? std::string{"this build tree's"} : o.gatewayd) << '\n'
              << "gateway: tcp_gap_ms = 0 (pacing is not latency), log level warn; d also with the "
                 "defaults; simulator --frozen on loopback\n"
              << "loads (c, e): " << o.load_time.count()
              << " s each; RTU window (f): " << o.rtu_time.count()
              << " s; reads per latency run (a, b): " << o.latency_samples
              << "\npublisher (g): --poll-ms 1000, window " << o.load_time.count()
              << " s, GetItems and GetValue calls per run: " << o.latency_samples
              << "\nbridge (h): reads per run and max-age: " << o.latency_samples << "\n\n";
}

void print_run(const std::string& name, int run, const RunFigures& figures) {
    std::cerr << "[" << name << "] run " << run << ":";
    for (const auto& [key, value] : figures) std::cerr << ' ' << key << '=' << value;
    std::cerr << '\n';
}

// One run of one scenario; false when it could not run.
bool run_once(const Scenario& s, const BenchOptions& o, int run, Report& report) {
    std::cerr << "tristar-bench: [" << s.name << "] run " << run << "/" << o.runs << '\n';
    try {
        const auto figures = s.run(o);
        report.add_run(figures);
        if (o.verbose) print_run(s.name, run, figures);
        return true;
    } catch (const std::exception& e) {
        if (interrupted()) throw Interrupted{};
        std::cerr << "tristar-bench: [" << s.name << "] run " << run << " failed: " << e.what()
                  << '\n';
        report.note("[" + s.name + "] run " + std::to_string(run) + " failed: " + e.what());
        return false;
    }
}

}  // namespace

int run_benchmark(const BenchOptions& options) {
    print_header(options);
    Report report;
    bool all_ran = true;
    for (int run = 1; run <= options.runs; ++run) {
        for (const auto& s : scenarios()) {
            if (selected(s, options)) all_ran = run_once(s, options, run, report) && all_ran;
        }
    }
    report.note("load average at the end: " + load_average());
    report.print(std::cout, figure_specs());
    return all_ran ? 0 : 1;
}

}  // namespace tristar::bench
