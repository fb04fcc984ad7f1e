#include "tests/bench/interrupt.h"

#include <signal.h>

#include <atomic>

namespace tristar::bench {
namespace {

std::atomic<bool> signalled{false};

extern "C" void on_signal(int /*sig*/) {
    signalled.store(true);
}

}  // namespace

void install_interrupt_handlers() {
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: a blocking poll returns at once
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
}

bool interrupted() {
    return signalled.load();
}

void check_interrupt() {
    if (interrupted()) throw Interrupted{};
}

}  // namespace tristar::bench
