#include "gateway/sim/sim_main.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "gateway/base/config_file.h"
#include "gateway/sim/options.h"
#include "gateway/sim/sim_config.h"
#include "gateway/sim/sim_loop.h"

namespace tristar::sim {

namespace {

constexpr int exit_runtime = 1;
constexpr int exit_usage = 2;

// stderr only: stdout carries nothing but the endpoint lines (report.h).
void setup_logging(const std::string& level) {
    auto logger = spdlog::stderr_color_mt("tristar-sim");
    logger->set_level(spdlog::level::from_str(level));
    spdlog::set_default_logger(std::move(logger));
}

void announce(const std::string& endpoint) {
    std::cout << endpoint << std::endl;
}

}  // namespace

int sim_main(int argc, char** argv) {
    CLI::App app{
        "tristar-sim: a Morningstar TriStar MPPT 60 simulator on Modbus TCP and RTU, "
        "with fault injection"};
    SimOptions options;
    add_options(app, options);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : exit_usage;
    }
    SimConfig config;
    try {
        config = make_sim_config(options);
    } catch (const ConfigError& e) {
        std::cerr << "tristar-sim: " << e.what() << '\n';
        return exit_usage;
    }
    setup_logging(options.log_level);
    try {
        SimLoop loop(config, announce);
        return loop.run();
    } catch (const std::exception& e) {
        spdlog::critical("[sim] {}", e.what());
    }
    return exit_runtime;
}

}  // namespace tristar::sim
