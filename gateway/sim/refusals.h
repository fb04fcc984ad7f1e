#pragma once
// Which requests an image answers with exception 2 (illegal data address) although the simulator
// could serve them: --refuse-undocumented (anything the spec does not document, coils included)
// and --refuse RANGES (register ranges a unit's image lacks, e.g. the optional identity words).
// Pure: a request in, a refusal or nothing out.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/sim/address_range.h"
#include "proto/modbus/pdu.h"

namespace tristar::sim {

struct RefusalConfig {
    bool undocumented = false;            // --refuse-undocumented
    std::vector<AddressRange> registers;  // --refuse: registers only (FC03/04/06/16)
};

// A refused request's function and span: the key of the per-range refusal counts.
struct RefusedRequest {
    std::uint8_t function = 0;
    std::uint16_t address = 0;
    std::uint16_t count = 0;

    std::string key() const;  // "fc3 0xe080+78"
};

// The refusal of a parsed, valid request of FC01-06 or FC16, or nothing when it may be served.
std::optional<RefusedRequest> refusal(const RefusalConfig& config, const modbus::Request& request);

}  // namespace tristar::sim
