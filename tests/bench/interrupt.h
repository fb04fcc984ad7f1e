#pragma once
// SIGINT/SIGTERM end a benchmark run cleanly: the handler only sets a flag, the loops check it
// and throw, and unwinding stops every child process by its pid (no orphans left behind).
#include <stdexcept>

namespace tristar::bench {

struct Interrupted : std::runtime_error {
    Interrupted() : std::runtime_error("interrupted by a signal") {}
};

void install_interrupt_handlers();
bool interrupted();
// Throws Interrupted once a signal arrived.
void check_interrupt();

}  // namespace tristar::bench
