// The link's time end to end (design.md 3.3), the real executables with the gateway's default
// timing unless a case says why not: a write waits for the one try on the wire, never for
// another client's read retries; a request whose deadline passes while the link keeps its gap is
// answered DEADLINE_EXCEEDED and never sent. (Faults of the device's replies:
// test_link_faults.cpp.) Every test ends with the simulator's overlap count at 0 and every
// daemon exiting 0.
#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

#include "tests/integration/reference.h"
#include "tests/support/stack.h"
#include "tests/support/wait.h"

namespace tristar::test {
namespace {

using namespace std::chrono_literals;

// The defaults this file's bounds are made of (deploy/config/tristar-gatewayd.toml).
constexpr auto response_timeout = 1000ms;
constexpr auto recovery_pause = 500ms;
constexpr auto one_transaction = 300ms;  // generous: a loaded 2-core machine
constexpr int read_tries = 3;            // the first and read_retries = 2

constexpr const char* default_config = "[log]\nlevel = \"warn\"\n";

double ms(Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

// A result for the log: "ok" or the failure (a Result holds one or the other).
template <typename T>
std::string why(const client::Result<T>& result) {
    return result.ok() ? "ok" : result.failure().describe();
}

std::string describe(const v1::Reply& reply) {
    if (!reply.has_error()) return "an answer";
    return v1::ErrorCode_Name(reply.error().code()) + ": " + reply.error().message();
}

}  // namespace

TEST_CASE("a write waits for the one swallowed try of another client's read, not for its retries") {
    TempDir dir;
    Sim sim(dir, {.extra = {"--swallow-reads", "0xE0C0"}});
    {
        Gatewayd gateway(dir, sim.uri(), default_config);
        zmq::context_t context;
        // A's read takes three tries of a second each: its blocking calls may wait longer.
        client::GatewayClient a(
            context, {.endpoint = gateway.endpoint(), .client_name = "reader", .timeout = 10s});
        client::GatewayClient b(context,
                                {gateway.endpoint(), "tristar-ctl"});  // the write policy's
        const auto a_sent = Clock::now();
        const auto a_id = a.send(read_request(3, serial_address, span_words));  // max_age 0
        std::this_thread::sleep_until(a_sent +
                                      300ms);  // B comes while A's first try is on the wire
        const auto b_sent = Clock::now();
        const auto write = b.write_coil(2, true);  // charge disconnect
        const auto b_round_trip = Clock::now() - b_sent;
        MESSAGE("B's write round trip: " << ms(b_round_trip) << " ms (bound "
                                         << ms(response_timeout + recovery_pause + one_transaction)
                                         << " ms)");
        REQUIRE_MESSAGE(write.ok(), why(write));
        CHECK(b_round_trip <= response_timeout + recovery_pause + one_transaction);

        const auto a_reply = a.receive(10s);
        const auto a_round_trip = Clock::now() - a_sent;
        REQUIRE(a_reply.has_value());
        CHECK(a_reply->id() == a_id);
        CHECK_MESSAGE(a_reply->error().code() == v1::DEVICE_TIMEOUT, describe(*a_reply));
        MESSAGE("A's read answered DEVICE_TIMEOUT after " << ms(a_round_trip) << " ms");
        // Every try of A's read was a full response timeout, with the write between the first two.
        CHECK(a_round_trip >= read_tries * response_timeout);

        const auto coil = b.read_bits(1, 2, 1);  // max_age 0: from the device
        REQUIRE_MESSAGE(coil.ok(), why(coil));
        CHECK(coil->values == std::vector<bool>{true});
        const auto status = b.status();
        REQUIRE(status.ok());
        CHECK(status->counters().retries() == read_tries - 1);
        CHECK(status->counters().outcome_unknown() == 0);
        const auto release = b.write_coil(2, false);
        REQUIRE_MESSAGE(release.ok(), why(release));
    }
    CHECK(sim.final_stat("overlaps") == 0);
    const auto stats = sim.stats_text();
    INFO("simulator stats: " << stats);
    CHECK(sim.stat("swallowed") == read_tries);
    // The write ran exactly once, then the release.
    CHECK(sim.stat("writes") == 2);
    CHECK(stats.find("\"write_log\":[[5,2,65280],[5,2,0]]") != std::string::npos);
}

TEST_CASE("a request whose deadline passes while the link keeps its gap is never sent") {
    TempDir dir;
    Sim sim(dir);
    constexpr auto gap = 1000ms;
    constexpr std::uint32_t deadline_ms = 200;
    {
        // tcp_gap_ms = 1000 (50 by default): the point of the test, a gap longer than the deadline.
        Gatewayd gateway(dir, sim.uri(),
                         "[device]\ntcp_gap_ms = 1000\n\n[log]\nlevel = \"warn\"\n");
        zmq::context_t context;
        client::GatewayClient first(context, {gateway.endpoint(), "first"});
        client::GatewayClient hurried(
            context,
            {.endpoint = gateway.endpoint(), .client_name = "hurried", .deadline_ms = deadline_ms});
        const auto read = first.read_registers(4, live_address, span_words);
        REQUIRE_MESSAGE(read.ok(), why(read));

        // Another block (the first read was widened to the live block): not in the cache.
        const auto sent = Clock::now();
        const auto late = hurried.read_registers(4, serial_address, span_words);
        const auto waited = Clock::now() - sent;
        MESSAGE("the hurried read was answered after " << ms(waited) << " ms (deadline "
                                                       << deadline_ms << " ms, gap " << ms(gap)
                                                       << " ms)");
        REQUIRE_FALSE(late.ok());
        CHECK_MESSAGE(late.failure().code == v1::DEADLINE_EXCEEDED, why(late));
        CHECK(waited < gap);  // at its deadline, not when the link was free again

        const auto status = first.status();
        REQUIRE(status.ok());
        CHECK(status->counters().transactions() == 1);
        CHECK(status->counters().deadline_misses() == 1);
        // A closing read of the live block goes when the gap ends, which is when the expired
        // request would have gone: after its answer, a request sent by mistake is counted too.
        const auto closing = first.read_registers(4, live_address, span_words);
        REQUIRE_MESSAGE(closing.ok(), why(closing));
    }
    CHECK(sim.final_stat("overlaps") == 0);
    const auto transactions = sim.stat("transactions").value_or(-1);
    MESSAGE("device transactions: " << transactions << " (the first read and the closing one)");
    CHECK(transactions == 2);
}

}  // namespace tristar::test
