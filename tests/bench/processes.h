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

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace tristar::bench {

// Two connected pseudo-terminals made by `socat -d -d pty,raw,echo=0 pty,raw,echo=0`.
class PtyPair {
public:
    explicit PtyPair(const test::TempDir& dir);
    std::string first;   // the simulator's end
    std::string second;  // the gateway's end

private:
    std::unique_ptr<test::Process> socat_;
};

struct SimSetup {
    bool rtu = false;              // serve RTU on a pty pair instead of TCP
    bool keep_connection = false;  // --keep-connection (default: close after each response)
    unsigned delay_ms = 0;         // --delay-ms
    bool wire_time = false;        // --wire-time (9600 8N2)
    std::optional<int> start_hour{};  // --start-hour (simulated hour of day at start)
};

// A counter of the stats file and the simulator's uptime when it wrote it (one read of the file).
struct StatSample {
    std::int64_t value = 0;
    double uptime_s = 0;
};

class SimProcess {
public:
    SimProcess(const test::TempDir& dir, const SimSetup& setup);
    ~SimProcess();
    SimProcess(const SimProcess&) = delete;
    SimProcess& operator=(const SimProcess&) = delete;

    // What the gateway's --device gets: tcp://127.0.0.1:PORT or rtu:///dev/pts/N?baud=9600...
    const std::string& device() const { return device_; }
    std::uint16_t tcp_port() const { return port_; }
    // A counter from the stats file (rewritten by the sim at least once a second).
    std::optional<std::int64_t> stat(const std::string& key) const;
    std::optional<StatSample> stat_sample(const std::string& key) const;
    // Stops the simulator (it writes its stats at exit) and returns the final counter.
    std::optional<std::int64_t> stop_and_read(const std::string& key);

private:
    std::unique_ptr<PtyPair> pty_;
    std::unique_ptr<test::Process> process_;
    std::string stats_file_;
    std::string log_file_;
    std::string device_;
    std::uint16_t port_ = 0;
};

class GatewayProcess {
public:
    // Starts tristar-gatewayd (`executable`, or this build tree's when empty) on `device` with
    // tcp_gap_ms = 0 (latency benchmarks must not measure the configured pacing), log level warn.
    GatewayProcess(const test::TempDir& dir, const std::string& device, const std::string& executable);
    ~GatewayProcess();
    GatewayProcess(const GatewayProcess&) = delete;
    GatewayProcess& operator=(const GatewayProcess&) = delete;

    const std::string& endpoint() const { return endpoint_; }
    pid_t pid() const { return process_->pid(); }

private:
    std::unique_ptr<test::Process> process_;
    std::string log_file_;
    std::string endpoint_;
};

// Stops `process` by pid; a non-zero exit is reported on stderr with the tail of `log`.
void stop_and_check(test::Process& process, const std::string& what, const std::string& log);

// The gateway config every benchmark uses.
std::string bench_gateway_config();

}  // namespace tristar::bench
