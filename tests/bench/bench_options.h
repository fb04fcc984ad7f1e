#pragma once
// BenchOptions: what one invocation of tristar-bench measures, and for how long.
#include <chrono>
#include <optional>
#include <string>

namespace tristar::bench {

struct BenchOptions {
    int runs = 5;                        // each scenario is repeated; figures are medians
    std::string only = "abcdefghi";      // scenario letters to run
    bool quick = false;                  // shorter loads (see apply_quick)
    std::chrono::seconds load_time{60};  // c, e, g and i: each load runs this long
    std::chrono::seconds rtu_time{30};   // f: measuring window
    int latency_samples = 2000;          // a, b, h: measured reads per run and mode; g: calls
    int warmup_reads = 50;               // a, h: reads before measuring (mode detection)
    int writes = 20;                     // d: writes per run and setup (ON/OFF; 3x with drops)
    bool verbose = false;                // per-run figures on stderr
    std::string gatewayd;   // another tristar-gatewayd to measure (default: this tree's)
    std::string publisher;  // another tristar-publisher (g, i)
    std::string bridge;     // another tristar-bridge (h, i)
};

// Parses the command line; nothing (after printing help or an error) when the program
// should exit with `exit_code`.
std::optional<BenchOptions> parse_options(int argc, char** argv, int& exit_code);

}  // namespace tristar::bench
