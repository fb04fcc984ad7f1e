// Hostile and broken clients beside a good one: oversize messages, status amplification and a
// client with more requests in flight than it reads. The gateway's memory stays bounded, nothing
// vanishes silently (every drop is counted in status), and the good client keeps reading the
// simulator's values. Each case prints its figures: the gateway's peak and resident memory
// (VmHWM, VmRSS), its open fds, the good client's p99 round trip.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "tests/integration/reference.h"
#include "tests/support/stack.h"
#include "tests/support/wait.h"

namespace tristar::test {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t mib = 1024;  // /proc figures are in kB

// Under AddressSanitizer the figures are printed, not judged: its quarantine keeps freed memory.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool memory_judged = false;
#else
constexpr bool memory_judged = true;
#endif

struct Memory {
    std::int64_t peak_kb = 0;      // VmHWM
    std::int64_t resident_kb = 0;  // VmRSS
    std::int64_t fds = 0;
};

Memory memory_of(pid_t pid) {
    Memory m;
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);) {
        if (line.starts_with("VmHWM:")) m.peak_kb = std::stoll(line.substr(6));
        if (line.starts_with("VmRSS:")) m.resident_kb = std::stoll(line.substr(6));
    }
    const std::filesystem::path fd_dir = "/proc/" + std::to_string(pid) + "/fd";
    m.fds = std::distance(std::filesystem::directory_iterator(fd_dir),
                          std::filesystem::directory_iterator{});
    return m;
}

// Reads 0x18 x4 until stopped, counting right and wrong answers and timing each round trip.
struct GoodClient {
    std::atomic<bool> stop{false};
    std::atomic<int> right{0};
    std::atomic<int> wrong{0};
    std::vector<std::int64_t> round_trips_us;  // read after join

    void run(const std::string& endpoint, const std::vector<std::uint16_t>& expected) {
        zmq::context_t context;
        client::GatewayClient client(context, {endpoint, "good"});
        while (!stop) {
            const auto start = std::chrono::steady_clock::now();
            auto answer = client.read_registers(4, 0x18, 4);
            round_trips_us.push_back(std::chrono::duration_cast<std::chrono::microseconds>(
                                         std::chrono::steady_clock::now() - start)
                                         .count());
            if (answer && answer->values == expected)
                ++right;
            else
                ++wrong;
        }
    }
    std::int64_t p99_us() {
        if (round_trips_us.empty()) return -1;
        std::sort(round_trips_us.begin(), round_trips_us.end());
        return round_trips_us[round_trips_us.size() * 99 / 100];
    }
};

// The good client beside an attack: started with the stack, judged at the end.
class Scene {
  public:
    Scene() : reference_(read_reference(sim_.uri())), gateway_(dir_, sim_.uri()) {
        thread_ =
            std::jthread([this] { good_.run(gateway_.endpoint(), reference_.slice(0x18, 4)); });
        REQUIRE(wait_until([&] { return good_.right > 5; }, 10s));
        before_ = memory_of(gateway_.process().pid());
    }
    const std::string& endpoint() const { return gateway_.endpoint(); }
    const TempDir& dir() const { return dir_; }
    ~Scene() { good_.stop = true; }  // also when a REQUIRE left the case early
    Memory before() const { return before_; }
    Memory now() { return memory_of(gateway_.process().pid()); }
    v1::Counters counters() {
        auto status = judge_.status();
        REQUIRE(status.ok());
        return status->counters();
    }
    // Stops the good client after a few more right answers; prints and returns the figures.
    Memory finish(const char* name) {
        const int seen = good_.right;
        CHECK(wait_until([&] { return good_.right > seen + 5; }, 10s));
        good_.stop = true;
        thread_.join();
        const auto after = now();
        std::printf(
            "[%s] gateway VmHWM %lld -> %lld kB, VmRSS %lld -> %lld kB, fds %lld -> %lld; "
            "good client %d right, %d wrong, p99 %lld us\n",
            name, static_cast<long long>(before_.peak_kb), static_cast<long long>(after.peak_kb),
            static_cast<long long>(before_.resident_kb), static_cast<long long>(after.resident_kb),
            static_cast<long long>(before_.fds), static_cast<long long>(after.fds),
            good_.right.load(), good_.wrong.load(), static_cast<long long>(good_.p99_us()));
        CHECK(good_.wrong == 0);
        return after;
    }

  private:
    TempDir dir_;
    Sim sim_{dir_};
    Reference reference_;
    Gatewayd gateway_;
    GoodClient good_;
    std::jthread thread_;
    Memory before_;
    zmq::context_t judge_context_;
    client::GatewayClient judge_{judge_context_, {gateway_.endpoint(), "judge"}};
};

zmq::socket_t dealer(zmq::context_t& context, const std::string& endpoint,
                     const std::string& routing_id = {}) {
    zmq::socket_t socket(context, zmq::socket_type::dealer);
    socket.set(zmq::sockopt::linger, 0);
    if (!routing_id.empty()) socket.set(zmq::sockopt::routing_id, routing_id);
    socket.connect(endpoint);
    return socket;
}

std::optional<v1::Reply> receive(zmq::socket_t& socket, std::chrono::milliseconds timeout) {
    zmq::pollitem_t item{socket.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, timeout) == 0) return std::nullopt;
    std::vector<zmq::message_t> frames;
    for (bool more = true; more;) {
        zmq::message_t frame;
        (void)socket.recv(frame);
        more = frame.more();
        frames.push_back(std::move(frame));
    }
    v1::Reply reply;
    if (frames.empty() ||
        !reply.ParseFromArray(frames.back().data(), static_cast<int>(frames.back().size())))
        return std::nullopt;
    return reply;
}

// Sends `frames` frames of `frame_bytes` each (all pointing at one buffer: the attack costs its
// sender no memory) and then `payload` as the last frame.
void send_wide(zmq::socket_t& socket, const std::string& block, int frames,
               const std::string& payload) {
    for (int i = 0; i < frames; ++i) {
        zmq::message_t frame(const_cast<char*>(block.data()), block.size(), nullptr, nullptr);
        if (!socket.send(frame, zmq::send_flags::sndmore | zmq::send_flags::dontwait)) return;
    }
    (void)socket.send(zmq::buffer(payload), zmq::send_flags::dontwait);
}

std::string read_payload(std::uint64_t id, const std::string& name = "attacker") {
    auto request = read_request(4, 0x18, 4);
    request.set_id(id);
    request.set_client_name(name);
    return request.SerializeAsString();
}

}  // namespace

TEST_CASE("a message over the size bound is dropped unread, whatever its frames") {
    Scene scene;
    // The frames point into these (zero-copy): they outlive the context and its sockets.
    const std::string mebibyte(1 << 20, 'x');
    const std::string block(4096, 'e');
    const std::string routing(64, 'r');
    const std::string nothing;
    zmq::context_t context;
    {
        // One message of 100 frames of 1 MiB.
        auto attacker = dealer(context, scene.endpoint());
        send_wide(attacker, mebibyte, 100, read_payload(1));
        CHECK_FALSE(receive(attacker, 500ms).has_value());
    }
    // Each attacker stays connected until the gateway has dropped all it sent: the sockets do
    // not linger, and a slow gateway (a sanitizer build) may not have read 128 MiB in a second.
    const auto dropped_since = [&](std::uint64_t before, std::uint64_t count) {
        return wait_until([&] { return scene.counters().oversize_messages() >= before + count; },
                          60s);
    };
    {
        // 32 requests, each behind 1000 envelope frames of 4 KiB (4 MiB of envelope each).
        const auto before = scene.counters().oversize_messages();
        auto attacker = dealer(context, scene.endpoint());
        for (std::uint64_t id = 1; id <= 32; ++id)
            send_wide(attacker, block, 1000, read_payload(id));
        CHECK(dropped_since(before, 32));
        CHECK_FALSE(receive(attacker, 500ms).has_value());
    }
    // A message of many empty frames is bounded too (each frame costs its bookkeeping).
    {
        const auto before = scene.counters().oversize_messages();
        auto attacker = dealer(context, scene.endpoint());
        send_wide(attacker, nothing, 20000, read_payload(1));
        CHECK(dropped_since(before, 1));
        CHECK_FALSE(receive(attacker, 500ms).has_value());
    }
    // Within the bound, a request still gets its answer.
    {
        auto fine = dealer(context, scene.endpoint());
        send_wide(fine, routing, 4, read_payload(7));
        const auto reply = receive(fine, 5s);
        REQUIRE(reply.has_value());
        CHECK(reply->id() == 7);
        CHECK(reply->has_registers());
    }
    CHECK(wait_until([&] { return scene.counters().oversize_messages() >= 33; }, 10s));
    const auto after = scene.finish("oversize messages");
    if (memory_judged) CHECK(after.peak_kb - scene.before().peak_kb < 48 * mib);
    if (memory_judged) CHECK(after.resident_kb - scene.before().resident_kb < 32 * mib);
}

std::string padded_id(int i) {
    const auto id = std::to_string(i);
    return id + std::string(200 - id.size(), '#');
}

// One read from a new client; the reply.
v1::Reply read_as(zmq::context_t& context, const std::string& endpoint,
                  const std::string& routing_id, const std::string& name) {
    auto socket = dealer(context, endpoint, routing_id);
    socket.send(zmq::buffer(read_payload(1, name)), zmq::send_flags::none);
    auto reply = receive(socket, 5s);
    REQUIRE(reply.has_value());
    return *reply;
}

TEST_CASE("status stays small: client names and the client table are bounded") {
    Scene scene;
    zmq::context_t context;
    // 300 clients with 200-byte routing ids and 64-byte names, then 300 more with 4000-byte names.
    for (int i = 0; i < 300; ++i) {
        const auto reply = read_as(context, scene.endpoint(), padded_id(i),
                                   std::string(64, static_cast<char>('a' + i % 26)));
        CHECK(reply.has_registers());
    }
    int refused = 0;
    for (int i = 300; i < 600; ++i) {
        const auto reply = read_as(context, scene.endpoint(), padded_id(i), std::string(4000, 'n'));
        if (reply.has_error() && reply.error().code() == v1::INVALID_REQUEST) ++refused;
    }
    CHECK(refused == 300);
    // A name that is not UTF-8 is refused with INVALID_REQUEST, and logged by nobody.
    {
        auto socket = dealer(context, scene.endpoint());
        // Appended by hand (field 2, 11 bytes): protobuf would not serialize it.
        const auto bad_name = read_payload(3, "") + std::string(
                                                        "\x12\x0b"
                                                        "bad \xff\xfe name",
                                                        13);
        socket.send(zmq::buffer(bad_name), zmq::send_flags::none);
        const auto reply = receive(socket, 5s);
        CHECK(reply.has_value());
        if (reply) {
            CHECK(reply->id() == 3);
            CHECK(reply->error().code() == v1::INVALID_REQUEST);
        }
    }
    // The table keeps the 256 most recently seen clients; status lists the most recent first
    // within its bound and counts the rest.
    {
        zmq::context_t judge_context;
        client::GatewayClient judge(judge_context, {scene.endpoint(), "judge"});
        auto status = judge.status();
        REQUIRE(status.ok());
        std::printf("[status] %zu bytes, %d clients listed, %u omitted\n", status->ByteSizeLong(),
                    status->clients_size(), status->clients_omitted());
        CHECK(status->ByteSizeLong() <= 16 * 1024);
        CHECK(status->clients_size() + static_cast<int>(status->clients_omitted()) == 256);
        bool newest = false;
        for (const auto& c : status->clients()) {
            CHECK(c.client_name().size() <= 64);
            CHECK(c.routing_id() != padded_id(0));
            newest = newest || c.routing_id() == padded_id(299);
        }
        CHECK(newest);
    }
    // One peer asks for status 300 times and never reads (its own receive queue kept short).
    {
        zmq::socket_t flooder(context, zmq::socket_type::dealer);
        flooder.set(zmq::sockopt::linger, 0);
        flooder.set(zmq::sockopt::rcvhwm, 16);
        flooder.set(zmq::sockopt::rcvbuf, 4096);
        flooder.connect(scene.endpoint());
        v1::Request request;
        request.set_client_name("flooder");
        request.mutable_status();
        const auto requests = scene.counters().requests();
        for (std::uint64_t id = 1; id <= 300; ++id) {
            request.set_id(id);
            (void)flooder.send(zmq::buffer(request.SerializeAsString()), zmq::send_flags::dontwait);
        }
        CHECK(wait_until([&] { return scene.counters().requests() >= requests + 300; }, 20s));
        const auto held = scene.now();
        std::printf("[status flood] gateway VmRSS %lld kB while the flooder does not read\n",
                    static_cast<long long>(held.resident_kb));
        if (memory_judged) CHECK(held.resident_kb - scene.before().resident_kb < 48 * mib);
    }
    const auto after = scene.finish("status amplification");
    if (memory_judged) CHECK(after.peak_kb - scene.before().peak_kb < 64 * mib);
    std::ifstream log(scene.dir().file("gatewayd.log"));
    const std::string text{std::istreambuf_iterator<char>(log), {}};
    CHECK(text.find("libprotobuf ERROR") == std::string::npos);
}

TEST_CASE("replies never vanish: a client with many requests in flight gets each one, or a count") {
    Scene scene;
    zmq::context_t context;
    // Reads of the live block, answered from the cache the good client keeps warm: every reply
    // comes at once. The client keeps its own receive queue short, so unread replies wait in
    // the gateway.
    auto live_block = [](std::uint64_t id) {
        auto request = read_request(4, 0, 92);
        request.set_id(id);
        request.set_client_name("pipeliner");
        request.set_max_age_ms(600'000);
        return request.SerializeAsString();
    };
    auto pipeliner = [&] {
        zmq::socket_t socket(context, zmq::socket_type::dealer);
        socket.set(zmq::sockopt::linger, 0);
        socket.set(zmq::sockopt::rcvhwm, 16);  // before connecting: they shape the connection
        socket.set(zmq::sockopt::rcvbuf, 4096);
        socket.set(zmq::sockopt::sndhwm, 0);
        socket.connect(scene.endpoint());
        return socket;
    };
    const auto counters_before = scene.counters();
    // 1024 in flight (what the bridge may have: 64 connections x 16), then read: all answered.
    {
        auto client = pipeliner();
        for (std::uint64_t id = 1; id <= 1024; ++id)
            REQUIRE(client.send(zmq::buffer(live_block(id)), zmq::send_flags::none));
        REQUIRE(wait_until(
            [&] { return scene.counters().requests() >= counters_before.requests() + 1024; }, 60s));
        std::set<std::uint64_t> ids;
        int values = 0;
        while (ids.size() < 1024) {
            auto reply = receive(client, 2s);
            if (!reply) break;
            ids.insert(reply->id());
            if (reply->has_registers() && reply->registers().values_size() == 92) ++values;
        }
        std::printf("[1024 in flight] %zu replies (%d with the 92 values)\n", ids.size(), values);
        CHECK(ids.size() == 1024);
        CHECK(values == 1024);
    }
    // 20000 in flight before reading a thing: what does not arrive is counted.
    {
        constexpr std::uint64_t flood = 20000;
        auto client = pipeliner();
        const auto requests = scene.counters().requests();
        for (std::uint64_t id = 1; id <= flood; ++id)
            REQUIRE(client.send(zmq::buffer(live_block(id)), zmq::send_flags::none));
        // Generous: a Debug build under AddressSanitizer on a busy machine takes its time.
        REQUIRE(wait_until([&] { return scene.counters().requests() >= requests + flood; }, 120s));
        int received = 0;
        while (receive(client, 1s)) ++received;
        const auto counters = scene.counters();
        const auto dropped = counters.dropped_replies() - counters_before.dropped_replies();
        std::printf("[%llu in flight] %d replies, %llu counted as dropped\n",
                    static_cast<unsigned long long>(flood), received,
                    static_cast<unsigned long long>(dropped));
        CHECK(received + static_cast<int>(dropped) == static_cast<int>(flood));
        CHECK(received >= 1024);
    }
    scene.finish("replies in flight");
}

}  // namespace tristar::test
