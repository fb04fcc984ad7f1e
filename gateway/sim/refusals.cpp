#include "gateway/sim/refusals.h"

#include <cstdio>

#include "gateway/sim/documented_addresses.h"

namespace tristar::sim {

namespace {

namespace fc = modbus::fc;

// Single writes name one address; reads and FC16 a quantity.
std::uint16_t span_of(const modbus::Request& r) {
    const bool single =
        r.function == fc::write_single_coil || r.function == fc::write_single_register;
    return single ? 1 : r.count;
}

bool undocumented(const modbus::Request& r, std::uint16_t count) {
    return modbus::is_bit_access(r.function) ? !coils_documented(r.address, count)
                                             : !registers_documented(r.address, count);
}

}  // namespace

std::string RefusedRequest::key() const {
    char text[32];
    std::snprintf(text, sizeof text, "fc%u 0x%04x+%u", unsigned{function}, unsigned{address},
                  unsigned{count});
    return text;
}

std::optional<RefusedRequest> refusal(const RefusalConfig& config, const modbus::Request& request) {
    const std::uint16_t count = span_of(request);
    const bool refused = (config.undocumented && undocumented(request, count)) ||
                         (!modbus::is_bit_access(request.function) &&
                          touches(config.registers, request.address, count));
    if (!refused) return std::nullopt;
    return RefusedRequest{request.function, request.address, count};
}

}  // namespace tristar::sim
