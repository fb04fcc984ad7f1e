// tristar-bridge's connections over a real socket pair: ADUs cut from a stream fed in pieces,
// answers in request order with their transaction ids, malformed headers close the stream
// (bridge/connection.h).
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <vector>

#include "gateway/bridge/connection.h"

using namespace tristar::bridge;
using tristar::UniqueFd;
namespace modbus = tristar::modbus;
using modbus::Bytes;

namespace {

// A connection on one end of a socket pair; the test plays the master on the other end.
struct Pair {
    int master = -1;
    Connection connection{UniqueFd{}, "test", 4};

    Pair() {
        int fds[2];
        REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds) == 0);
        master = fds[0];
        connection = Connection(UniqueFd(fds[1]), "test", 4);
    }
    ~Pair() { ::close(master); }

    void send(const Bytes& bytes) const {
        REQUIRE(::send(master, bytes.data(), bytes.size(), 0) ==
                static_cast<ssize_t>(bytes.size()));
    }
    Bytes received() const {
        Bytes out(1024);
        const auto n = ::recv(master, out.data(), out.size(), 0);
        out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
        return out;
    }
};

Bytes adu(std::uint16_t tid, std::uint8_t unit, const Bytes& pdu) {
    return modbus::encode_tcp_adu(tid, unit, pdu);
}

}  // namespace

TEST_CASE("connection: ADUs fed in pieces and back to back come out whole") {
    Pair pair;
    const Bytes one = adu(7, 1, {0x04, 0x00, 0x18, 0x00, 0x02});
    const Bytes two = adu(8, 2, {0x03, 0x00, 0x00, 0x00, 0x1E});
    pair.send(Bytes(one.begin(), one.begin() + 4));
    std::vector<modbus::TcpAdu> adus;
    CHECK(pair.connection.receive(adus));
    CHECK(adus.empty());
    Bytes rest(one.begin() + 4, one.end());
    rest.insert(rest.end(), two.begin(), two.end());
    pair.send(rest);
    CHECK(pair.connection.receive(adus));
    REQUIRE(adus.size() == 2);
    CHECK(adus[0].header.transaction_id == 7);
    CHECK(adus[0].pdu == Bytes{0x04, 0x00, 0x18, 0x00, 0x02});
    CHECK(adus[1].header.unit_id == 2);
}

TEST_CASE("connection: answers leave in request order with their transaction ids") {
    Pair pair;
    const auto a = pair.connection.expect({100, 0, 6, 1});
    const auto b = pair.connection.expect({200, 0, 6, 1});
    const auto c = pair.connection.expect({300, 0, 6, 2});
    CHECK(pair.connection.unanswered() == 3);
    pair.connection.answer(c, Bytes{0x84, 0x02});
    pair.connection.answer(b, Bytes{0x83, 0x0B});
    CHECK_FALSE(pair.connection.wants_write());  // the first is still missing
    pair.connection.answer(a, Bytes{0x04, 2, 0x09, 0x8D});
    CHECK(pair.connection.unanswered() == 0);
    REQUIRE(pair.connection.flush());
    Bytes expected = adu(100, 1, {0x04, 2, 0x09, 0x8D});
    for (const auto& next : {adu(200, 1, {0x83, 0x0B}), adu(300, 2, {0x84, 0x02})})
        expected.insert(expected.end(), next.begin(), next.end());
    CHECK(pair.received() == expected);
}

TEST_CASE("connection: a second answer to a slot is ignored") {
    Pair pair;
    const auto a = pair.connection.expect({1, 0, 6, 1});
    pair.connection.answer(a, Bytes{0x83, 0x0B});
    pair.connection.answer(a, Bytes{0x83, 0x06});
    REQUIRE(pair.connection.flush());
    CHECK(pair.received() == adu(1, 1, {0x83, 0x0B}));
}

TEST_CASE("connection: it stops reading while max_pending requests are unanswered") {
    Pair pair;
    for (std::uint16_t i = 0; i < 4; ++i) {
        CHECK(pair.connection.wants_read());
        pair.connection.expect({i, 0, 6, 1});
    }
    CHECK_FALSE(pair.connection.wants_read());
    pair.connection.answer(0, Bytes{0x83, 0x06});
    CHECK(pair.connection.wants_read());
}

TEST_CASE("connection: malformed headers close the stream") {
    const std::vector<Bytes> bad{
        {0x00, 0x01, 0x00, 0x01, 0x00, 0x06, 0x01, 0x04, 0x00, 0x18, 0x00, 0x01},  // protocol id 1
        {0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01},                                // length 0
        {0x00, 0x01, 0x00, 0x00, 0x01, 0x2C, 0x01},                                // length 300
    };
    for (const auto& bytes : bad) {
        Pair pair;
        pair.send(bytes);
        std::vector<modbus::TcpAdu> adus;
        CHECK_FALSE(pair.connection.receive(adus));
        CHECK(pair.connection.error().find("malformed") == 0);
        CHECK(adus.empty());
    }
}

TEST_CASE("connection: the peer closing is seen") {
    Pair pair;
    ::shutdown(pair.master, SHUT_WR);
    std::vector<modbus::TcpAdu> adus;
    CHECK_FALSE(pair.connection.receive(adus));
    CHECK(pair.connection.error() == "closed by the peer");
}

TEST_CASE("connection: the frame timer runs from a frame's first byte until it is complete") {
    using namespace std::chrono_literals;
    const Connection::Time t0{};
    Pair pair;
    const Bytes one = adu(7, 1, {0x04, 0x00, 0x18, 0x00, 0x02});
    std::vector<modbus::TcpAdu> adus;
    CHECK_FALSE(pair.connection.frame_started());
    pair.send(Bytes(one.begin(), one.begin() + 3));
    CHECK(pair.connection.receive(adus, t0 + 1s));
    CHECK(pair.connection.frame_started() == t0 + 1s);
    pair.send(Bytes(one.begin() + 3, one.begin() + 6));
    CHECK(pair.connection.receive(adus, t0 + 2s));
    CHECK(pair.connection.frame_started() == t0 + 1s);  // still the same frame
    CHECK(pair.connection.last_input() == t0 + 2s);
    // The rest of it and the start of the next: the timer restarts for the next one.
    Bytes rest(one.begin() + 6, one.end());
    rest.insert(rest.end(), one.begin(), one.begin() + 2);
    pair.send(rest);
    CHECK(pair.connection.receive(adus, t0 + 3s));
    CHECK(adus.size() == 1);
    CHECK(pair.connection.frame_started() == t0 + 3s);
    pair.send(Bytes(one.begin() + 2, one.end()));
    CHECK(pair.connection.receive(adus, t0 + 4s));
    CHECK(adus.size() == 2);
    CHECK(pair.connection.requests() == 2);
    CHECK_FALSE(pair.connection.frame_started());
}

TEST_CASE("connection: a peer that closed is seen gone without reading from it") {
    Pair pair;
    CHECK_FALSE(pair.connection.peer_gone());
    ::shutdown(pair.master, SHUT_WR);
    CHECK(pair.connection.peer_gone());
}
