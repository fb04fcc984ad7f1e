#include "gateway/base/daemon_main.h"

#include <iostream>

#include <spdlog/spdlog.h>

namespace tristar {

int daemon_main(CLI::App& app, int argc, char** argv, const DaemonSteps& steps) {
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : exit_usage;
    }
    try {
        steps.configure();
    } catch (const std::exception& e) {
        std::cerr << steps.program << ": " << e.what() << '\n';
        return exit_usage;
    }
    if (const auto line = steps.checked()) {
        std::cout << *line << '\n';
        return 0;
    }
    try {
        return steps.serve();
    } catch (const std::exception& e) {
        spdlog::critical("{}: {}", steps.program, e.what());
        return exit_runtime;
    }
}

}  // namespace tristar
