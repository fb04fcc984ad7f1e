#pragma once
// The gateway's deny-by-default write policy (design.md 3.5, docs/write-policy.md).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "gateway.pb.h"
#include "gateway/daemon/config.h"

namespace tristar::gateway {

// Decides whether a write request may reach the device. A write coil (FC05), write register
// (FC06) or write registers (FC16, every address with its value) passes only when a rule (the
// built-in profile's or the config's) covers its target, address, value and client; an address
// at or above 0xE000 (EEPROM: each write faults the controller until a reset, tristar-modbus.md
// 6.4) is refused, whatever the rules say, unless allow_eeprom. Requests that write nothing are
// never refused. Pure: no clock, no logging; the front loop logs and counts.
class WritePolicy {
  public:
    explicit WritePolicy(const WritePolicyConfig& config);

    // Nothing when the request may go ahead; otherwise why not, for the WRITE_DENIED message.
    std::optional<std::string> refuse(const v1::Request& request) const;

    // The rules in force: the profile's, then the config's.
    std::span<const WriteRule> rules() const { return rules_; }

  private:
    std::optional<std::string> refuse_each(const v1::WriteRegisters& body,
                                           const std::string& client) const;
    std::optional<std::string> refuse_one(WriteRule::Target target, std::uint32_t address,
                                          std::uint32_t value, const std::string& client) const;

    std::vector<WriteRule> rules_;
    bool allow_eeprom_;
};

// The built-in "tristar" profile for the given clients (tristar-modbus.md 4, 6.5): coil 0 ON
// (equalize is set-only), coil 2 ON and OFF (charge disconnect), coils 0x14/0x15 ON (clear
// faults/alarms), coil 0xFF ON (reset controller), coil 0x10FF ON (reset comm server) and
// registers 0x58-0x5B with any value (slave overrides; a negative value as its two's
// complement leaves slave mode). No EEPROM.
std::vector<WriteRule> tristar_profile(const std::vector<std::string>& clients);

}  // namespace tristar::gateway
