#pragma once
// The [write_policy] table and its [[write_policy.rules]] (design.md 3.5; docs/write-policy.md):
// who may write what, as configured, and its reader. Deny by default.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "gateway/base/config_file.h"

namespace tristar::gateway {

// One entry of the write policy (design.md 3.5; docs/write-policy.md): who may write what.
struct WriteRule {
    enum class Target { coil, holding_register };  // FC05; FC06 and FC16
    Target target = Target::coil;
    std::uint16_t first = 0;  // inclusive address range
    std::uint16_t last = 0;
    // Allowed values as inclusive ranges; coils: 0 = OFF, 1 = ON.
    std::vector<std::pair<std::uint16_t, std::uint16_t>> values;
    std::vector<std::string> clients;  // Request.client_name; "*" = any client
    bool operator==(const WriteRule&) const = default;
};

// "tristar": the built-in TriStar rules (write_policy.h, tristar_profile) for profile_clients.
enum class WriteProfile { none, tristar };

// Deny by default: a write passes only when a rule allows its address, value and client.
struct WritePolicyConfig {
    WriteProfile profile = WriteProfile::tristar;
    std::vector<std::string> profile_clients{"tristar-ctl", "tristar-publisher"};
    bool allow_eeprom = false;  // 0xE000 and up: refused whatever the rules say unless true
    std::vector<WriteRule> rules;
    bool operator==(const WritePolicyConfig&) const = default;
};

namespace config_detail {

// Reads [write_policy] into `policy`; errors (ConfigError) at the offending line.
void read_write_policy(config_file::TableReader& in, WritePolicyConfig& policy);

}  // namespace config_detail
}  // namespace tristar::gateway
