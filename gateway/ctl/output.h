#pragma once
// Formatting of command results, for people (aligned text) and for scripts (one JSON document).
// Pure: every function returns the text to print, newline-terminated.
#include <cstdint>
#include <string>
#include <vector>

#include "gateway/client/client.h"
#include "gateway/ctl/readings.h"

namespace tristar::ctl {

// "0x0018".
std::string hex16(std::uint32_t value);
// "0x0018 (24)".
std::string address_text(std::uint16_t address);

// One line per register: "0x0018 (24)   2445  0x098d  battery_voltage" (the name where a map
// register starts). Registers are the FC03/FC04 view, so names come from the register map.
std::string registers_text(std::uint16_t address, const std::vector<std::uint16_t>& values);
// One line per bit: "0x0000 (0)   1  on   equalize" (coil names for FC01 only).
std::string bits_text(int function, std::uint16_t address, const std::vector<bool>& values);

// {"function":4,"address":24,"count":1,"values":[2445],"from_cache":false,...}
std::string registers_json(int function, std::uint16_t address,
                           const client::Answer<std::vector<std::uint16_t>>& answer);
std::string bits_json(int function, std::uint16_t address,
                      const client::Answer<std::vector<bool>>& answer);

// "battery_voltage  13.43 V", names aligned.
std::string readings_text(const std::vector<Reading>& readings);
// {"battery_voltage":{"value":13.43,"unit":"V","text":"13.43 V","address":24,"raw":[2445]}}
std::string readings_json(const std::vector<Reading>& readings);

std::string ok_text();
std::string ok_json();

// {"error":{"code":"DEVICE_TIMEOUT","modbus_exception":0,"message":"..."}}; code NO_REPLY when
// the gateway did not answer at all.
std::string failure_json(const client::Failure& failure);
// "tristar-ctl: DEVICE_TIMEOUT: ..." for stderr.
std::string failure_text(const client::Failure& failure);

}  // namespace tristar::ctl
