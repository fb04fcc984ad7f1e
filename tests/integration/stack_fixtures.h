#pragma once
// Fixtures for doctest's TEST_CASE_FIXTURE: a frozen simulator on TCP and a gateway in front of
// it in a temp dir of their own, and a ZeroMQ context for the test's clients. The test body
// sees them as `dir`, `sim`, `gateway` and `context`; they go in the reverse order (the context
// first, the simulator last, each daemon stopped by pid and checked for a clean exit).
#include <memory>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "gateway/client/client.h"
#include "tests/integration/reference.h"
#include "tests/support/stack.h"

namespace tristar::test {

// --delay-ms `delay_ms` when not 0 (every transaction takes that long), else the defaults.
inline SimOptions sim_delayed(int delay_ms) {
    SimOptions options;
    if (delay_ms > 0) options.extra = {"--delay-ms", std::to_string(delay_ms)};
    return options;
}

// The simulator and a gateway with the test config (Gatewayd::test_config()).
template <int delay_ms = 0>
struct SimGateway {
    TempDir dir;
    Sim sim{dir, sim_delayed(delay_ms)};
    Gatewayd gateway{dir, sim.uri()};
    zmq::context_t context;
};

// As SimGateway, with what the simulator serves read directly before the gateway starts (so
// the reads are not among the gateway's transactions).
template <int delay_ms = 0>
struct ReferencedSimGateway {
    TempDir dir;
    Sim sim{dir, sim_delayed(delay_ms)};
    Reference reference = read_reference(sim.uri());
    Gatewayd gateway{dir, sim.uri()};
    zmq::context_t context;
};

// `count` clients of `endpoint` named prefix-0, prefix-1, ...
inline std::vector<std::unique_ptr<client::GatewayClient>> named_clients(
    zmq::context_t& context, const std::string& endpoint, const std::string& prefix, int count) {
    std::vector<std::unique_ptr<client::GatewayClient>> clients;
    for (int i = 0; i < count; ++i)
        clients.push_back(std::make_unique<client::GatewayClient>(
            context, client::Options{endpoint, prefix + "-" + std::to_string(i)}));
    return clients;
}

}  // namespace tristar::test
