#include "gateway/base/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <stdexcept>

namespace tristar {

const char* log_level_names() {
    return "trace, debug, info, warn, error, critical, off";
}

std::string log_pattern(bool plain) {
    return plain ? "%l %v" : "%Y-%m-%d %H:%M:%S.%e %l %v";
}

void setup_logging(std::string_view level, bool plain) {
    const auto parsed = spdlog::level::from_str(std::string{level});
    // from_str answers "off" for anything it does not know; only "off" itself may mean off.
    if (parsed == spdlog::level::off && level != "off")
        throw std::invalid_argument("unknown log level '" + std::string{level} + "' (one of " +
                                    log_level_names() + ")");
    spdlog::drop("tristar");
    auto logger = spdlog::stderr_color_mt("tristar");
    logger->set_level(parsed);
    logger->set_pattern(log_pattern(plain));
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(logger);
}

}  // namespace tristar
