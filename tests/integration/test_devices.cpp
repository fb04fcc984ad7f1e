// Several devices behind one gateway ([[devices]]): each request reaches the device it names,
// every value equals a direct read of that device, status lists every device and link, and a
// config of one device (and a client that names none) works as before.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/integration/reference.h"
#include "tests/support/process.h"
#include "tests/support/pty_pair.h"
#include "tests/support/stack.h"
#include "tests/support/wait.h"

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

// Four TriStars in one simulator: east and west on their own TCP ports, r1 and r2 as units 1 and
// 2 on one RTU line (a pty pair), and a gateway with all four. What the simulator serves is read
// directly first, one master at a time on the line, before the gateway opens it.
struct FourDevices {
    TempDir dir;
    PtyPair pty;
    std::string stats_file = dir.file("sim-stats.json");
    std::string control = dir.file("sim-control");
    std::unique_ptr<Process> sim;
    std::string east_uri;
    std::string west_uri;
    std::map<std::string, Reference> references;
    std::unique_ptr<Gatewayd> gateway;
    zmq::context_t context;

    FourDevices() {
        const auto config = dir.file("sim.toml");
        const auto device = [](const std::string& name, const std::string& where,
                               const std::string& serial) {
            return "[[device]]\nname = \"" + name + "\"\n" + where +
                   "\nfrozen = true\nserial = \"" + serial + "\"\n";
        };
        const auto on_line = "rtu = \"" + pty.first + "\"\nunit = ";
        write_file(config, device("east", "tcp = \"127.0.0.1:0\"", "EAST0001") +
                               device("west", "tcp = \"127.0.0.1:0\"", "WEST0002") +
                               device("r1", on_line + "1", "LINE0001") +
                               device("r2", on_line + "2", "LINE0002"));
        sim = std::make_unique<Process>(
            std::vector<std::string>{executable("tristar-sim"), "--config", config, "--stats",
                                     stats_file, "--control", control},
            dir.file("sim.log"));
        east_uri = endpoint_of(sim->read_line(10s));
        west_uri = endpoint_of(sim->read_line(10s));
        REQUIRE(sim->read_line(10s));  // the RTU line
        const auto line = "rtu://" + pty.second;
        references = {{"east", read_reference(east_uri)},
                      {"west", read_reference(west_uri)},
                      {"r1", read_reference(line, 1)},
                      {"r2", read_reference(line, 2)}};
        const auto entry = [](const std::string& name, const std::string& uri, int unit) {
            return "[[devices]]\nname = \"" + name + "\"\nuri = \"" + uri +
                   "\"\nunit = " + std::to_string(unit) + "\n";
        };
        gateway = std::make_unique<Gatewayd>(dir, "",
                                             Gatewayd::test_config() + entry("east", east_uri, 1) +
                                                 entry("west", west_uri, 1) + entry("r1", line, 1) +
                                                 entry("r2", line, 2));
    }
    ~FourDevices() {
        gateway.reset();
        if (sim) CHECK(sim->stop() == 0);
    }

    static std::string endpoint_of(const std::optional<std::string>& line) {
        REQUIRE(line);
        return line->substr(0, line->find(' '));
    }
    client::GatewayClient client_of(const std::string& device) {
        client::Options options{gateway->endpoint(), "devices-" + device};
        options.device = device;
        return client::GatewayClient(context, options);
    }
    nlohmann::json stats() const {
        std::ifstream in(stats_file);
        return nlohmann::json::parse(in, nullptr, false);
    }
    void command(const std::string& text) const { std::ofstream(control) << text << '\n'; }
};

// The time of each read of a series, and how many failed.
struct Timings {
    std::vector<double> us;
    int failures = 0;
    double percentile(double p) const {
        auto sorted = us;
        std::sort(sorted.begin(), sorted.end());
        if (sorted.empty()) return 0;
        const auto rank =
            static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size())));
        return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
    }
};

// `count` reads of the live span by `client`, one after the other.
Timings timed_reads(client::GatewayClient& client, int count) {
    Timings timings;
    for (int i = 0; i < count; ++i) {
        const auto start = Clock::now();
        auto reply = client.call(read_request(4, live_address, span_words));
        timings.us.push_back(
            std::chrono::duration<double, std::micro>(Clock::now() - start).count());
        if (!reply.ok() || reply->has_error()) ++timings.failures;
    }
    return timings;
}

// Reads a device in a loop on a thread of its own until destroyed, counting answers and failures.
struct Reader {
    std::atomic<bool> stop{false};
    std::atomic<int> ok{0};
    std::atomic<int> failed{0};
    client::GatewayClient client;
    std::thread thread;
    Reader(FourDevices& f, const std::string& device) : client(f.client_of(device)) {
        thread = std::thread([this] {
            for (int i = 0; i < 100000 && !stop; ++i) {
                auto reply = client.call(read_request(4, live_address, span_words));
                (reply.ok() && !reply->has_error() ? ok : failed)++;
            }
        });
    }
    ~Reader() {
        stop = true;
        thread.join();
    }
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

TEST_CASE_FIXTURE(FourDevices,
                  "four devices, two links of their own and one shared: every value "
                  "its own device's, never two transactions on one wire") {
    std::vector<std::thread> clients;
    std::atomic<int> mismatches{0};
    for (const auto& entry : references) {
        clients.emplace_back([this, &mismatches, &entry] {
            auto client = client_of(entry.first);
            for (int i = 0; i < 60; ++i) {
                for (const auto address : {serial_address, live_address}) {
                    auto reply = client.call(read_request(4, address, span_words));
                    if (!reply.ok() || !reply->has_registers() ||
                        values_of(*reply) != entry.second.slice(address, span_words))
                        ++mismatches;
                }
            }
        });
    }
    for (auto& t : clients) t.join();
    CHECK(mismatches == 0);
    CHECK(references.at("r1").slice(serial_address, span_words) !=
          references.at("r2").slice(serial_address, span_words));
    auto status = client_of("r1").status();
    REQUIRE(status.ok());
    CHECK(status->devices_size() == 4);
    REQUIRE(status->links_size() == 3);
    CHECK(status->links(2).devices_size() == 2);
    gateway.reset();
    CHECK(sim->stop() == 0);
    const auto final_stats = stats();
    REQUIRE(final_stats.is_object());
    for (const auto& item : final_stats["lines"].items()) {
        const std::string line = item.key();
        CAPTURE(line);
        CHECK(item.value()["overlaps"] == 0);
        CHECK(item.value()["transactions"] > 0);
    }
    sim.reset();
}

TEST_CASE_FIXTURE(FourDevices,
                  "a unit of the shared line that stops answering fails fast; the "
                  "other unit keeps its latency; it comes back by itself") {
    auto r1 = client_of("r1");
    auto r2 = client_of("r2");
    constexpr int samples = 600;
    Timings baseline;
    {
        Reader other(*this, "r2");  // the other unit of the line at work as well
        baseline = timed_reads(r1, samples);
        CHECK(other.ok > 0);
        CHECK(other.failed == 0);
    }
    CHECK(baseline.failures == 0);

    command("silence r2");
    // Its first read waits for the response timeout; then its unit breaker is open.
    CHECK(wait_until(
        [&] {
            (void)r2.call(read_request(4, live_address, span_words));
            auto status = r1.status();
            return status.ok() && status->devices(3).state() == "backoff";
        },
        10s));
    Timings dead;
    Timings dead_unit;
    {
        Reader other(*this, "r2");
        dead = timed_reads(r1, samples);
        dead_unit = timed_reads(r2, 50);
    }
    const auto p99_baseline = baseline.percentile(0.99);
    const auto p99_dead = dead.percentile(0.99);
    MESSAGE("r1 reads p50/p99: " << baseline.percentile(0.5) << "/" << p99_baseline
                                 << " us on a healthy line, " << dead.percentile(0.5) << "/"
                                 << p99_dead << " us with r2 silent (p99 "
                                 << p99_dead / p99_baseline << "x); r2's own reads p50 "
                                 << dead_unit.percentile(0.5) << " us");
    CHECK(dead.failures == 0);
    CHECK(p99_dead <= 1.5 * p99_baseline);
    CHECK(dead_unit.failures >= 49);            // a probe may be among them, and fail too
    CHECK(dead_unit.percentile(0.5) < 50'000);  // fast: not a response timeout each

    command("revive r2");
    CHECK(wait_until(
        [&] {
            auto reply = r2.call(read_request(4, serial_address, span_words));
            return reply.ok() && reply->has_registers();
        },
        40s));
    auto status = r1.status();
    REQUIRE(status.ok());
    CHECK(status->devices(3).state() == "connected");
    gateway.reset();
    CHECK(sim->stop() == 0);
    CHECK(stats()["lines"]["rtu://" + pty.first]["overlaps"] == 0);
    sim.reset();
}

}  // namespace tristar::test
