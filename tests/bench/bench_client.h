#pragma once
// The gateway client options every benchmark client uses.
#include <string>

#include "gateway/client/client.h"
#include "tests/bench/scenarios.h"

namespace tristar::bench {

inline client::Options client_options(const std::string& endpoint, const std::string& name,
                                      tristar::gateway::v1::Priority priority) {
    client::Options options;
    options.endpoint = endpoint;
    options.client_name = name;
    options.priority = priority;
    options.timeout = reply_timeout;
    return options;
}

}  // namespace tristar::bench
