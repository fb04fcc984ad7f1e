// Device outages end to end (design.md 3.2), the real executables: while the device resets
// (coil 0xFF written through the gateway) or is gone (its process stopped, then started again
// on the same port), reads fail fast with DEVICE_UNAVAILABLE instead of waiting for it, and the
// gateway finds the device again by itself soon after it is back. The simulator's overlap
// count stays at 0 and every daemon exits 0.
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gateway/client/client.h"
#include "tests/integration/reference.h"
#include "tests/support/stack.h"

namespace tristar::test {
namespace {

using namespace std::chrono_literals;

constexpr auto probe_period = 20ms;
// Failing fast means not waiting for the device: without an open circuit a failing read would
// take at least one recovery pause (500 ms by default) before its retry. The bound sits well
// below that and well above a loaded machine's scheduling noise (sanitizer builds on 2 cores).
constexpr auto fail_fast_bound = 100ms;
constexpr auto recovery_bound = 2s;

// backoff_max_ms = 1000 (the default is 30 s): the gateway tries to reconnect at least once a
// second, so it finds a returning device within the recovery bound.
constexpr const char* outage_config =
    "[device]\nresponse_timeout_ms = 500\nbackoff_max_ms = 1000\n\n[log]\nlevel = \"warn\"\n";

struct Probe {
    Clock::time_point sent;
    Clock::duration round_trip{};
    bool answered = false;                            // with registers
    v1::ErrorCode code = v1::ERROR_CODE_UNSPECIFIED;  // when not answered
    std::vector<std::uint16_t> values;
};

Probe probe(client::GatewayClient& client) {
    Probe p;
    p.sent = Clock::now();
    const auto result = client.read_registers(4, serial_address, span_words);
    p.round_trip = Clock::now() - p.sent;
    p.answered = result.ok();
    if (!p.answered) {
        p.code = result.failure().code;
        return p;
    }
    p.values = result->values;
    return p;
}

// Reads every 20 ms for `span`, or only until the first answered one when `until_answered`.
std::vector<Probe> probe_every_20ms(client::GatewayClient& client, Clock::duration span,
                                    bool until_answered) {
    std::vector<Probe> probes;
    const auto until = Clock::now() + span;
    for (auto next = Clock::now(); next < until; next += probe_period) {
        std::this_thread::sleep_until(next);
        probes.push_back(probe(client));
        if (until_answered && probes.back().answered) break;
    }
    return probes;
}

long long ms(Clock::duration d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

// The circuit is open: once a read has found the device away, every later failing read is
// DEVICE_UNAVAILABLE within the fail-fast bound. The first failure may take longer (it discovers
// the outage).
void check_fails_fast(const std::vector<Probe>& probes) {
    bool found_outage = false;
    int fast = 0;
    for (const auto& p : probes) {
        if (p.answered) continue;
        if (found_outage) {
            INFO("a read " << ms(p.sent - probes.front().sent)
                           << " ms into the outage: " << v1::ErrorCode_Name(p.code) << " after "
                           << std::chrono::duration<double, std::milli>(p.round_trip).count()
                           << " ms");
            CHECK(p.code == v1::DEVICE_UNAVAILABLE);
            CHECK(p.round_trip < fail_fast_bound);
            ++fast;
        }
        found_outage = true;
    }
    CHECK(fast >= 10);  // the outage was seen, and for long enough to mean something
}

// The first read answered with registers; fails the test when there is none.
const Probe& first_answer(const std::vector<Probe>& probes) {
    REQUIRE(!probes.empty());
    REQUIRE_MESSAGE(probes.back().answered,
                    "still " << v1::ErrorCode_Name(probes.back().code) << " after "
                             << ms(probes.back().sent - probes.front().sent) << " ms");
    return probes.back();
}

// tristar-sim as a process the test stops and starts again on the same TCP port: the device
// going away and coming back. Each run writes its own stats file.
class RestartableSim {
  public:
    explicit RestartableSim(const TempDir& dir) : dir_(dir) { start(); }
    ~RestartableSim() {
        if (process_) stop_cleanly(*process_, log_file_);
    }

    const std::string& uri() const { return uri_; }
    // Starts it on the port of the first run (any free port the first time); returns when it
    // listens.
    void start() {
        ++runs_;
        log_file_ = dir_.file("sim-" + std::to_string(runs_) + ".log");
        stats_file_ = dir_.file("sim-" + std::to_string(runs_) + ".json");
        process_ =
            std::make_unique<Process>(std::vector<std::string>{executable("tristar-sim"), "--tcp",
                                                               "127.0.0.1:" + std::to_string(port_),
                                                               "--frozen", "--stats", stats_file_},
                                      log_file_);
        const auto line = process_->read_line(10s);
        REQUIRE_MESSAGE(line.has_value(), "tristar-sim did not start: " << read_file(log_file_));
        uri_ = *line;
        port_ = std::stoi(uri_.substr(uri_.rfind(':') + 1));
        REQUIRE(port_ > 0);
    }
    // Stops it by pid (it must exit 0) and returns a figure of this run's final stats.
    std::int64_t stop(const std::string& key) {
        stop_cleanly(*process_, log_file_);
        process_.reset();
        const auto value = json_number(read_file(stats_file_), key);
        REQUIRE_MESSAGE(value.has_value(), "no '" << key << "' in the simulator's stats");
        return *value;
    }

  private:
    const TempDir& dir_;
    std::unique_ptr<Process> process_;
    std::string log_file_;
    std::string stats_file_;
    std::string uri_;
    int port_ = 0;
    int runs_ = 0;
};

}  // namespace

TEST_CASE("controller reset through the gateway: reads fail fast, then it recovers by itself") {
    TempDir dir;
    constexpr auto reset_time = 1500ms;  // the simulator is unavailable this long after coil 0xFF
    Sim sim(dir, {.extra = {"--reset-seconds", "1.5"}});
    {
        Gatewayd gateway(dir, sim.uri(), outage_config);
        zmq::context_t context;
        client::GatewayClient ctl(context, {gateway.endpoint(), "tristar-ctl"});
        const auto before = probe(ctl);  // the serial number
        REQUIRE(before.answered);
        const auto reset = ctl.write_coil(0xFF, true);
        const auto device_back = Clock::now() + reset_time;
        REQUIRE_MESSAGE(reset.ok(), reset.failure().describe());
        const auto probes = probe_every_20ms(ctl, reset_time + recovery_bound + 3s, true);
        check_fails_fast(probes);
        const auto& answer = first_answer(probes);
        CHECK(answer.values == before.values);
        INFO("recovered " << ms(answer.sent - device_back) << " ms after the device came back");
        CHECK(answer.sent - device_back < recovery_bound);
    }
    CHECK(sim.final_stat("overlaps") == 0);
    CHECK(sim.stat("resets") == 1);
}

TEST_CASE("device gone (process stopped) and back on the same port: fail fast, then recover") {
    TempDir dir;
    RestartableSim sim(dir);
    Gatewayd gateway(dir, sim.uri(), outage_config);
    zmq::context_t context;
    client::GatewayClient reader(context, {gateway.endpoint(), "reader"});
    const auto before = probe(reader);  // the serial number
    REQUIRE(before.answered);
    CHECK(sim.stop("overlaps") == 0);
    // Down for 2 s: long enough for the backoff to reach its 1 s cap.
    const auto down = probe_every_20ms(reader, 2s, false);
    CHECK(std::none_of(down.begin(), down.end(), [](const Probe& p) { return p.answered; }));
    sim.start();
    const auto device_back = Clock::now();
    const auto up = probe_every_20ms(reader, recovery_bound + 3s, true);
    auto all = down;
    all.insert(all.end(), up.begin(), up.end());
    check_fails_fast(all);
    const auto& answer = first_answer(up);
    CHECK(answer.values == before.values);
    INFO("recovered " << ms(answer.sent - device_back) << " ms after the device came back");
    CHECK(answer.sent - device_back < recovery_bound);
    const auto status = reader.status();
    REQUIRE(status.ok());
    CHECK(status->link_state() == "connected");
    CHECK(sim.stop("overlaps") == 0);
}

}  // namespace tristar::test
