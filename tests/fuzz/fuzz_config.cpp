// libFuzzer harness: the config readers of the three daemons, on the same TOML text: the
// gateway's parse_config, the publisher's parse_publisher_config and the bridge's
// parse_bridge_config (with its cross-key check). A ConfigError is the expected answer to a bad
// file; anything else (another exception, a crash, a hang) is a finding.
//
// Input: the text of a config file.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/base/config_file.h"
#include "gateway/bridge/config.h"
#include "gateway/daemon/config.h"
#include "publisher/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const std::string source = "fuzz.toml";
    try {
        const auto config = tristar::gateway::parse_config(text, source);
        (void)tristar::gateway::device_uri(config.devices.front().address);
    } catch (const tristar::ConfigError& error) {
        (void)error.what();
    }
    try {
        (void)tristar::publisher::parse_publisher_config(text, source);
    } catch (const tristar::ConfigError& error) {
        (void)error.what();
    }
    try {
        const auto config = tristar::bridge::parse_bridge_config(text, source);
        tristar::bridge::check_bridge_config(config, source);
        (void)tristar::bridge::listen_text(config.listen);
    } catch (const tristar::ConfigError& error) {
        (void)error.what();
    }
    return 0;
}
