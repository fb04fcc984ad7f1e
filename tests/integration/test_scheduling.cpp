// Deadlines and bounded queues, end to end: a request refused as BUSY or expired in the queue
// is answered at once and never reaches the device (the simulator's transaction count says so).
#include <doctest/doctest.h>

#include <thread>

#include "tests/integration/reference.h"
#include "tests/integration/stack_fixtures.h"
#include "tests/support/stack.h"

namespace tristar::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* slow_device_config =
    "[device]\ntcp_gap_ms = 0\nresponse_timeout_ms = 2000\n\n"
    "[scheduler]\nmax_queue_per_client = 2\n\n[log]\nlevel = \"warn\"\n";

// A device taking `delay_ms` a transaction behind a gateway with slow_device_config.
template <int delay_ms>
struct SlowDevice {
    TempDir dir;
    Sim sim{dir, sim_delayed(delay_ms)};
    Gatewayd gateway{dir, sim.uri(), slow_device_config};
    zmq::context_t context;
};

std::map<v1::ErrorCode, int> tally_replies(client::GatewayClient& client, std::size_t expected,
                                           int& ok) {
    std::map<v1::ErrorCode, int> errors;
    for (std::size_t i = 0; i < expected; ++i) {
        auto reply = client.receive(10s);
        REQUIRE(reply.has_value());
        if (reply->has_error())
            ++errors[reply->error().code()];
        else
            ++ok;
    }
    return errors;
}

}  // namespace

TEST_CASE_FIXTURE(SlowDevice<200>,
                  "a full client queue answers BUSY and those requests never reach the device") {
    client::GatewayClient client(context, {gateway.endpoint(), "flood"});
    // Network registers: outside every read-ahead block, so no two of these merge.
    for (std::uint32_t i = 0; i < 6; ++i) client.send(read_request(4, 0x1000 + i, 1));
    int ok = 0;
    auto errors = tally_replies(client, 6, ok);
    CHECK(errors[v1::BUSY] >= 3);  // at most one in flight plus two queued
    CHECK(ok + errors[v1::BUSY] == 6);
    CHECK(sim.final_stat("transactions") == ok);
}

TEST_CASE_FIXTURE(
    SlowDevice<300>,
    "a request whose deadline passes in the queue gets DEADLINE_EXCEEDED, not the device") {
    client::GatewayClient slow(context, {gateway.endpoint(), "slow"});
    client::GatewayClient hurried(context, {gateway.endpoint(), "hurried"});
    // Two network registers: no read-ahead block holds them, so they cannot share a transaction.
    slow.send(read_request(4, 0x1000, 1));  // interactive: served first, holds the link 300 ms
    // Two sockets: nothing orders their frames at the gateway but time.
    std::this_thread::sleep_for(20ms);
    auto request = read_request(4, 0x1001, 1);
    request.set_priority(v1::PRIORITY_BACKGROUND);
    request.set_deadline_ms(50);
    hurried.send(request);
    auto reply = hurried.receive(5s);
    REQUIRE(reply.has_value());
    REQUIRE(reply->has_error());
    CHECK(reply->error().code() == v1::DEADLINE_EXCEEDED);
    // Answered when its deadline passed, while the slow read was still on the wire.
    CHECK_FALSE(slow.receive(0ms).has_value());
    auto first = slow.receive(5s);
    REQUIRE(first.has_value());
    CHECK(first->has_registers());
    CHECK(sim.final_stat("transactions") == 1);
}

}  // namespace tristar::test
