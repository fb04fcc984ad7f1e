// Many clients at once through the gateway, over TCP and over RTU on a pty pair: every reply
// equals what the simulator serves, and the simulator never sees two requests at once.
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "tests/integration/reference.h"
#include "tests/integration/stack_fixtures.h"
#include "tests/support/stack.h"

namespace tristar::test {
namespace {

constexpr int client_count = 8;
constexpr int reads_per_client = 200;

struct Tally {
    std::atomic<int> ok{0};
    std::atomic<int> wrong{0};
    std::atomic<int> failed{0};
    std::string first_problem;
    std::mutex mutex;

    void problem(const std::string& text) {
        std::lock_guard lock(mutex);
        if (first_problem.empty()) first_problem = text;
    }
};

struct Range {
    int function;
    std::uint16_t address;
    std::uint16_t count;
};

Range random_range(std::mt19937& rng) {
    const auto& blocks = reference_blocks();
    const auto& block =
        blocks[std::uniform_int_distribution<std::size_t>(0, blocks.size() - 1)(rng)];
    const auto start = std::uniform_int_distribution<int>(block.first, block.last)(rng);
    const int room = std::min(125, block.last - start + 1);
    const auto count = std::uniform_int_distribution<int>(1, room)(rng);
    const int function = std::uniform_int_distribution<int>(0, 1)(rng) == 0 ? 3 : 4;
    return {function, static_cast<std::uint16_t>(start), static_cast<std::uint16_t>(count)};
}

void check(const Reference& reference, const Range& range, const std::vector<std::uint16_t>& got,
           Tally& tally) {
    const auto want = reference.slice(range.address, range.count);
    if (got == want) {
        ++tally.ok;
        return;
    }
    ++tally.wrong;
    tally.problem("wrong values for " + std::to_string(range.address) + "+" +
                  std::to_string(range.count));
}

// A DEALER client keeping up to four requests in flight.
void dealer_client(const std::string& endpoint, const Reference& reference, unsigned seed,
                   Tally& tally) {
    zmq::context_t context;
    client::GatewayClient client(context, {endpoint, "dealer-" + std::to_string(seed)});
    std::mt19937 rng(seed);
    std::map<std::uint64_t, Range> in_flight;
    int sent = 0;
    while (sent < reads_per_client || !in_flight.empty()) {
        while (sent < reads_per_client && in_flight.size() < 4) {
            const auto range = random_range(rng);
            in_flight[client.send(read_request(range.function, range.address, range.count))] =
                range;
            ++sent;
        }
        auto reply = client.receive(std::chrono::seconds{20});
        if (!reply) {
            tally.failed += static_cast<int>(in_flight.size());
            tally.problem("dealer: no reply within 20 s");
            return;
        }
        const auto it = in_flight.find(reply->id());
        if (it == in_flight.end()) continue;
        if (reply->has_registers())
            check(reference, it->second, values_of(*reply), tally);
        else {
            ++tally.failed;
            tally.problem("dealer: " + reply->error().message());
        }
        in_flight.erase(it);
    }
}

// A REQ client: strict send/receive, the envelope's empty delimiter must come back.
void req_client(const std::string& endpoint, const Reference& reference, unsigned seed,
                Tally& tally) {
    zmq::context_t context;
    zmq::socket_t socket(context, zmq::socket_type::req);
    socket.set(zmq::sockopt::linger, 0);
    socket.set(zmq::sockopt::rcvtimeo, 20000);
    socket.connect(endpoint);
    std::mt19937 rng(seed);
    for (int i = 0; i < reads_per_client; ++i) {
        const auto range = random_range(rng);
        auto request = read_request(range.function, range.address, range.count);
        request.set_id(static_cast<std::uint64_t>(i + 1));
        request.set_client_name("req-" + std::to_string(seed));
        socket.send(zmq::buffer(request.SerializeAsString()), zmq::send_flags::none);
        zmq::message_t message;
        gateway::v1::Reply reply;
        if (!socket.recv(message) ||
            !reply.ParseFromArray(message.data(), static_cast<int>(message.size()))) {
            ++tally.failed;
            tally.problem("req: no reply");
            return;
        }
        if (reply.id() != request.id()) tally.problem("req: reply id mismatch");
        if (reply.has_registers())
            check(reference, range, values_of(reply), tally);
        else {
            ++tally.failed;
            tally.problem("req: " + reply.error().message());
        }
    }
}

void run_clients(const Sim& sim, const Gatewayd& gateway, const Reference& reference) {
    Tally tally;
    std::vector<std::jthread> clients;
    for (int i = 0; i < client_count; ++i) {
        const auto seed = static_cast<unsigned>(100 + i);
        if (i % 2 == 0)
            clients.emplace_back(
                [&, seed] { dealer_client(gateway.endpoint(), reference, seed, tally); });
        else
            clients.emplace_back(
                [&, seed] { req_client(gateway.endpoint(), reference, seed, tally); });
    }
    clients.clear();  // joins
    INFO("first problem: " << tally.first_problem);
    CHECK(tally.ok == client_count * reads_per_client);
    CHECK(tally.wrong == 0);
    CHECK(tally.failed == 0);
    (void)sim;
}

}  // namespace

TEST_CASE_FIXTURE(
    ReferencedSimGateway<>,
    "8 mixed DEALER and REQ clients over TCP get exactly the simulator's values, no overlap") {
    run_clients(sim, gateway, reference);
    CHECK(sim.final_stat("overlaps") == 0);
}

TEST_CASE("8 mixed clients over RTU on a pty pair get exactly the simulator's values, no overlap") {
    TempDir dir;
    Sim sim(dir, {.rtu = true, .frozen = true, .extra = {}});
    const auto reference = read_reference(sim.uri());
    Gatewayd gateway(dir, sim.uri());
    run_clients(sim, gateway, reference);
    CHECK(sim.final_stat("overlaps") == 0);
}

}  // namespace tristar::test
