#include "tests/bench/processes.h"

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace tristar::bench {
namespace {

constexpr std::chrono::seconds startup_timeout{10};
constexpr std::chrono::seconds stop_grace{5};
constexpr std::size_t log_tail_size = 2000;

// The simulator's stats file as JSON; nothing when it is missing or not (yet) whole JSON.
std::optional<nlohmann::json> read_stats(const std::string& path) {
    auto json = nlohmann::json::parse(test::read_file(path), nullptr, false);
    if (json.is_discarded() || !json.is_object()) return std::nullopt;
    return json;
}

// A top-level number of the stats: an integer counter or a real figure such as uptime_s.
template <typename Number>
std::optional<Number> json_value(const nlohmann::json& json, const std::string& key) {
    const auto found = json.find(key);
    if (found == json.end() || !found->is_number()) return std::nullopt;
    if constexpr (std::is_integral_v<Number>) {
        if (!found->is_number_integer()) return std::nullopt;
    }
    return found->get<Number>();
}

std::vector<std::string> sim_argv(const SimSetup& setup, const std::string& stats) {
    std::vector<std::string> argv{
        test::executable("tristar-sim"), "--stats", stats, "--frozen", "--log-level", "warn"};
    if (setup.keep_connection) argv.emplace_back("--keep-connection");
    if (setup.delay_ms > 0) argv.insert(argv.end(), {"--delay-ms", std::to_string(setup.delay_ms)});
    if (setup.wire_time)
        argv.insert(argv.end(),
                    {"--wire-time", "--baud", "9600", "--parity", "N", "--stop-bits", "2"});
    if (setup.start_hour)
        argv.insert(argv.end(), {"--start-hour", std::to_string(*setup.start_hour)});
    argv.insert(argv.end(), setup.extra.begin(), setup.extra.end());
    return argv;
}

}  // namespace

BenchChild::BenchChild(std::vector<std::string> argv, std::string log_file, std::string what)
    : process_(std::move(argv), log_file), log_file_(std::move(log_file)), what_(std::move(what)) {}

BenchChild::~BenchChild() {
    stop();
}

std::string BenchChild::first_line() {
    auto line = process_.read_line(startup_timeout);
    if (!line) throw std::runtime_error(what_ + " did not report its address");
    return *line;
}

// Stops by pid; a non-zero exit is reported (with the log's tail) but does not abort the run.
void BenchChild::stop() {
    if (process_.pid() <= 0) return;
    const int code = process_.stop(stop_grace);
    if (code == 0) return;
    std::cerr << "tristar-bench: " << what_ << " exited with " << code << "; log ends with:\n"
              << log_tail() << '\n';
}

std::string BenchChild::log_tail() const {
    const auto text = test::read_file(log_file_);
    return text.substr(text.size() > log_tail_size ? text.size() - log_tail_size : 0);
}

std::string program(const std::string& executable, const std::string& name) {
    return executable.empty() ? test::executable(name) : executable;
}

SimProcess::SimProcess(const test::TempDir& dir, const SimSetup& setup)
    : stats_file_(dir.file("sim-stats.json")) {
    auto argv = sim_argv(setup, stats_file_);
    if (setup.rtu) {
        pty_ = std::make_unique<test::PtyPair>();
        argv.insert(argv.end(), {"--rtu", pty_->first});
    } else {
        argv.insert(argv.end(), {"--tcp", "127.0.0.1:0"});
    }
    child_ = std::make_unique<BenchChild>(argv, dir.file("sim.log"), "tristar-sim");
    const auto line = child_->first_line();
    if (setup.rtu) {
        device_ = "rtu://" + pty_->second + "?baud=9600&parity=N&stop=2";
        return;
    }
    device_ = line;
    port_ = static_cast<std::uint16_t>(std::stoi(line.substr(line.rfind(':') + 1)));
}

std::optional<std::int64_t> SimProcess::stat(const std::string& key) const {
    const auto json = read_stats(stats_file_);
    if (!json) return std::nullopt;
    return json_value<std::int64_t>(*json, key);
}

std::optional<StatSample> SimProcess::stat_sample(const std::string& key) const {
    const auto json = read_stats(stats_file_);
    if (!json) return std::nullopt;
    const auto value = json_value<std::int64_t>(*json, key);
    const auto uptime = json_value<double>(*json, "uptime_s");
    if (!value || !uptime) return std::nullopt;
    return StatSample{*value, *uptime};
}

std::optional<std::int64_t> SimProcess::stop_and_read(const std::string& key) {
    child_->stop();
    return stat(key);
}

std::string bench_gateway_config() {
    return "[device]\ntcp_gap_ms = 0\n\n[log]\nlevel = \"warn\"\n";
}

GatewayProcess::GatewayProcess(const test::TempDir& dir, const std::string& device,
                               const std::string& executable, bool defaults) {
    std::vector<std::string> argv{program(executable, "tristar-gatewayd")};
    if (!defaults) {
        const auto config = dir.file("gatewayd.toml");
        test::write_file(config, bench_gateway_config());
        argv.insert(argv.end(), {"--config", config});
    }
    argv.insert(argv.end(), {"--device", device, "--endpoint", "tcp://127.0.0.1:0"});
    child_ = std::make_unique<BenchChild>(argv, dir.file("gatewayd.log"), "tristar-gatewayd");
    endpoint_ = child_->first_line();
}

}  // namespace tristar::bench
