#include "tests/bench/processes.h"

#include <chrono>
#include <iostream>
#include <regex>
#include <stdexcept>

#include "tests/support/wait.h"

namespace tristar::bench {
namespace {

constexpr std::chrono::seconds startup_timeout{10};
constexpr std::chrono::seconds stop_grace{5};

std::string first_line(test::Process& process, const std::string& what) {
    auto line = process.read_line(startup_timeout);
    if (!line) throw std::runtime_error(what + " did not report its address");
    return *line;
}

std::optional<std::int64_t> json_number(const std::string& json, const std::string& key) {
    const std::regex re{"\"" + key + R"("\s*:\s*(-?\d+))"};
    std::smatch match;
    if (!std::regex_search(json, match, re)) return std::nullopt;
    return std::stoll(match[1]);
}

std::optional<double> json_real(const std::string& json, const std::string& key) {
    const std::regex re{"\"" + key + R"("\s*:\s*(-?\d+(\.\d+)?))"};
    std::smatch match;
    if (!std::regex_search(json, match, re)) return std::nullopt;
    return std::stod(match[1]);
}

std::vector<std::string> sim_argv(const SimSetup& setup, const std::string& stats) {
    std::vector<std::string> argv{test::executable("tristar-sim"), "--stats", stats, "--frozen",
                                  "--log-level", "warn"};
    if (setup.keep_connection) argv.emplace_back("--keep-connection");
    if (setup.delay_ms > 0) argv.insert(argv.end(), {"--delay-ms", std::to_string(setup.delay_ms)});
    if (setup.wire_time)
        argv.insert(argv.end(), {"--wire-time", "--baud", "9600", "--parity", "N", "--stop-bits", "2"});
    if (setup.start_hour) argv.insert(argv.end(), {"--start-hour", std::to_string(*setup.start_hour)});
    return argv;
}

}  // namespace

// Stops by pid; a non-zero exit is reported (with the log's tail) but does not abort the run.
void stop_and_check(test::Process& process, const std::string& what, const std::string& log) {
    if (process.pid() <= 0) return;
    const int code = process.stop(stop_grace);
    if (code == 0) return;
    const auto text = test::read_file(log);
    std::cerr << "tristar-bench: " << what << " exited with " << code << "; log ends with:\n"
              << text.substr(text.size() > 2000 ? text.size() - 2000 : 0) << '\n';
}

PtyPair::PtyPair(const test::TempDir& dir) {
    // socat prints "N PTY is /dev/pts/X" twice on stderr, then "starting data transfer loop".
    const auto log = dir.file("socat.log");
    socat_ = std::make_unique<test::Process>(
        std::vector<std::string>{"/usr/bin/socat", "-d", "-d", "pty,raw,echo=0", "pty,raw,echo=0"},
        log);
    const std::regex re{R"(PTY is (/dev/pts/\d+)[\s\S]*PTY is (/dev/pts/\d+)[\s\S]*starting data)"};
    const bool ready = test::wait_until(
        [&] {
            std::smatch match;
            const auto text = test::read_file(log);
            if (!std::regex_search(text, match, re)) return false;
            first = match[1];
            second = match[2];
            return true;
        },
        startup_timeout);
    if (!ready) throw std::runtime_error("socat did not create a pty pair");
}

SimProcess::SimProcess(const test::TempDir& dir, const SimSetup& setup)
    : stats_file_(dir.file("sim-stats.json")), log_file_(dir.file("sim.log")) {
    auto argv = sim_argv(setup, stats_file_);
    if (setup.rtu) {
        pty_ = std::make_unique<PtyPair>(dir);
        argv.insert(argv.end(), {"--rtu", pty_->first});
    } else {
        argv.insert(argv.end(), {"--tcp", "127.0.0.1:0"});
    }
    process_ = std::make_unique<test::Process>(argv, log_file_);
    const auto line = first_line(*process_, "tristar-sim");
    if (setup.rtu) {
        device_ = "rtu://" + pty_->second + "?baud=9600&parity=N&stop=2";
        return;
    }
    device_ = line;
    port_ = static_cast<std::uint16_t>(std::stoi(line.substr(line.rfind(':') + 1)));
}

SimProcess::~SimProcess() { stop_and_check(*process_, "tristar-sim", log_file_); }

std::optional<std::int64_t> SimProcess::stat(const std::string& key) const {
    return json_number(test::read_file(stats_file_), key);
}

std::optional<StatSample> SimProcess::stat_sample(const std::string& key) const {
    const auto json = test::read_file(stats_file_);
    const auto value = json_number(json, key);
    const auto uptime = json_real(json, "uptime_s");
    if (!value || !uptime) return std::nullopt;
    return StatSample{*value, *uptime};
}

std::optional<std::int64_t> SimProcess::stop_and_read(const std::string& key) {
    stop_and_check(*process_, "tristar-sim", log_file_);
    return stat(key);
}

std::string bench_gateway_config() {
    return "[device]\ntcp_gap_ms = 0\n\n[log]\nlevel = \"warn\"\n";
}

GatewayProcess::GatewayProcess(const test::TempDir& dir, const std::string& device,
                               const std::string& executable)
    : log_file_(dir.file("gatewayd.log")) {
    const auto config = dir.file("gatewayd.toml");
    test::write_file(config, bench_gateway_config());
    process_ = std::make_unique<test::Process>(
        std::vector<std::string>{executable.empty() ? test::executable("tristar-gatewayd") : executable,
                                 "--config", config,
                                 "--device", device, "--endpoint", "tcp://127.0.0.1:0"},
        log_file_);
    endpoint_ = first_line(*process_, "tristar-gatewayd");
}

GatewayProcess::~GatewayProcess() { stop_and_check(*process_, "tristar-gatewayd", log_file_); }

}  // namespace tristar::bench
