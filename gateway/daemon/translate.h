#pragma once
// Translation between wire requests/replies and link transactions. Pure functions.
#include <cstdint>
#include <span>
#include <vector>

#include "gateway.pb.h"
#include "gateway/daemon/link_types.h"
#include "gateway/daemon/scheduler.h"

namespace tristar::gateway {

// The scheduling lane of a request: writes first, then the read's priority.
Lane lane_of(const v1::Request& request);

// The LinkRequest that carries a validated request to the device. Counts beyond the limits of
// link_types.h are clamped, never copied past the arrays, should an unvalidated request come.
LinkRequest link_request_of(const v1::Request& request, std::uint8_t default_unit);

// The reply to a request from its device transaction's result (errors and writes).
v1::Reply reply_of(const v1::Request& request, const LinkResult& result);

// The words a link result read (bits as 0/1 words).
std::vector<std::uint16_t> words_of(const LinkResult& result, bool bits);

// The reply to a read from the words it asked for (bits as 0/1 words).
v1::Reply read_reply(const v1::Request& request, std::span<const std::uint16_t> words);

}  // namespace tristar::gateway
