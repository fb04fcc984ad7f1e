#include "tests/bench/bench_options.h"

#include <CLI/CLI.hpp>

namespace tristar::bench {
namespace {

// --quick: the shorter loads the issue suggests (20 s instead of 60 s), fewer samples.
void apply_quick(BenchOptions& o, bool load_given, bool rtu_given) {
    if (!o.quick) return;
    if (!load_given) o.load_time = std::chrono::seconds{20};
    if (!rtu_given) o.rtu_time = std::chrono::seconds{10};
    o.latency_samples = std::min(o.latency_samples, 1000);
    o.writes = std::min(o.writes, 12);
}

}  // namespace

std::optional<BenchOptions> parse_options(int argc, char** argv, int& exit_code) {
    CLI::App app{"tristar-bench: gateway benchmarks against tristar-sim on loopback"};
    BenchOptions o;
    int load_s = 60;
    int rtu_s = 30;
    app.add_flag("--quick", o.quick, "shorter run: 20 s loads, 10 s RTU window, fewer samples");
    app.add_option("--runs", o.runs, "repetitions of each scenario (figures are medians)")
        ->check(CLI::Range(1, 50));
    auto* load =
        app.add_option("--load-seconds", load_s, "duration of each load of c/e and g's window (60)")
            ->check(CLI::Range(5, 3600));
    auto* rtu = app.add_option("--rtu-seconds", rtu_s, "measuring window of f (30)")
                    ->check(CLI::Range(3, 3600));
    app.add_option("--samples", o.latency_samples,
                   "measured reads per run and mode in a, b, h; calls per method in g")
        ->check(CLI::Range(100, 1000000));
    app.add_option("--only", o.only, "scenario letters to run, e.g. 'ab' (default abcdefghi)")
        ->check(CLI::Validator(
            [](const std::string& s) {
                return s.find_first_not_of("abcdefghi") == std::string::npos && !s.empty()
                           ? std::string{}
                           : std::string{"letters a-i only"};
            },
            "LETTERS"));
    app.add_option("--gatewayd", o.gatewayd,
                   "tristar-gatewayd executable to measure (default: the one of this build tree)")
        ->check(CLI::ExistingFile);
    app.add_option("--publisher", o.publisher,
                   "tristar-publisher executable to measure (default: the one of this build tree)")
        ->check(CLI::ExistingFile);
    app.add_option("--bridge", o.bridge,
                   "tristar-bridge executable to measure (default: the one of this build tree)")
        ->check(CLI::ExistingFile);
    app.add_flag("-v,--verbose", o.verbose, "print every run's figures on stderr");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        exit_code = app.exit(e) == 0 ? 0 : 2;
        return std::nullopt;
    }
    o.load_time = std::chrono::seconds{load_s};
    o.rtu_time = std::chrono::seconds{rtu_s};
    apply_quick(o, load->count() > 0, rtu->count() > 0);
    return o;
}

}  // namespace tristar::bench
