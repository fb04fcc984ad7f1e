// The cache, merging and read-ahead, end to end: device transactions counted by the gateway's
// status and by the simulator itself; values checked against direct reads of the simulator.
#include <doctest/doctest.h>

#include <thread>

#include "tests/integration/reference.h"
#include "tests/integration/stack_fixtures.h"
#include "tests/support/stack.h"
#include "tests/support/wait.h"

namespace tristar::test {
namespace {

using namespace std::chrono_literals;

std::uint64_t device_transactions(client::GatewayClient& client) {
    auto status = client.status();
    REQUIRE(status.ok());
    return status->counters().transactions();
}

v1::Request cached_read(std::uint32_t address, std::uint32_t count, std::uint32_t max_age_ms) {
    auto request = read_request(4, address, count);
    request.set_max_age_ms(max_age_ms);
    return request;
}

v1::Reply exchange(client::GatewayClient& client, v1::Request request) {
    auto reply = client.call(std::move(request));
    REQUIRE(reply.ok());
    return *reply;
}

}  // namespace

TEST_CASE_FIXTURE(
    ReferencedSimGateway<>,
    "a read with max_age is served from the cache when fresh, from the device when stale") {
    client::GatewayClient client(context, {gateway.endpoint(), "cache-test"});

    auto first = exchange(client, cached_read(0x18, 4, 0));  // max_age 0: always the device
    CHECK_FALSE(first.from_cache());
    const auto after_first = device_transactions(client);
    CHECK(after_first == 1);

    auto fresh = exchange(client, cached_read(0x1A, 2, 60'000));  // inside the widened block
    CHECK(fresh.from_cache());
    CHECK(values_of(fresh) == reference.slice(0x1A, 2));
    CHECK(device_transactions(client) == after_first);

    std::this_thread::sleep_for(20ms);  // let the cached words age past the next max_age
    auto stale = exchange(client, cached_read(0x18, 4, 10));
    CHECK_FALSE(stale.from_cache());
    CHECK(values_of(stale) == reference.slice(0x18, 4));
    CHECK(device_transactions(client) == after_first + 1);
    CHECK(sim.final_stat("overlaps") == 0);
}

TEST_CASE_FIXTURE(ReferencedSimGateway<>,
                  "20 clients each reading one register of the live block cost at most 2 "
                  "transactions a refresh") {
    const auto clients = named_clients(context, gateway.endpoint(), "entity", 20);
    constexpr int refreshes = 3;
    constexpr std::uint32_t max_age_ms = 300;
    for (int round = 0; round < refreshes; ++round) {
        for (std::uint32_t i = 0; i < clients.size(); ++i)
            clients[i]->send(cached_read(0x18 + i * 2, 1, max_age_ms));
        for (std::uint32_t i = 0; i < clients.size(); ++i) {
            auto reply = clients[i]->receive(5s);
            REQUIRE(reply.has_value());
            REQUIRE(reply->has_registers());
            CHECK(values_of(*reply) ==
                  reference.slice(static_cast<std::uint16_t>(0x18 + i * 2), 1));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{max_age_ms + 50});  // next refresh
    }
    const auto transactions = device_transactions(*clients.front());
    MESSAGE("device transactions for " << refreshes * 20 << " reads: " << transactions);
    CHECK(transactions <= 2 * refreshes);
    CHECK(sim.final_stat("transactions") ==
          static_cast<std::int64_t>(transactions) + reference.transactions);
    CHECK(sim.final_stat("overlaps") == 0);
}

TEST_CASE(
    "read-ahead widens every read on TCP, only small reads on RTU, every read when set to block") {
    struct Case {
        bool rtu;
        std::string read_ahead;  // empty: the default, "auto"
        bool big_read_widened;
    };
    const Case cases[] = {
        {false, "", true}, {true, "", false}, {true, "block", true}, {false, "off", false}};
    for (const auto& c : cases) {
        CAPTURE(c.rtu);
        CAPTURE(c.read_ahead);
        TempDir dir;
        SimOptions options;
        options.rtu = c.rtu;
        Sim sim(dir, options);
        auto toml = Gatewayd::test_config();
        if (!c.read_ahead.empty())
            toml = "[device]\nread_ahead = \"" + c.read_ahead + "\"\n\n" + toml;
        Gatewayd gateway(dir, sim.uri(), toml);
        zmq::context_t context;
        client::GatewayClient client(context, {gateway.endpoint(), "read-ahead-test"});

        // A small read (4 of the live block's 92 registers) is widened unless read-ahead is off.
        exchange(client, cached_read(0x18, 4, 0));
        CHECK(exchange(client, cached_read(0x40, 2, 60'000)).from_cache() ==
              (c.read_ahead != "off"));

        // A big one (56 registers, over a quarter of the block) only under "block".
        std::this_thread::sleep_for(100ms);  // what the small read left is now too old
        exchange(client, cached_read(0x18, 56, 0));
        CHECK(exchange(client, cached_read(0x52, 2, 50)).from_cache() == c.big_read_widened);
        CHECK(sim.final_stat("overlaps") == 0);
    }
}

// The device takes 100 ms a transaction, so the small read arrives while the big one is on the
// wire.
TEST_CASE_FIXTURE(
    ReferencedSimGateway<100>,
    "a read riding along in a bigger read the device refuses is read again on its own") {
    client::GatewayClient bad(context, {gateway.endpoint(), "bad-range"});
    client::GatewayClient good(context, {gateway.endpoint(), "good"});

    // 125 registers from 0x0000 run past the live block: the device answers exception 2.
    bad.send(read_request(4, 0x0000, 125));
    // Two sockets: nothing orders their frames at the gateway but time. The bad read takes the
    // link first (the device then answers it after 100 ms).
    std::this_thread::sleep_for(20ms);
    good.send(read_request(4, 0x18, 2));  // covered by the bad read: joins it

    auto bad_reply = bad.receive(5s);
    REQUIRE(bad_reply.has_value());
    CHECK(bad_reply->error().code() == v1::MODBUS_EXCEPTION);
    CHECK(bad_reply->error().modbus_exception() == 2);
    auto good_reply = good.receive(5s);
    REQUIRE(good_reply.has_value());
    REQUIRE(good_reply->has_registers());
    CHECK(values_of(*good_reply) == reference.slice(0x18, 2));
    const auto status = good.status();
    REQUIRE(status.ok());
    CHECK(status->counters().merged_reads() == 1);  // it did ride along the first time
    CHECK(sim.final_stat("overlaps") == 0);
}

TEST_CASE_FIXTURE(
    ReferencedSimGateway<100>,
    "identical concurrent reads make one transaction; overlapping ones get their own slices") {
    const auto clients = named_clients(context, gateway.endpoint(), "twin", 5);

    SUBCASE("identical") {
        for (auto& c : clients) c->send(read_request(4, 0x0000, 0x5C));
        for (auto& c : clients) {
            auto reply = c->receive(5s);
            REQUIRE(reply.has_value());
            CHECK(values_of(*reply) == reference.slice(0x0000, 0x5C));
        }
        CHECK(device_transactions(*clients.front()) == 1);
    }
    SUBCASE("overlapping") {
        const std::pair<std::uint16_t, std::uint16_t> ranges[] = {
            {0x18, 4}, {0x1A, 10}, {0x00, 0x5C}, {0x40, 0x10}, {0x5B, 1}};
        for (std::size_t i = 0; i < 5; ++i)
            clients[i]->send(read_request(3 + i % 2, ranges[i].first, ranges[i].second));
        for (std::size_t i = 0; i < 5; ++i) {
            auto reply = clients[i]->receive(5s);
            REQUIRE(reply.has_value());
            CHECK(values_of(*reply) == reference.slice(ranges[i].first, ranges[i].second));
        }
        CHECK(device_transactions(*clients.front()) <= 2);
    }
    CHECK(sim.final_stat("overlaps") == 0);
}

TEST_CASE_FIXTURE(SimGateway<>, "a write drops what the cache held for the unit") {
    client::GatewayClient client(context, {gateway.endpoint(), "tristar-ctl"});
    auto coils = client.read_bits(1, 0, 3, 60'000);
    REQUIRE(coils.ok());
    CHECK_FALSE(coils->values[2]);
    REQUIRE(client.read_registers(4, 0x32, 1, 60'000).ok());
    REQUIRE(client.read_registers(4, 0x32, 1, 60'000)->from_cache);

    REQUIRE(client.write_coil(2, true).ok());  // charge disconnect
    auto after = client.read_bits(1, 2, 1, 60'000);
    REQUIRE(after.ok());
    CHECK_FALSE(after->from_cache);
    CHECK(after->values[0]);
    auto state = client.read_registers(4, 0x32, 1, 60'000);
    REQUIRE(state.ok());
    CHECK_FALSE(state->from_cache);
    CHECK(state->values[0] == 2);  // DISCONNECT
    REQUIRE(client.write_coil(2, false).ok());
    CHECK(sim.final_stat("overlaps") == 0);
}

}  // namespace tristar::test
