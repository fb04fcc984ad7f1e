#pragma once
// Protocol limits checked before anything else (design.md 4): a request that fails them is
// answered INVALID_REQUEST and never reaches the scheduler or the device.
#include <optional>
#include <string>

#include "gateway.pb.h"

namespace tristar::gateway {

struct ValidationLimits {
    std::uint32_t max_deadline_ms = 600000;
};

// Nothing when the request is acceptable, otherwise why not (sent back to the client).
std::optional<std::string> validate(const v1::Request& request, const ValidationLimits& limits);

}  // namespace tristar::gateway
