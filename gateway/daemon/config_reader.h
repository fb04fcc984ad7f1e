#pragma once
// Internal to the config loader (config.cpp, config_auth.cpp, config_write_policy.cpp): the
// shared TOML reader (gateway/base/config_file.h) and the endpoint lists that [server] and
// [auth] both read.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/base/config_file.h"

namespace tristar::gateway::config_detail {

using namespace tristar::config_file;

// The array of strings at `key` (nothing when absent): each starts with one of `schemes` and names
// an address, none is listed twice; `at_least_one` refuses an empty array.
std::optional<std::vector<std::string>> read_endpoints(TableReader& in, std::string_view key,
                                                       std::span<const std::string_view> schemes,
                                                       bool at_least_one);

}  // namespace tristar::gateway::config_detail
