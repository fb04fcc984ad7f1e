#pragma once
// What the simulator serves, read directly with libmodbus (no gateway in between), and small
// helpers to build requests and take values out of replies.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "gateway/client/client.h"

namespace tristar::test {

// Names every end-to-end test file uses.
namespace v1 = gateway::v1;
using Clock = std::chrono::steady_clock;

struct RefBlock {
    int first;
    int last;  // inclusive
};

// The blocks a frozen simulator serves and the tests read: RAM live block and EEPROM.
const std::vector<RefBlock>& reference_blocks();

class Reference {
  public:
    std::map<std::uint16_t, std::uint16_t> words;
    int transactions = 0;  // device transactions the direct reads took
    std::vector<std::uint16_t> slice(std::uint16_t address, std::uint16_t count) const;
};

// Reads every reference block from the device at `uri` (tcp://HOST:PORT or rtu://PATH; `unit`
// on a line of several),
// reconnecting for each read (the simulator closes after each response by default).
Reference read_reference(const std::string& uri, int unit = 1);

// The spans the end-to-end tests read, 4 registers each.
inline constexpr std::uint16_t serial_address = 0xE0C0;  // 8 ASCII characters in 4 registers
inline constexpr std::uint16_t live_address = 0x18;      // battery voltage and the next 3 registers
inline constexpr std::uint16_t span_words = 4;

gateway::v1::Request read_request(int function, std::uint32_t address, std::uint32_t count);
std::vector<std::uint16_t> values_of(const gateway::v1::Reply& reply);

}  // namespace tristar::test
