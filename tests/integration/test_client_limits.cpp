// Clients that take more than their share, beside good ones: a script keeping its interactive
// lane full (the bridge's and the publisher's lower lanes are still served), a client that
// queues a write and disconnects (the write is never executed), and a flood of idle
// connections under a low open-files limit (the gateway neither spins nor locks clients out).
// The gateway runs its default configuration; each case prints its figures.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/integration/reference.h"
#include "tests/support/stack.h"
#include "tests/support/wait.h"

namespace tristar::test {
namespace {

using namespace std::chrono_literals;

client::Options options(const std::string& endpoint, const std::string& name,
                        v1::Priority priority = v1::PRIORITY_INTERACTIVE) {
    client::Options o;
    o.endpoint = endpoint;
    o.client_name = name;
    o.priority = priority;
    return o;
}

std::int64_t ms_since(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

// Reads 0x18 x4 `reads` times at `priority`, `pause` apart; counts right answers and times them.
struct Reader {
    int right = 0;
    std::vector<std::int64_t> round_trips_ms;
    std::string first_failure;

    void run(const std::string& endpoint, const std::string& name, v1::Priority priority, int reads,
             std::chrono::milliseconds pause, const std::vector<std::uint16_t>& expected) {
        zmq::context_t context;
        client::GatewayClient client(context, options(endpoint, name, priority));
        for (int i = 0; i < reads; ++i) {
            const auto start = Clock::now();
            const auto answer = client.read_registers(4, 0x18, 4);
            round_trips_ms.push_back(ms_since(start));
            if (answer && answer->values == expected)
                ++right;
            else if (first_failure.empty())
                first_failure = answer ? "wrong values" : answer.failure().describe();
            std::this_thread::sleep_for(pause);
        }
    }
    std::int64_t worst_ms() const {
        return round_trips_ms.empty()
                   ? -1
                   : *std::max_element(round_trips_ms.begin(), round_trips_ms.end());
    }
};

// Keeps `depth` fresh interactive reads queued until stopped, each of its own undocumented
// register (never widened, never merged with another), refilling as replies come.
void flood_interactive(const std::string& endpoint, int depth, const std::atomic<bool>& stop,
                       std::atomic<int>& answered) {
    zmq::context_t context;
    client::GatewayClient script(context, options(endpoint, "script"));
    std::uint32_t next = 0;
    auto send_one = [&] {
        auto request = read_request(4, 0x0200 + (next++ % 64), 1);
        request.set_priority(v1::PRIORITY_INTERACTIVE);
        script.send(request);
    };
    for (int i = 0; i < depth; ++i) send_one();
    while (!stop) {
        if (!script.receive(100ms)) continue;
        ++answered;
        send_one();
    }
}

v1::Counters counters(const std::string& endpoint) {
    zmq::context_t context;
    client::GatewayClient judge(context, options(endpoint, "judge"));
    const auto status = judge.status();
    REQUIRE(status.ok());
    return status->counters();
}

v1::Status status_of(const std::string& endpoint) {
    zmq::context_t context;
    client::GatewayClient judge(context, options(endpoint, "judge"));
    const auto status = judge.status();
    REQUIRE(status.ok());
    return *status;
}

}  // namespace

TEST_CASE(
    "a client keeping its interactive lane full does not starve the poll and background lanes") {
    TempDir dir;
    Sim sim(dir, {.extra = {"--delay-ms", "20"}});  // a TriStar-like 20 ms a transaction
    const auto reference = read_reference(sim.uri());
    Gatewayd gateway(dir, sim.uri());
    std::atomic<bool> stop{false};
    std::atomic<int> script_answered{0};
    std::jthread script([&] { flood_interactive(gateway.endpoint(), 32, stop, script_answered); });
    REQUIRE(wait_until([&] { return script_answered > 40; }, 20s));  // the lane is full

    Reader bridge_like;
    Reader publisher_like;
    const auto expected = reference.slice(0x18, 4);
    {
        std::jthread bridge([&] {
            bridge_like.run(gateway.endpoint(), "tristar-bridge", v1::PRIORITY_BACKGROUND, 8, 500ms,
                            expected);
        });
        std::jthread publisher([&] {
            publisher_like.run(gateway.endpoint(), "tristar-publisher", v1::PRIORITY_POLL, 8, 500ms,
                               expected);
        });
    }
    const auto during = script_answered.load();
    stop = true;
    script.join();
    const auto figures = counters(gateway.endpoint());
    std::printf(
        "[starvation] background: %d/8 right, slowest %lld ms; poll: %d/8 right, slowest %lld ms; "
        "script answered %d; fair-share reads %llu\n",
        bridge_like.right, static_cast<long long>(bridge_like.worst_ms()), publisher_like.right,
        static_cast<long long>(publisher_like.worst_ms()), during,
        static_cast<unsigned long long>(figures.fair_share_reads()));
    CHECK_MESSAGE(bridge_like.right == 8, bridge_like.first_failure);
    CHECK_MESSAGE(publisher_like.right == 8, publisher_like.first_failure);
    CHECK(figures.fair_share_reads() > 0);
    CHECK(sim.final_stat("overlaps") == 0);
}

TEST_CASE("a write queued by a client that then disconnects is never executed") {
    TempDir dir;
    // Reads of 0x18 are swallowed: the first try keeps the link busy for the response timeout.
    Sim sim(dir, {.extra = {"--swallow-reads", "0x18"}});
    Gatewayd gateway(dir, sim.uri());
    zmq::context_t context;
    client::GatewayClient reader(context, options(gateway.endpoint(), "reader"));
    const auto read_id = reader.send(read_request(4, 0x18, 1));
    // Admitted (and so on the wire: the link was idle) once status counts it with itself.
    REQUIRE(wait_until([&] { return counters(gateway.endpoint()).requests() >= 2; }, 5s));
    {
        client::GatewayClient writer(context, options(gateway.endpoint(), "tristar-ctl"));
        v1::Request write;
        write.mutable_write_coil()->set_address(2);  // charge disconnect: allowed for tristar-ctl
        write.mutable_write_coil()->set_value(true);
        writer.send(write);
        REQUIRE(wait_until([&] { return status_of(gateway.endpoint()).queued() >= 1; }, 2s));
    }  // the writer's socket closes (linger 0) while its write waits behind the read
    REQUIRE(wait_until([&] { return counters(gateway.endpoint()).departed_requests() == 1; }, 3s));
    // The read's tries end (it is swallowed every time); the link is free for anything queued.
    std::optional<v1::Reply> read_reply;
    REQUIRE(wait_until([&] { return (read_reply = reader.receive(100ms)).has_value(); }, 15s));
    CHECK(read_reply->id() == read_id);
    const auto status = status_of(gateway.endpoint());
    std::printf("[departed] departed requests %llu, writes sent %llu, queued %u\n",
                static_cast<unsigned long long>(status.counters().departed_requests()),
                static_cast<unsigned long long>(status.counters().writes()), status.queued());
    CHECK(status.counters().writes() == 0);
    CHECK(sim.final_stat("writes") == 0);
}

TEST_CASE("a flood of refused writes costs the log a line, not thousands") {
    TempDir dir;
    Sim sim(dir);
    Gatewayd gateway(dir, sim.uri(), "[log]\nlevel = \"info\"\n");
    zmq::context_t context;
    client::GatewayClient flood(context, options(gateway.endpoint(), "flood"));
    int denied = 0;
    for (int i = 0; i < 2000; ++i) {
        const auto result = flood.write_coil(3, true);  // no rule allows coil 3
        if (!result.ok() && result.failure().code == v1::WRITE_DENIED) ++denied;
    }
    CHECK(denied == 2000);
    CHECK(counters(gateway.endpoint()).refused_writes() == 2000);
    std::ifstream log(dir.file("gatewayd.log"));
    int lines = 0;
    for (std::string line; std::getline(log, line);)
        lines += line.find("WRITE_DENIED") != std::string::npos ? 1 : 0;
    std::printf("[log flood] 2000 refused writes, %d log lines\n", lines);
    CHECK(lines == 1);
}

// ------------------------------------------------------------------------------ fd flood

int open_files(pid_t pid) {
    const std::filesystem::path dir = "/proc/" + std::to_string(pid) + "/fd";
    return static_cast<int>(std::distance(std::filesystem::directory_iterator(dir),
                                          std::filesystem::directory_iterator{}));
}

// User + system CPU time of a process, in clock ticks.
long cpu_ticks(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    std::istringstream fields(text.substr(text.rfind(')') + 2));
    std::string skip;
    for (int i = 0; i < 11; ++i) fields >> skip;  // state .. cmajflt
    long utime = 0;
    long stime = 0;
    fields >> utime >> stime;
    return utime + stime;
}

std::uint16_t port_of(const std::string& endpoint) {
    return static_cast<std::uint16_t>(std::stoi(endpoint.substr(endpoint.rfind(':') + 1)));
}

// A TCP connection that never says anything.
int idle_connection(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// The soft open-files limit of processes started while it lives (the test keeps its own high).
class SoftFdLimit {
  public:
    explicit SoftFdLimit(rlim_t soft) {
        REQUIRE(::getrlimit(RLIMIT_NOFILE, &saved_) == 0);
        rlimit lower = saved_;
        lower.rlim_cur = std::min<rlim_t>(soft, saved_.rlim_max);
        REQUIRE(::setrlimit(RLIMIT_NOFILE, &lower) == 0);
    }
    ~SoftFdLimit() { ::setrlimit(RLIMIT_NOFILE, &saved_); }

  private:
    rlimit saved_{};
};

TEST_CASE(
    "a flood of idle connections under a low open-files limit neither spins the gateway nor locks "
    "clients out") {
    rlimit own{};
    REQUIRE(::getrlimit(RLIMIT_NOFILE, &own) == 0);
    if (own.rlim_max < 2048) {
        MESSAGE("hard open-files limit " << own.rlim_max << ": too low to flood 600 connections");
        return;
    }
    own.rlim_cur = own.rlim_max;  // the flood's own sockets
    REQUIRE(::setrlimit(RLIMIT_NOFILE, &own) == 0);
    TempDir dir;
    Sim sim(dir);
    const auto reference = read_reference(sim.uri());
    std::optional<Gatewayd> gateway;
    {
        SoftFdLimit low(256);  // what the gateway inherits: a service manager's soft limit
        gateway.emplace(dir, sim.uri());
    }
    const auto endpoint = gateway->endpoint();
    const pid_t pid = gateway->process().pid();
    std::vector<int> flood;
    for (int i = 0; i < 600; ++i) {
        const int fd = idle_connection(port_of(endpoint));
        if (fd >= 0) flood.push_back(fd);
    }
    // Held idle: measure the gateway's CPU over two seconds and what it keeps open.
    const long ticks_before = cpu_ticks(pid);
    std::this_thread::sleep_for(2s);
    const double cpu = static_cast<double>(cpu_ticks(pid) - ticks_before) /
                       static_cast<double>(::sysconf(_SC_CLK_TCK)) / 2.0;
    const int fds = open_files(pid);
    // A client arriving after the flood is served, fresh reads reaching the device.
    Reader late;
    late.run(endpoint, "late", v1::PRIORITY_INTERACTIVE, 5, 0ms, reference.slice(0x18, 4));
    const auto status = status_of(endpoint);
    std::printf(
        "[fd flood] %zu idle connections opened; gateway cpu %.0f %%, %d fds open, %u connections "
        "(max %u), %llu evicted; late client %d/5 right, slowest %lld ms\n",
        flood.size(), cpu * 100, fds, status.connections(), status.max_connections(),
        static_cast<unsigned long long>(status.counters().evicted_connections()), late.right,
        static_cast<long long>(late.worst_ms()));
    for (const int fd : flood) ::close(fd);
    CHECK(flood.size() == 600);
    CHECK(cpu < 0.5);
    CHECK_MESSAGE(late.right == 5, late.first_failure);
    CHECK(status.max_connections() == 256);
    CHECK(status.connections() <= status.max_connections());
    CHECK(fds < 256 + 64);
    CHECK(status.counters().evicted_connections() >= 600 - 256);
    gateway.reset();
    CHECK(sim.final_stat("overlaps") == 0);
}

}  // namespace tristar::test
