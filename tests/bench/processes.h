#pragma once
// The processes a benchmark run needs: the simulator (TCP on an ephemeral loopback port, or RTU
// on one end of a socat pty pair) and the gateway (ephemeral loopback endpoint, tcp_gap_ms = 0).
// Each lives in the caller's temp dir and is stopped by its pid when the object goes.
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "tests/support/process.h"
#include "tests/support/pty_pair.h"
#include "tests/support/temp_dir.h"

namespace tristar::bench {

// One child process of a benchmark, its stderr in `log_file`; stopped by its pid when the
// object goes, a non-zero exit reported on stderr with the log's tail (the run goes on).
class BenchChild {
  public:
    BenchChild(std::vector<std::string> argv, std::string log_file, std::string what);
    ~BenchChild();
    BenchChild(const BenchChild&) = delete;
    BenchChild& operator=(const BenchChild&) = delete;

    // Its first stdout line (the address it reports when ready); throws when none comes.
    std::string first_line();
    void stop();
    bool running() { return process_.running(); }
    pid_t pid() const { return process_.pid(); }
    // The last 2000 characters of its log.
    std::string log_tail() const;

  private:
    test::Process process_;
    std::string log_file_;
    std::string what_;
};

// `executable` when given, else this build tree's `name` (e.g. "tristar-gatewayd").
std::string program(const std::string& executable, const std::string& name);

struct SimSetup {
    bool rtu = false;                  // serve RTU on a pty pair instead of TCP
    bool keep_connection = false;      // --keep-connection (default: close after each response)
    unsigned delay_ms = 0;             // --delay-ms
    bool wire_time = false;            // --wire-time (9600 8N2)
    std::optional<int> start_hour{};   // --start-hour (simulated hour of day at start)
    std::vector<std::string> extra{};  // further switches, e.g. --drop-rate 0.1
};

// A counter of the stats file and the simulator's uptime when it wrote it (one read of the file).
struct StatSample {
    std::int64_t value = 0;
    double uptime_s = 0;
};

class SimProcess {
  public:
    SimProcess(const test::TempDir& dir, const SimSetup& setup);

    // What the gateway's --device gets: tcp://127.0.0.1:PORT or rtu:///dev/pts/N?baud=9600...
    const std::string& device() const { return device_; }
    std::uint16_t tcp_port() const { return port_; }
    // A counter from the stats file (rewritten by the sim at least once a second).
    std::optional<std::int64_t> stat(const std::string& key) const;
    std::optional<StatSample> stat_sample(const std::string& key) const;
    // Stops the simulator (it writes its stats at exit) and returns the final counter.
    std::optional<std::int64_t> stop_and_read(const std::string& key);

  private:
    std::unique_ptr<test::PtyPair> pty_;
    std::string stats_file_;
    std::unique_ptr<BenchChild> child_;
    std::string device_;
    std::uint16_t port_ = 0;
};

class GatewayProcess {
  public:
    // Starts tristar-gatewayd (`executable`, or this build tree's when empty) on `device` with
    // tcp_gap_ms = 0 (latency benchmarks must not measure the configured pacing), log level warn;
    // with `defaults`, without a config file (every setting its default, log level info).
    GatewayProcess(const test::TempDir& dir, const std::string& device,
                   const std::string& executable, bool defaults = false);

    const std::string& endpoint() const { return endpoint_; }
    pid_t pid() const { return child_->pid(); }

  private:
    std::unique_ptr<BenchChild> child_;
    std::string endpoint_;
};

// A benchmark's simulator and gateway in a temp dir of their own, and a ZeroMQ context for its
// clients (closed first, the simulator stopped last).
struct BenchStack {
    BenchStack(const SimSetup& setup, const std::string& gatewayd_executable)
        : sim(dir, setup), gatewayd(dir, sim.device(), gatewayd_executable) {}

    test::TempDir dir;
    SimProcess sim;
    GatewayProcess gatewayd;
    zmq::context_t context;
};

// The gateway config every benchmark uses.
std::string bench_gateway_config();

}  // namespace tristar::bench
