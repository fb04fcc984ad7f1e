// What one client can make the gateway hold: its name (length, UTF-8, read before parsing), the
// table of clients seen (least recently seen forgotten first), the status reply's size, and the
// whole-message bound of the ROUTER.
#include <doctest/doctest.h>

#include "gateway/daemon/client_name.h"
#include "gateway/daemon/client_table.h"
#include "gateway/daemon/router_io.h"
#include "gateway/daemon/status.h"

namespace tristar::gateway {
namespace {

using namespace std::chrono_literals;

std::span<const std::uint8_t> bytes_of(const std::string& text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

}  // namespace

TEST_CASE("UTF-8: well-formed text passes") {
    CHECK(is_utf8(""));
    CHECK(is_utf8("tristar-ctl"));
    CHECK(is_utf8("K\xc3\xbche"));       // Kühe
    CHECK(is_utf8("\xe2\x82\xac"));      // euro sign
    CHECK(is_utf8("\xf0\x9f\x94\x8b"));  // U+1F50B
    CHECK(is_utf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF
}

TEST_CASE("UTF-8: stray, cut, overlong, surrogate and out-of-range sequences fail") {
    CHECK_FALSE(is_utf8("\xff"));
    CHECK_FALSE(is_utf8("\x80"));              // continuation without a lead
    CHECK_FALSE(is_utf8("a\xc3"));             // cut at the end
    CHECK_FALSE(is_utf8("\xc3\x28"));          // bad continuation
    CHECK_FALSE(is_utf8("\xc0\xaf"));          // overlong '/'
    CHECK_FALSE(is_utf8("\xe0\x80\xaf"));      // overlong, three bytes
    CHECK_FALSE(is_utf8("\xf0\x80\x80\xaf"));  // overlong, four bytes
    CHECK_FALSE(is_utf8("\xed\xa0\x80"));      // U+D800, a surrogate
    CHECK_FALSE(is_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
    CHECK_FALSE(is_utf8("\xf5\x80\x80\x80"));
}

TEST_CASE("client names: at most 64 bytes of UTF-8") {
    CHECK_FALSE(client_name_problem("tristar-publisher").has_value());
    CHECK_FALSE(client_name_problem(std::string(64, 'x')).has_value());
    const auto long_name = client_name_problem(std::string(65, 'x'));
    REQUIRE(long_name.has_value());
    CHECK(long_name->find("65 bytes") != std::string::npos);
    const auto bad = client_name_problem("bad \xff name");
    REQUIRE(bad.has_value());
    CHECK(bad->find("UTF-8") != std::string::npos);
}

TEST_CASE("the request head is read without parsing: id and name, last one wins") {
    v1::Request request;
    request.set_id(0x1234567890ULL);
    request.set_client_name("tristar-ctl");
    request.mutable_read_registers()->set_function(4);
    request.mutable_read_registers()->set_count(4);
    auto head = read_request_head(bytes_of(request.SerializeAsString()));
    REQUIRE(head.has_value());
    CHECK(head->id == 0x1234567890ULL);
    CHECK(head->client_name == "tristar-ctl");

    // A name that is not UTF-8 (protobuf would refuse to serialize it): appended by hand.
    const auto raw = request.SerializeAsString() + std::string("\x12\x03\xff\xfe\xfd", 5);
    head = read_request_head(bytes_of(raw));
    REQUIRE(head.has_value());
    CHECK(head->client_name == "\xff\xfe\xfd");
    CHECK(client_name_problem(head->client_name).has_value());
}

TEST_CASE("the request head: not protobuf at all is nothing") {
    CHECK_FALSE(read_request_head(
        bytes_of(std::string("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 11))));
    CHECK_FALSE(
        read_request_head(bytes_of(std::string("\x12\x10short", 7))));  // length past the end
    CHECK_FALSE(read_request_head(bytes_of(std::string("\x08", 1))));   // cut varint
    const auto empty = read_request_head({});
    REQUIRE(empty.has_value());
    CHECK(empty->id == 0);
}

TEST_CASE("the client table forgets the least recently seen, idle ones first") {
    ClientTable table(3);
    const auto t0 = Clock::time_point{} + 1h;
    const auto idle = [](const ClientId&) { return false; };
    table.note("a", "A", t0, idle);
    table.note("b", "B", t0 + 1s, idle);
    table.note("c", "C", t0 + 2s, idle);
    table.note("a", "A", t0 + 3s, idle);  // seen again: now the most recent
    table.note("d", "D", t0 + 4s, idle);
    CHECK(table.clients().size() == 3);
    CHECK_FALSE(table.clients().contains("b"));
    CHECK(table.clients().at("a").requests == 2);

    // "c" has queued work: "a", the oldest idle one, goes instead.
    const auto c_busy = [](const ClientId& id) { return id == "c"; };
    table.note("e", "E", t0 + 5s, c_busy);
    CHECK(table.clients().contains("c"));
    CHECK_FALSE(table.clients().contains("a"));

    // Everyone busy: the bound still holds, the least recently seen goes.
    const auto all_busy = [](const ClientId&) { return true; };
    table.note("f", "F", t0 + 6s, all_busy);
    CHECK(table.clients().size() == 3);
    CHECK_FALSE(table.clients().contains("c"));
}

// The parts a status is made of, with nothing in them but the clients.
struct StatusOf {
    StatusOf() {}  // not an aggregate: FailureLog's constructor is explicit
    Config config;
    LinkInfo link;
    Health health;
    TryCounts tries;
    FailureLog failures;
    const std::string last_error;

    v1::Status operator()(const std::unordered_map<ClientId, ClientInfo>& clients) {
        const DeviceView device{config.devices.front(),
                                "idle",
                                0,
                                health,
                                tries,
                                failures,
                                last_error,
                                0,
                                "tcp://:502"};
        const LinkView link_view{"tcp://:502", link, false, {"tristar"}, 0};
        return make_status({std::span(&device, 1), std::span(&link_view, 1), 1s, health,
                            [](const ClientId&) { return std::size_t{0}; }, clients});
    }
};

TEST_CASE("status lists the most recent clients within its bound and counts the rest") {
    std::unordered_map<ClientId, ClientInfo> clients;
    const auto t0 = Clock::time_point{} + 1h;
    for (int i = 0; i < 256; ++i)
        clients["id-" + std::to_string(i) + std::string(250, '#')] =
            ClientInfo{std::string(64, 'n'), 1, t0 + std::chrono::seconds{i}};
    const auto status = StatusOf{}(clients);
    CHECK(status.ByteSizeLong() <= max_status_bytes);
    CHECK(status.clients_size() > 0);
    CHECK(status.clients_size() + static_cast<int>(status.clients_omitted()) == 256);
    CHECK(status.clients(0).routing_id().starts_with("id-255#"));  // the most recent first
}

TEST_CASE("a few clients are all listed") {
    const auto status =
        StatusOf{}({{"x", {"tristar-ctl", 3, {}}}, {"y", {"tristar-publisher", 9, {}}}});
    CHECK(status.clients_size() == 2);
    CHECK(status.clients_omitted() == 0);
}

TEST_CASE("the message bound leaves room for the envelope; the reply queue for the bridge") {
    CHECK(message_limit(4096) >= 4096 + envelope_allowance_bytes);
    CHECK(message_limit(4096) < 16 * 1024);
    // ZeroMQ's writer sees reads every half queue: twice what may be unread.
    CHECK(reply_queue_messages(64) == 2 * (64 + 1024));
}

}  // namespace tristar::gateway
