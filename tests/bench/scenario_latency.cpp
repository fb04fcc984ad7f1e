// Benchmark a: the latency a gateway read adds over a direct libmodbus read of the same
// registers from the same simulator, measured interleaved in one run.
#include <vector>

#include "tests/bench/bench_client.h"
#include "tests/bench/direct_modbus.h"
#include "tests/bench/interrupt.h"
#include "tests/bench/processes.h"
#include "tests/bench/scenarios.h"
#include "tests/bench/stats.h"
#include "tests/bench/zmq_floor.h"

namespace tristar::bench {
namespace {

using Clock = std::chrono::steady_clock;
namespace v1 = tristar::gateway::v1;

// The three ways to the same 56 registers, and their samples.
class Probe {
  public:
    Probe(zmq::context_t& context, const std::string& gateway_endpoint, std::uint16_t sim_port,
          bool kept)
        : gateway_(context,
                   client_options(gateway_endpoint, "tristar-bench", v1::PRIORITY_INTERACTIVE)),
          direct_("127.0.0.1", sim_port),
          echo_(context),
          dealer_(context, zmq::socket_type::dealer),
          kept_(kept) {
        dealer_.set(zmq::sockopt::linger, 0);
        dealer_.connect(echo_.endpoint());
        v1::Request request;
        request.set_id(1);
        request.set_client_name("tristar-bench");
        request.mutable_read_registers()->set_function(4);
        request.mutable_read_registers()->set_address(poll_address);
        request.mutable_read_registers()->set_count(poll_count);
        echo_payload_ = request.SerializeAsString();
    }

    // One of each, in an order that alternates with `round`, so drift hits all alike.
    void round(int round) {
        check_interrupt();
        if (round % 2 == 0) time_direct();
        time_gateway();
        if (round % 2 == 1) time_direct();
        echo.add(echo_round_trip(dealer_, echo_payload_));
    }

    bool mode_detected() {
        const auto status = gateway_.status();
        return status && status->connection_mode() == (kept_ ? "kept" : "per-transaction");
    }

    // Forgets the warm-up's samples.
    void clear() {
        via_gateway = via_direct = echo = gateway_device = gateway_queue = Samples{};
        failures = 0;
    }

    Samples via_gateway;
    Samples via_direct;
    Samples echo;
    Samples gateway_device;  // the gateway's own figures: its libmodbus call (device_us)...
    Samples gateway_queue;   // ...and the rest of the request's time inside it (queue_us)
    int failures = 0;

  private:
    // connect + read + close when the device closes anyway, else a read on the kept connection.
    void time_direct() {
        std::vector<std::uint16_t> words(poll_count);
        const auto start = Clock::now();
        const bool ok = direct_.connect() && direct_.read_input_registers(poll_address, words);
        if (!kept_) direct_.close();
        if (ok)
            via_direct.add(Clock::now() - start);
        else
            ++failures;
    }

    void time_gateway() {
        const auto start = Clock::now();
        const auto answer = gateway_.read_registers(4, poll_address, poll_count, 0);
        if (!answer && answer.failure().no_reply)
            throw std::runtime_error(answer.failure().describe());
        const auto rtt = Clock::now() - start;
        if (!answer || answer->from_cache) {
            ++failures;
            return;
        }
        via_gateway.add(rtt);
        gateway_device.add_us(static_cast<double>(answer->device_us));
        gateway_queue.add_us(static_cast<double>(answer->queue_us));
    }

    client::GatewayClient gateway_;
    DirectModbus direct_;
    ZmqEcho echo_;
    zmq::socket_t dealer_;
    std::string echo_payload_;
    bool kept_;
};

RunFigures figures_of(const Probe& probe, bool kept, bool mode_ok) {
    const std::string p = kept ? "a.kept." : "a.close.";
    const auto& g = probe.via_gateway;
    const auto& d = probe.via_direct;
    return {{p + "gateway_p50", g.percentile(50)},
            {p + "gateway_p99", g.percentile(99)},
            {p + "direct_p50", d.percentile(50)},
            {p + "direct_p99", d.percentile(99)},
            {p + "added_p50", g.percentile(50) - d.percentile(50)},
            {p + "added_p99", g.percentile(99) - d.percentile(99)},
            {p + "ratio_p50", g.percentile(50) / std::max(d.percentile(50), 1.0)},
            {p + "echo_p50", probe.echo.percentile(50)},
            // What the gateway adds beyond ZeroMQ's own round trip: gateway - direct - echo.
            {p + "over_floor_p50", g.percentile(50) - d.percentile(50) - probe.echo.percentile(50)},
            {p + "gw_device_p50", probe.gateway_device.percentile(50)},
            {p + "gw_queue_p50", probe.gateway_queue.percentile(50)},
            {p + "echo_p99", probe.echo.percentile(99)},
            {p + "mode_ok", mode_ok ? 1.0 : 0.0},
            {p + "failures", static_cast<double>(probe.failures)}};
}

}  // namespace

RunFigures run_added_latency(const BenchOptions& options, bool kept) {
    test::TempDir dir;
    SimProcess sim(dir, SimSetup{.keep_connection = kept});
    GatewayProcess gatewayd(dir, sim.device(), options.gatewayd);
    zmq::context_t context;
    Probe probe(context, gatewayd.endpoint(), sim.tcp_port(), kept);
    // Warm-up: the gateway detects the device's socket habit during its first replies.
    for (int i = 0; i < options.warmup_reads; ++i) probe.round(i);
    const bool mode_ok = probe.mode_detected();
    probe.clear();
    for (int i = 0; i < options.latency_samples; ++i) probe.round(i);
    return figures_of(probe, kept, mode_ok);
}

}  // namespace tristar::bench
