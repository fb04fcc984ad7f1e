#pragma once
// `status --json`: the gateway's Status message in protobuf's JSON mapping (proto3 JSON, proto
// field names, every scalar and repeated field printed even when zero or empty, unset messages
// left out), built field by field with nlohmann (json.h) rather than with protobuf's reflection,
// so the lite runtime suffices. 64-bit integers are strings, bytes are base64, map keys are
// strings, fields come in declaration order.
#include <string>
#include <string_view>

#include "gateway/client/client.h"

namespace tristar::ctl {

// Standard base64 with padding (RFC 4648 section 4), as protobuf's JSON mapping writes bytes.
std::string base64(std::string_view bytes);

// One JSON document and a newline.
std::string status_json(const client::v1::Status& status);

}  // namespace tristar::ctl
