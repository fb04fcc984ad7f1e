// Bad input never harms other clients: each malformed request gets INVALID_REQUEST (or is
// dropped when it cannot be parsed at all) while a well-behaved client keeps getting right answers.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "tests/integration/reference.h"
#include "tests/integration/stack_fixtures.h"
#include "tests/support/stack.h"
#include "tests/support/wait.h"

namespace tristar::test {
namespace {

// A raw DEALER socket so the test can send anything at all.
class RawClient {
  public:
    explicit RawClient(const std::string& endpoint) : socket_(context_, zmq::socket_type::dealer) {
        socket_.set(zmq::sockopt::linger, 0);
        socket_.connect(endpoint);
    }
    void send_bytes(const std::string& bytes) {
        socket_.send(zmq::buffer(bytes), zmq::send_flags::none);
    }
    std::optional<v1::Reply> receive(std::chrono::milliseconds timeout) {
        zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
        if (zmq::poll(&item, 1, timeout) == 0) return std::nullopt;
        zmq::message_t message;
        (void)socket_.recv(message);
        v1::Reply reply;
        if (!reply.ParseFromArray(message.data(), static_cast<int>(message.size())))
            return std::nullopt;
        return reply;
    }
    v1::Reply exchange(const v1::Request& request) {
        send_bytes(request.SerializeAsString());
        auto reply = receive(std::chrono::seconds{5});
        REQUIRE(reply.has_value());
        CHECK(reply->id() == request.id());
        return *reply;
    }

  private:
    zmq::context_t context_;
    zmq::socket_t socket_;
};

void check_invalid(RawClient& raw, v1::Request request, std::uint64_t id) {
    request.set_id(id);
    const auto reply = raw.exchange(request);
    REQUIRE(reply.has_error());
    CHECK(reply.error().code() == v1::INVALID_REQUEST);
    CHECK_FALSE(reply.error().message().empty());
}

// Reads 0x18 x4 until told to stop, counting right and wrong answers.
struct GoodClient {
    std::atomic<bool> stop{false};
    std::atomic<int> right{0};
    std::atomic<int> wrong{0};

    void run(const std::string& endpoint, const std::vector<std::uint16_t>& expected) {
        zmq::context_t context;
        client::GatewayClient client(context, {endpoint, "good"});
        while (!stop) {
            auto answer = client.read_registers(4, 0x18, 4);
            if (answer && answer->values == expected)
                ++right;
            else
                ++wrong;
        }
    }
};

}  // namespace

TEST_CASE_FIXTURE(ReferencedSimGateway<>,
                  "malformed requests are refused without disturbing a concurrent client") {
    GoodClient good;
    std::jthread good_thread([&] { good.run(gateway.endpoint(), reference.slice(0x18, 4)); });
    RawClient raw(gateway.endpoint());

    SUBCASE("the refusals") {
        raw.send_bytes(std::string("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 11));
        CHECK_FALSE(raw.receive(std::chrono::milliseconds{300}).has_value());  // dropped

        check_invalid(raw, read_request(4, 0, 126), 1);     // more than 125 registers
        check_invalid(raw, read_request(7, 0, 1), 2);       // unknown function code
        check_invalid(raw, read_request(3, 65530, 10), 3);  // range past 0xFFFF
        check_invalid(raw, read_request(3, 70000, 1), 4);   // address past 0xFFFF
        check_invalid(raw, read_request(4, 0, 0), 5);       // zero registers
        v1::Request bits;
        bits.mutable_read_bits()->set_function(1);
        bits.mutable_read_bits()->set_count(2001);
        check_invalid(raw, bits, 6);
        v1::Request many;
        for (int i = 0; i < 124; ++i) many.mutable_write_registers()->add_values(1);
        check_invalid(raw, many, 7);           // FC16 over 123 values
        check_invalid(raw, v1::Request{}, 8);  // no body
        v1::Request big_value;
        big_value.mutable_write_register()->set_value(70000);
        check_invalid(raw, big_value, 9);

        // A field this schema does not have (number 99, varint 1) appended to a valid read.
        auto unknown = read_request(4, 0x18, 1);
        unknown.set_id(10);
        raw.send_bytes(unknown.SerializeAsString() + std::string("\x98\x06\x01", 3));
        auto reply = raw.receive(std::chrono::seconds{5});
        REQUIRE(reply.has_value());
        CHECK(reply->error().code() == v1::INVALID_REQUEST);

        // A frame over the configured size limit (4096 bytes by default).
        auto padded = read_request(4, 0x18, 1);
        padded.set_id(11);
        padded.set_client_name(std::string(5000, 'x'));
        reply = raw.exchange(padded);
        CHECK(reply->error().code() == v1::INVALID_REQUEST);

        // And the same raw socket is still served normally afterwards.
        auto fine = read_request(4, 0x18, 4);
        fine.set_id(12);
        reply = raw.exchange(fine);
        REQUIRE(reply->has_registers());
        CHECK(values_of(*reply) == reference.slice(0x18, 4));
    }

    REQUIRE(wait_until([&] { return good.right > 20; }, std::chrono::seconds{10}));
    good.stop = true;
    good_thread.join();
    CHECK(good.wrong == 0);
    CHECK(sim.final_stat("overlaps") == 0);
}

}  // namespace tristar::test
