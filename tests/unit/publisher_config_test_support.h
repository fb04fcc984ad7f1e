#pragma once
// What the publisher config tests share: the error a [publisher] document is refused with.
#include <string>

#include "gateway/base/config_file.h"
#include "publisher/config.h"

namespace tristar::publisher::test {

// The ConfigError's text for `text` read as "p.toml"; "no error" when it parses.
inline std::string config_error_of(const std::string& text) {
    try {
        parse_publisher_config(text, "p.toml");
    } catch (const ConfigError& e) {
        return std::string(e.what());
    }
    return std::string("no error");
}

}  // namespace tristar::publisher::test
