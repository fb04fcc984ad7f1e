// Fault tolerance end to end (design.md 3.2), the real executables: a reply that comes after the
// gateway gave up never answers another client's request; a write whose reply is lost is
// OUTCOME_UNKNOWN and ran exactly once; a client that vanishes with requests queued harms no
// one. (Device outages: test_faults_outage.cpp.) Every test ends with the simulator's overlap
// count at 0 and every daemon exiting 0.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/integration/reference.h"
#include "tests/support/stack.h"
#include "tests/support/wait.h"

namespace tristar::test {
namespace {

using namespace std::chrono_literals;

std::string gateway_config(const std::string& device_keys) {
    return "[device]\n" + device_keys + "\n[log]\nlevel = \"warn\"\n";
}

// What a frozen simulator serves, read from a simulator of its own (a direct read of the one
// under test would count among its transactions).
Reference frozen_reference() {
    TempDir dir;
    Sim sim(dir);
    return read_reference(sim.uri());
}

using Registers = client::Result<client::Answer<std::vector<std::uint16_t>>>;

std::string describe(const Registers& result) {
    return result ? "registers" : result.failure().describe();
}

// ---------------------------------------------------------------------------- late replies

// A client whose read the device answers too late, then another client's read. The gateway
// gives up on the first after response_timeout_ms and must make sure the late reply can never
// be taken for the answer to the second. Both ask for 4 registers, so a crossed answer would
// pass any size check a client could make: only the values tell them apart. The pacing gap is
// longer than the reply is late, so the second request reaches the device after the late reply
// has left it (the overlap count checks that): the reply is in the gateway's socket or serial
// buffer by then, not still on its way.
void check_late_reply_is_not_crossed(const SimOptions& options, const std::string& mode) {
    const Reference reference = frozen_reference();
    REQUIRE(reference.slice(live_address, span_words) !=
            reference.slice(serial_address, span_words));
    TempDir dir;
    Sim sim(dir, options);
    {
        // No read retries: the request after the timed-out one must be the other client's.
        Gatewayd gateway(dir, sim.uri(),
                         gateway_config("response_timeout_ms = 250\nbyte_timeout_ms = 50\n"
                                        "read_retries = 0\n"
                                        "tcp_gap_ms = 500\nrtu_pause_ms = 500\n"));
        zmq::context_t context;
        client::GatewayClient late(context, {gateway.endpoint(), "late"});
        client::GatewayClient other(context, {gateway.endpoint(), "other"});
        for (int i = 0; i < 3; ++i) {  // transactions 1-3; the device answers the 4th late
            const auto warm = late.read_registers(4, live_address, span_words);
            REQUIRE_MESSAGE(warm.ok(), describe(warm));
            REQUIRE(warm->values == reference.slice(live_address, span_words));
        }
        CHECK(late.status()->connection_mode() == mode);
        const auto timed_out = late.read_registers(4, live_address, span_words);
        REQUIRE_FALSE(timed_out.ok());
        CHECK_MESSAGE(timed_out.failure().code == v1::DEVICE_TIMEOUT, describe(timed_out));
        const auto answer = other.read_registers(4, serial_address, span_words);
        REQUIRE_MESSAGE(answer.ok(), describe(answer));
        CHECK(answer->values == reference.slice(serial_address, span_words));
        const auto again = late.read_registers(4, live_address, span_words);
        REQUIRE_MESSAGE(again.ok(), describe(again));
        CHECK(again->values == reference.slice(live_address, span_words));
    }
    CHECK(sim.final_stat("overlaps") == 0);
}

}  // namespace

TEST_CASE("a late reply never answers another client's read") {
    const std::vector<std::string> slow{"--slow-every", "4", "--slow-ms", "500"};
    SUBCASE("TCP, kept connection: the late reply would come on the socket the next one uses") {
        auto extra = slow;
        extra.push_back("--keep-connection");
        check_late_reply_is_not_crossed({.extra = extra}, "kept");
    }
    SUBCASE("TCP, connection per transaction") {
        check_late_reply_is_not_crossed({.extra = slow}, "per-transaction");
    }
    SUBCASE("RTU: no transaction id, nothing but the gateway's care tells the replies apart") {
        check_late_reply_is_not_crossed({.rtu = true, .extra = slow}, "serial");
    }
}

// ---------------------------------------------------------------------------- lost write reply

TEST_CASE("a write whose reply is lost is OUTCOME_UNKNOWN, and the device ran it exactly once") {
    TempDir dir;
    Sim sim(dir, {.extra = {"--drop-write-replies"}});
    {
        Gatewayd gateway(dir, sim.uri(), gateway_config("response_timeout_ms = 300\n"));
        zmq::context_t context;
        client::GatewayClient ctl(context, {gateway.endpoint(), "tristar-ctl"});
        const auto write = ctl.write_coil(2, true);  // charge disconnect
        REQUIRE_FALSE(write.ok());
        CHECK_MESSAGE(write.failure().code == v1::OUTCOME_UNKNOWN, write.failure().describe());
        // It did run: the coil reads back set.
        const auto coil = ctl.read_bits(1, 2, 1);
        REQUIRE_MESSAGE(coil.ok(), coil.failure().describe());
        CHECK(coil->values == std::vector<bool>{true});
        const auto status = ctl.status();
        REQUIRE(status.ok());
        CHECK(status->counters().outcome_unknown() == 1);
    }
    CHECK(sim.final_stat("overlaps") == 0);
    CHECK(sim.stat("writes") == 1);
    CHECK(sim.stat("dropped") == 1);
    const auto stats = sim.stats_text();
    INFO("simulator stats: " << stats);
    CHECK(stats.find("\"write_log\":[[5,2,65280]]") != std::string::npos);
}

// ------------------------------------------------------------------------ vanished client

namespace {

constexpr int abandoned_reads = 20;
constexpr auto slow_device = 100ms;  // --delay-ms: the backlog is worth 2 s of device time

// The named client's request count in the gateway's status; 0 when it is not listed.
std::uint64_t requests_of(client::GatewayClient& client, const std::string& name) {
    const auto status = client.status();
    if (!status.ok()) return 0;
    for (const auto& c : status->clients()) {
        if (c.client_name() == name) return c.requests();
    }
    return 0;
}

// Queues reads that take device time and cannot be merged (unmapped, distinct addresses: the
// device answers each with an exception), waits until the gateway has them all, then closes
// the socket without reading a single reply.
void queue_and_vanish(zmq::context_t& context, const std::string& endpoint,
                      client::GatewayClient& observer) {
    client::GatewayClient vanishing(context, {endpoint, "vanishing"});
    for (int i = 0; i < abandoned_reads; ++i) {
        vanishing.send(read_request(4, 0x3000 + static_cast<std::uint32_t>(i), 1));
    }
    REQUIRE(wait_until([&] { return requests_of(observer, "vanishing") == abandoned_reads; }, 5s));
}

}  // namespace

TEST_CASE("a client that disconnects with requests queued stalls and crashes nothing") {
    const Reference reference = frozen_reference();
    TempDir dir;
    Sim sim(dir, {.extra = {"--delay-ms", "100"}});
    {
        Gatewayd gateway(dir, sim.uri());
        zmq::context_t context;
        client::GatewayClient steady(context, {gateway.endpoint(), "steady"});
        queue_and_vanish(context, gateway.endpoint(), steady);
        const auto start = Clock::now();
        for (int i = 0; i < 3; ++i) {
            const auto sent = Clock::now();
            const auto answer = steady.read_registers(4, serial_address, span_words);
            REQUIRE_MESSAGE(answer.ok(), describe(answer));
            CHECK(answer->values == reference.slice(serial_address, span_words));
            // Round robin between clients: one abandoned read at most ahead of each of ours.
            CHECK(Clock::now() - sent < 3 * slow_device + 500ms);
        }
        CHECK(Clock::now() - start < abandoned_reads * slow_device);  // well before the backlog
        const auto status = steady.status();
        REQUIRE(status.ok());
        CHECK(gateway.process().running());
        // The backlog drains (its replies go nowhere) and the gateway serves on.
        const auto drained = [&] {
            const auto now = steady.status();
            return now.ok() && now->queued() == 0;
        };
        CHECK(wait_until(drained, abandoned_reads * slow_device + 5s));
        const auto after = steady.read_registers(4, serial_address, span_words);
        REQUIRE_MESSAGE(after.ok(), describe(after));
        CHECK(after->values == reference.slice(serial_address, span_words));
        CHECK(gateway.process().running());
    }  // the gateway must exit 0 (checked by its fixture)
    CHECK(sim.final_stat("overlaps") == 0);
}

}  // namespace tristar::test
