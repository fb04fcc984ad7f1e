#include "tests/support/wait.h"

namespace tristar::test {

bool wait_until(const std::function<bool()>& predicate, std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (predicate()) return true;
        if (std::chrono::steady_clock::now() >= until) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds{5});
    }
}

}  // namespace tristar::test
