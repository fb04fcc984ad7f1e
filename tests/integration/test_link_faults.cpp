// Faults of the device's replies end to end (design.md 3.2): a serial device answering after
// the gateway's timeout never hands one request's registers to another; replies cut short are
// tried again; an exception code outside Modbus's 1-11 passes through untried again; FC16
// requests over the limit never reach the device nor harm the gateway. The gateway runs its
// default configuration unless a case says why not. Every test ends with the simulator's
// overlap count at 0 and every daemon exiting 0.
#include <doctest/doctest.h>

#include <future>
#include <string>
#include <vector>

#include "tests/integration/reference.h"
#include "tests/support/stack.h"

namespace tristar::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* default_config = "[log]\nlevel = \"warn\"\n";

// A result for the log: "ok" or the failure (a Result holds one or the other).
template <typename T>
std::string why(const client::Result<T>& result) {
    return result.ok() ? "ok" : result.failure().describe();
}

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// What a frozen simulator serves, read from a simulator of its own (a direct read of the one
// under test would count among its transactions).
Reference frozen_reference() {
    TempDir dir;
    Sim sim(dir);
    return read_reference(sim.uri());
}

// ------------------------------------------------------------------------ late RTU replies

struct ReadSpan {
    std::uint16_t address;
    std::uint16_t count;
};
// The same shape (FC04, 4 registers), different content: only the values tell them apart.
constexpr ReadSpan late_spans[] = {{0x18, 4}, {0xE0C0, 4}, {0x30, 4}};
constexpr int span_kinds = 3;

struct Tally {
    int right = 0;
    int wrong = 0;
    int timeouts = 0;
    int other = 0;
    std::string first_surprise;  // the first wrong or other answer, for the log
};

// `reads` reads, max_age 0, through the spans forwards or backwards (`step` 1 or -1). Two
// clients going the same way would soon ask for the same span at the same time and from then
// on share every transaction; going opposite ways, they ask for the same span one time in three.
Tally read_in_turn(const std::string& endpoint, const std::string& name, int step, int reads,
                   const Reference& reference) {
    zmq::context_t context;
    client::GatewayClient client(context,
                                 {.endpoint = endpoint, .client_name = name, .timeout = 20s});
    Tally tally;
    for (int i = 0; i < reads; ++i) {
        const auto& span = late_spans[((step * i) % span_kinds + span_kinds) % span_kinds];
        const auto result = client.read_registers(4, span.address, span.count);
        std::string surprise;
        if (result.ok() && result->values == reference.slice(span.address, span.count)) {
            ++tally.right;
        } else if (result.ok()) {
            ++tally.wrong;
            surprise = "wrong values at " + std::to_string(span.address);
        } else if (result.failure().code == v1::DEVICE_TIMEOUT) {
            ++tally.timeouts;
        } else {
            ++tally.other;
            surprise = result.failure().describe();
        }
        if (!surprise.empty() && tally.first_surprise.empty()) tally.first_surprise = surprise;
    }
    return tally;
}

void check_late_replies_never_cross(const std::string& read_ahead, int reads) {
    const Reference reference = frozen_reference();
    for (int i = 0; i < span_kinds; ++i)
        for (int j = i + 1; j < span_kinds; ++j)
            REQUIRE(reference.slice(late_spans[i].address, span_words) !=
                    reference.slice(late_spans[j].address, span_words));
    TempDir dir;
    // Replies 40-120 ms after the request: most within the gateway's 100 ms, a quarter late.
    Sim sim(dir, {.rtu = true,
                  .extra = {"--baud", "115200", "--delay-ms", "40", "--delay-jitter-ms", "80"}});
    {
        // response_timeout_ms = 100 (default 1000): inside the device's 40-120 ms, so that some
        // replies come late. recovery_pause_ms = 250 (default 500): outlasts the latest reply
        // by 230 ms (100 + 250 > 120; a loaded machine's pty and scheduling delays stay inside
        // that), and keeps 1000 reads to minutes: a late try costs 350 ms.
        Gatewayd gateway(
            dir, sim.uri() + "?baud=115200",
            "[device]\nresponse_timeout_ms = 100\nrecovery_pause_ms = 250\nread_ahead = \"" +
                read_ahead + "\"\n\n[log]\nlevel = \"warn\"\n");
        const auto start = Clock::now();
        auto second = std::async(std::launch::async, read_in_turn, gateway.endpoint(), "second", -1,
                                 reads / 2, std::cref(reference));
        const Tally a = read_in_turn(gateway.endpoint(), "first", 1, reads - reads / 2, reference);
        const Tally b = second.get();
        const double took = seconds_since(start);
        zmq::context_t context;
        client::GatewayClient observer(context, {gateway.endpoint(), "observer"});
        const auto status = observer.status();
        REQUIRE(status.ok());
        const auto& counters = status->counters();
        MESSAGE("read_ahead " << read_ahead << ": " << reads << " reads in " << took << " s: "
                              << a.right + b.right << " right, " << a.wrong + b.wrong << " wrong, "
                              << a.timeouts + b.timeouts << " DEVICE_TIMEOUT, " << a.other + b.other
                              << " other; gateway: " << counters.transactions() << " transactions, "
                              << counters.timeouts() << " timed out, " << counters.retries()
                              << " retries, " << counters.corrupt_replies() << " corrupt");
        INFO("first surprises: '" << a.first_surprise << "', '" << b.first_surprise << "'");
        CHECK(a.wrong + b.wrong == 0);
        CHECK(a.other + b.other == 0);
        CHECK(a.right + b.right >= reads / 2);  // most reads get through
        // Many replies were late: the test saw what it is about.
        CHECK(counters.timeouts() >= static_cast<std::uint64_t>(reads / 10));
        CHECK(status->connection_mode() == "serial");
    }
    CHECK(sim.final_stat("overlaps") == 0);
}

}  // namespace

TEST_CASE("RTU: replies after the response timeout never answer another request") {
    constexpr int reads = 1000;
    SUBCASE("read_ahead off: every read of 4 registers is a frame of the same size") {
        check_late_replies_never_cross("off", reads);
    }
    SUBCASE("read_ahead block: live block reads widened, several clients' reads in one") {
        check_late_replies_never_cross("block", reads);
    }
}

// ------------------------------------------------------------------------- cut replies

namespace {

void check_cut_replies_are_retried(const SimOptions& options, int reads) {
    const Reference reference = frozen_reference();
    const auto expected = reference.slice(live_address, span_words);
    TempDir dir;
    Sim sim(dir, options);
    {
        Gatewayd gateway(dir, sim.uri(), default_config);
        zmq::context_t context;
        client::GatewayClient client(context, {gateway.endpoint(), "reader"});
        int right = 0;
        int unavailable = 0;
        int other = 0;
        const auto start = Clock::now();
        for (int i = 0; i < reads; ++i) {
            const auto result = client.read_registers(4, live_address, span_words);  // max_age 0
            if (result.ok() && result->values == expected)
                ++right;
            else if (!result.ok() && result.failure().code == v1::DEVICE_UNAVAILABLE)
                ++unavailable;
            else
                ++other;
            if (!result.ok()) MESSAGE("read " << i << ": " << result.failure().describe());
        }
        const auto status = client.status();
        REQUIRE(status.ok());
        const auto& counters = status->counters();
        MESSAGE(reads << " reads in " << seconds_since(start) << " s: " << right << " right, "
                      << unavailable << " DEVICE_UNAVAILABLE, " << other << " other; gateway: "
                      << counters.retries() << " retries, " << counters.corrupt_replies()
                      << " corrupt, " << counters.timeouts() << " timed out");
        CHECK(right >= reads - 2);
        CHECK(unavailable == 0);
        CHECK(counters.retries() > 0);
    }
    CHECK(sim.final_stat("overlaps") == 0);
    MESSAGE("the simulator cut " << sim.stat("cut").value_or(-1) << " replies");
    CHECK(sim.stat("cut").value_or(0) > 0);
}

}  // namespace

TEST_CASE("replies cut short are tried again, and never taken for the device going away") {
    // Seed 2: its draws cut 6 of the first 101 replies, two of them in a row (the default seed's
    // cut only 1, too few to mean anything).
    const std::vector<std::string> cut{"--cut-rate", "0.06", "--seed", "2"};
    SUBCASE("TCP: half a reply, then the connection closes") {
        check_cut_replies_are_retried({.extra = cut}, 100);
    }
    SUBCASE("RTU: half a frame, then silence") {
        check_cut_replies_are_retried({.rtu = true, .extra = cut}, 50);
    }
}

// ------------------------------------------------------------- exception code outside 1-11

TEST_CASE("an exception code outside 1-11 reaches the client as it is, after one transaction") {
    SimOptions options{.extra = {"--bad-exception-rate", "1", "--bad-exception-code", "0x55"}};
    SUBCASE("TCP") {}
    SUBCASE("RTU") {
        options.rtu = true;
    }
    TempDir dir;
    Sim sim(dir, options);
    {
        Gatewayd gateway(dir, sim.uri(), default_config);
        zmq::context_t context;
        client::GatewayClient client(context, {gateway.endpoint(), "reader"});
        const auto sent = Clock::now();
        const auto result = client.read_registers(4, live_address, span_words);
        const auto took = std::chrono::duration<double, std::milli>(Clock::now() - sent).count();
        MESSAGE("answered '" << why(result) << "' after " << took << " ms");
        REQUIRE_FALSE(result.ok());
        CHECK(result.failure().code == v1::MODBUS_EXCEPTION);
        CHECK(result.failure().modbus_exception == 0x55);
        const auto status = client.status();
        REQUIRE(status.ok());
        MESSAGE("gateway: " << status->counters().transactions() << " transactions, "
                            << status->counters().retries() << " retries");
        CHECK(status->counters().transactions() == 1);
        CHECK(status->counters().retries() == 0);
    }
    CHECK(sim.final_stat("overlaps") == 0);
    INFO("simulator stats: " << sim.stats_text());
    CHECK(sim.stat("transactions") == 1);
    CHECK(sim.stat("bad_exceptions") == 1);
}

// ------------------------------------------------------------------------ oversized FC16

TEST_CASE(
    "FC16 with more than 123 values is INVALID_REQUEST, or beyond the message bound dropped, and "
    "harms nothing") {
    const Reference reference = frozen_reference();
    TempDir dir;
    // --accept-fc16 and a rule allowing every non-EEPROM register to any client (the default
    // policy allows none of these): only the size limit stands between these writes and the
    // device.
    Sim sim(dir, {.extra = {"--accept-fc16"}});
    {
        Gatewayd gateway(dir, sim.uri(),
                         "[write_policy]\n\n[[write_policy.rules]]\nregisters = [0, 0xDFFF]\n"
                         "min = 0\nmax = 0xFFFF\nclients = [\"*\"]\n\n[log]\nlevel = \"warn\"\n");
        zmq::context_t context;
        client::GatewayClient client(context, {gateway.endpoint(), "tristar-ctl"});
        for (const std::size_t n : {124u, 125u, 200u}) {
            CAPTURE(n);
            const auto write = client.write_registers(0x58, std::vector<std::uint16_t>(n, 0x1234));
            MESSAGE(n << " values: " << why(write));
            REQUIRE_FALSE(write.ok());
            CHECK(write.failure().code == v1::INVALID_REQUEST);
            CHECK(gateway.process().running());
        }
        // 100000 values (200 kB) exceed the whole-message bound (docs/protocol.md): the message
        // is never taken in, so there is no reply; the client times out and nothing else suffers.
        const auto huge = client.write_registers(0x58, std::vector<std::uint16_t>(100000, 0x1234));
        MESSAGE("100000 values: " << why(huge));
        REQUIRE_FALSE(huge.ok());
        CHECK(huge.failure().code != v1::INVALID_REQUEST);
        CHECK(gateway.process().running());
        const auto read = client.read_registers(4, live_address, span_words);
        REQUIRE_MESSAGE(read.ok(), why(read));
        CHECK(read->values == reference.slice(live_address, span_words));
        const auto status = client.status();
        REQUIRE(status.ok());
        CHECK(status->counters().invalid_requests() == 3);
        CHECK(status->counters().writes() == 0);
        CHECK(gateway.process().running());
    }
    CHECK(sim.final_stat("overlaps") == 0);
    INFO("simulator stats: " << sim.stats_text());
    CHECK(sim.stat("writes") == 0);
    CHECK(sim.stat("transactions") == 1);  // the read
}

}  // namespace tristar::test
