// tristar-bench: a trampoline over runner.cpp.
#include <iostream>

#include "tests/bench/bench_options.h"
#include "tests/bench/interrupt.h"
#include "tests/bench/runner.h"

int main(int argc, char** argv) {
    int exit_code = 0;
    const auto options = tristar::bench::parse_options(argc, argv, exit_code);
    if (!options) return exit_code;
    tristar::bench::install_interrupt_handlers();
    try {
        return tristar::bench::run_benchmark(*options);
    } catch (const tristar::bench::Interrupted&) {
        std::cerr << "tristar-bench: interrupted; every child process stopped\n";
        return 130;
    } catch (const std::exception& e) {
        std::cerr << "tristar-bench: " << e.what() << '\n';
        return 1;
    }
}
