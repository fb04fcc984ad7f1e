#pragma once
// Readiness waits instead of sleeps.
#include <chrono>
#include <functional>
#include <thread>

namespace tristar::test {

// Polls `predicate` every few milliseconds until it holds (true) or `timeout` passes (false).
bool wait_until(const std::function<bool()>& predicate, std::chrono::milliseconds timeout);

}  // namespace tristar::test
