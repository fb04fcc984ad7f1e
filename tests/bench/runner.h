#pragma once
// The benchmark run: every selected scenario `runs` times (interleaved, so the noise of a
// shared machine spreads over all of them), then the table of medians on stdout.
#include "tests/bench/bench_options.h"

namespace tristar::bench {

// 0 when every run completed (whatever PASS/MISS says), 1 when a run failed to run.
int run_benchmark(const BenchOptions& options);

}  // namespace tristar::bench
