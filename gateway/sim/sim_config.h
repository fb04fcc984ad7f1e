#pragma once
// The devices tristar-sim simulates: the command line's one, or the [[device]] tables of a TOML
// file (--config). A table names its device (`name`: [A-Za-z0-9_-]{1,32}, unique) and sets any
// per-device option of the command line as a key, its dashes written as underscores (`tcp`,
// `rtu`, `unit`, `baud`, `delay_ms`, `frozen = true`, ...); the values are checked by those same
// options. A device without `seed` gets its place in the file (1, 2, ...) and one without `serial`
// 01234567, 01234568, ... so that no two look alike. Across the file: each device has tcp, rtu
// or both; devices naming one rtu path share that line, need distinct unit ids, and must agree on
// baud/parity/stop_bits (one device giving a setting gives it to the line); serial numbers and
// fixed TCP addresses are distinct. Errors are ConfigErrors naming the file, line and key.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/sim/options.h"

namespace tristar::sim {

struct SimConfig {
    std::vector<DeviceOptions> devices;
    bool from_file = false;  // --config: the readiness lines and the stats name each device
    std::optional<std::string> control_path;
    std::optional<std::string> stats_path;
};

// The devices of a config file's text; `source` names the file in errors.
std::vector<DeviceOptions> parse_device_tables(std::string_view toml, const std::string& source);

// What the parsed command line asks for: its one device, or the devices of --config (read here;
// ConfigError when the file cannot be read or is wrong).
SimConfig make_sim_config(const SimOptions& options);

}  // namespace tristar::sim
