// Several devices behind one gateway ([[devices]]): each request reaches the device it names,
// every value equals a direct read of that device, status lists every device and link, and a
// config of one device (and a client that names none) works as before.
#include <doctest/doctest.h>

#include "tests/integration/reference.h"
#include "tests/support/stack.h"

namespace tristar::test {
namespace {

using namespace std::chrono_literals;

SimOptions sim_with_serial(const std::string& serial) {
    SimOptions options;
    options.extra = {"--serial", serial};
    return options;
}

std::string two_tcp_devices(const std::string& east, const std::string& west) {
    return Gatewayd::test_config() + "[[devices]]\nname = \"east\"\nuri = \"" + east +
           "\"\n[[devices]]\nname = \"west\"\nuri = \"" + west + "\"\n";
}

std::vector<std::uint16_t> read_of(client::GatewayClient& client, std::uint16_t address,
                                   std::uint16_t count) {
    auto reply = client.call(read_request(4, address, count));
    REQUIRE(reply.ok());
    REQUIRE(reply->has_registers());
    return values_of(*reply);
}

// Two TriStars, each on its own TCP address, and a gateway serving both.
struct TwoTcpDevices {
    TempDir east_dir;
    TempDir west_dir;
    Sim east{east_dir, sim_with_serial("EAST0001")};
    Sim west{west_dir, sim_with_serial("WEST0002")};
    Reference east_reference = read_reference(east.uri());
    Reference west_reference = read_reference(west.uri());
    TempDir dir;
    Gatewayd gateway{dir, "", two_tcp_devices(east.uri(), west.uri())};
    zmq::context_t context;
};

}  // namespace

TEST_CASE_FIXTURE(TwoTcpDevices,
                  "each request reaches the device it names, values as read direct") {
    client::Options options{gateway.endpoint(), "devices-test"};
    options.device = "east";
    client::GatewayClient to_east(context, options);
    options.device = "west";
    client::GatewayClient to_west(context, options);
    client::GatewayClient unnamed(context, {gateway.endpoint(), "devices-test"});

    CHECK(read_of(to_east, serial_address, span_words) ==
          east_reference.slice(serial_address, span_words));
    CHECK(read_of(to_west, serial_address, span_words) ==
          west_reference.slice(serial_address, span_words));
    CHECK(east_reference.slice(serial_address, span_words) !=
          west_reference.slice(serial_address, span_words));
    for (const auto& block : reference_blocks()) {
        const auto first = static_cast<std::uint16_t>(block.first);
        const auto count = static_cast<std::uint16_t>(std::min(block.last - block.first + 1, 125));
        CHECK(read_of(to_east, first, count) == east_reference.slice(first, count));
        CHECK(read_of(to_west, first, count) == west_reference.slice(first, count));
    }
    // No name: the first device, as a client written for one device expects.
    CHECK(read_of(unnamed, serial_address, span_words) ==
          east_reference.slice(serial_address, span_words));

    auto status = unnamed.status();
    REQUIRE(status.ok());
    REQUIRE(status->devices_size() == 2);
    CHECK(status->devices(0).name() == "east");
    CHECK(status->devices(1).name() == "west");
    CHECK(status->devices(0).device() == east.uri());
    CHECK(status->devices(1).link() == west.uri());
    REQUIRE(status->links_size() == 2);
    CHECK(status->links(0).devices_size() == 1);
    CHECK(status->devices(0).counters().transactions() > 0);
    CHECK(status->devices(1).counters().transactions() > 0);
    CHECK(status->counters().transactions() == status->devices(0).counters().transactions() +
                                                   status->devices(1).counters().transactions());
    CHECK(status->device() == status->devices(0).device());

    CHECK(east.final_stat("overlaps") == 0);
    CHECK(west.final_stat("overlaps") == 0);
}

TEST_CASE_FIXTURE(TwoTcpDevices, "a device the gateway does not have is refused, with the names") {
    client::Options options{gateway.endpoint(), "devices-test"};
    options.device = "north";
    client::GatewayClient client(context, options);
    auto reply = client.call(read_request(4, live_address, span_words));
    REQUIRE(reply.ok());
    REQUIRE(reply->has_error());
    CHECK(reply->error().code() == v1::INVALID_REQUEST);
    CHECK(reply->error().message().find("east, west") != std::string::npos);
}

TEST_CASE_FIXTURE(TwoTcpDevices, "a unit id of no configured device is sent as asked") {
    // The simulator answers another unit id on TCP with exception 0x0B (gateway target failed);
    // what matters here is that the read went through east's queues, not a device of its own.
    client::GatewayClient client(context, {gateway.endpoint(), "devices-test"});
    auto request = read_request(4, serial_address, span_words);
    request.set_unit(7);
    auto reply = client.call(request);
    REQUIRE(reply.ok());
    auto status = client.status();
    REQUIRE(status.ok());
    CHECK(status->devices(0).counters().requests() == 1);
    CHECK(status->devices(1).counters().requests() == 0);
}

}  // namespace tristar::test
