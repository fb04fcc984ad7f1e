#pragma once
// Internal to the config loader (config.cpp, config_write_policy.cpp): the shared TOML reader
// (gateway/base/config_file.h) and the section readers that live in files of their own.
#include "gateway/base/config_file.h"
#include "gateway/daemon/config.h"

namespace tristar::gateway::config_detail {

using namespace tristar::config_file;

void read_write_policy(TableReader& in, Config& config);
void read_auth(TableReader& in, Config& config);

}  // namespace tristar::gateway::config_detail
