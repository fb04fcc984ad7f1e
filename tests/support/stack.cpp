#include "tests/support/stack.h"

#include <doctest/doctest.h>

#include <regex>
#include <stdexcept>

#include "tests/support/wait.h"

namespace tristar::test {
namespace {

constexpr std::chrono::seconds startup_timeout{10};

std::string first_line_or_throw(Process& process, const std::string& what) {
    auto line = process.read_line(startup_timeout);
    if (!line) throw std::runtime_error(what + " did not report its address");
    return *line;
}

}  // namespace

void stop_cleanly(Process& process, const std::string& log_file) {
    if (process.pid() <= 0) return;
    const int code = process.stop();
    const auto log = read_file(log_file);
    INFO("exit code " << code << "; log ends with:\n"
                      << log.substr(log.size() > 3000 ? log.size() - 3000 : 0));
    CHECK(code == 0);
}

Sim::~Sim() {
    stop_cleanly(*process_, log_file_);
}

Gatewayd::~Gatewayd() {
    stop_cleanly(*process_, log_file_);
}

Sim::Sim(const TempDir& dir, SimOptions options)
    : log_file_(dir.file("sim.log")), stats_file_(dir.file("sim-stats.json")) {
    std::vector<std::string> argv{executable("tristar-sim"), "--stats", stats_file_};
    if (options.rtu) {
        pty_ = std::make_unique<PtyPair>();
        argv.insert(argv.end(), {"--rtu", pty_->first});
    } else {
        argv.insert(argv.end(), {"--tcp", "127.0.0.1:0"});
    }
    if (options.frozen) argv.push_back("--frozen");
    argv.insert(argv.end(), options.extra.begin(), options.extra.end());
    process_ = std::make_unique<Process>(argv, log_file_);
    const auto line = first_line_or_throw(*process_, "tristar-sim");
    uri_ = options.rtu ? "rtu://" + pty_->second : line;
}

std::string Sim::stats_text() const {
    return read_file(stats_file_);
}

std::optional<std::int64_t> Sim::stat(const std::string& key) const {
    return json_number(stats_text(), key);
}

std::int64_t Sim::final_stat(const std::string& key) {
    stop_cleanly(*process_, log_file_);
    const auto value = stat(key);
    REQUIRE_MESSAGE(value.has_value(), "no '" << key << "' in the simulator's stats");
    return *value;
}

std::string Gatewayd::test_config() {
    return "[log]\nlevel = \"warn\"\n";
}

Gatewayd::Gatewayd(const TempDir& dir, const std::string& device, const std::string& toml)
    : log_file_(dir.file("gatewayd.log")) {
    const auto config = dir.file("gatewayd.toml");
    write_file(config, toml);
    std::vector<std::string> args{executable("tristar-gatewayd"), "--config", config, "--endpoint",
                                  "tcp://127.0.0.1:0"};
    if (!device.empty()) args.insert(args.end(), {"--device", device});
    process_ = std::make_unique<Process>(std::move(args), log_file_);
    endpoint_ = first_line_or_throw(*process_, "tristar-gatewayd");
}

std::optional<std::int64_t> json_number(const std::string& json, const std::string& key) {
    const std::regex re{"\"" + key + R"("\s*:\s*(-?\d+))"};
    std::smatch match;
    if (!std::regex_search(json, match, re)) return std::nullopt;
    return std::stoll(match[1]);
}

}  // namespace tristar::test
