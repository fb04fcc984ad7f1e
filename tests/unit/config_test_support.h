#pragma once
// Helpers shared by the config unit tests.
#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>

#include "gateway/daemon/config.h"

namespace tristar::gateway::test {

// Joins lines with '\n', so a test names line N as the N-th string.
inline std::string lines(std::initializer_list<std::string_view> text) {
    std::string joined;
    for (const auto line : text) joined.append(line).append("\n");
    return joined;
}

struct Failure {
    std::string source;
    int line = -1;  // -1: nothing was thrown
    std::string key;
    std::string what;
};

inline Failure failure_of(const std::string& toml) {
    try {
        parse_config(toml, "gatewayd.toml");
    } catch (const ConfigError& error) {
        return {error.source(), error.line(), error.key(), error.what()};
    }
    return {};
}

inline Failure uri_failure(std::string_view uri) {
    try {
        parse_device_uri(uri);
    } catch (const ConfigError& error) {
        return {error.source(), error.line(), error.key(), error.what()};
    }
    return {};
}

inline std::filesystem::path example_config() {
    return std::filesystem::path(__FILE__).parent_path() / "../../deploy/config" /
           "tristar-gatewayd.toml";
}

}  // namespace tristar::gateway::test
