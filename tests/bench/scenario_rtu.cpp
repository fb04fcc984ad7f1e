// Benchmark f: 56-register reads per second over RTU 9600 8N2 (simulated wire time on a pty
// pair) as a share of what the wire allows.
#include "gateway/client/client.h"
#include "tests/bench/bench_client.h"
#include "tests/bench/interrupt.h"
#include "tests/bench/processes.h"
#include "tests/bench/scenarios.h"

namespace tristar::bench {
namespace {

using Clock = std::chrono::steady_clock;
namespace v1 = tristar::gateway::v1;

// Modbus over serial line spec 2.5.1: 8N2 is 1 start + 8 data + 2 stop bits a character,
// t3.5 is 3.5 characters of silence before every frame.
constexpr double baud = 9600;
constexpr double bits_per_char = 11;
constexpr double t35_chars = 3.5;
// FC04 of 56 registers: request unit+fc+addr+count+crc = 8 bytes; reply unit+fc+bytecount+
// 112 data bytes+crc = 117 bytes.
constexpr double request_bytes = 8;
constexpr double reply_bytes = 3 + 2.0 * poll_count + 2;
constexpr int warmup_reads = 3;

}  // namespace

double rtu_emulated_limit_per_s() {
    // tristar-sim --wire-time delays only the reply; a pty moves the request at once.
    return baud / ((reply_bytes + 2 * t35_chars) * bits_per_char);
}

double rtu_wire_limit_per_s() {
    const double chars = request_bytes + reply_bytes + 2 * t35_chars;
    return baud / (chars * bits_per_char);
}

RunFigures run_rtu_throughput(const BenchOptions& options) {
    test::TempDir dir;
    SimProcess sim(dir, SimSetup{.rtu = true, .wire_time = true});
    GatewayProcess gatewayd(dir, sim.device(), options.gatewayd);
    zmq::context_t context;
    client::GatewayClient gateway(
        context, client_options(gatewayd.endpoint(), "tristar-bench", v1::PRIORITY_INTERACTIVE));
    for (int i = 0; i < warmup_reads; ++i)
        (void)gateway.read_registers(4, poll_address, poll_count, 0);
    // One read at a time: nothing to merge, so every reply is one transaction on the wire.
    int reads = 0;
    int failures = 0;
    double device_us = 0;
    const auto start = Clock::now();
    const auto until = start + options.rtu_time;
    while (Clock::now() < until) {
        check_interrupt();
        const auto answer = gateway.read_registers(4, poll_address, poll_count, 0);
        if (answer && !answer->from_cache) {
            ++reads;
            device_us += static_cast<double>(answer->device_us);
        } else if (!answer && answer.failure().no_reply)
            throw std::runtime_error(answer.failure().describe());
        else
            ++failures;
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    const double rate = reads / seconds;
    return {{"f.limit_per_s", rtu_wire_limit_per_s()},
            {"f.emulated_limit_per_s", rtu_emulated_limit_per_s()},
            {"f.rate_per_s", rate},
            {"f.share", 100.0 * rate / rtu_wire_limit_per_s()},
            {"f.device_ms", device_us / 1000.0 / std::max(reads, 1)},
            {"f.failures", static_cast<double>(failures)}};
}

}  // namespace tristar::bench
