#pragma once
// tristar-ctl's --json output: one document per command, built as a tristar::Json
// (nlohmann::ordered_json, members in the order they are added) and printed by json_document on
// one line. Doubles print as the shortest text that reads back as the same double, which
// nlohmann's own notation is not (json_text.h).
#include <string>
#include <string_view>

#include "gateway/base/json_text.h"

namespace tristar::ctl {

using tristar::Json;

// The string as a JSON string literal, quotes included: control characters as \uXXXX,
// quote and backslash escaped, UTF-8 passed through.
std::string json_string(std::string_view text);

// The shortest text that reads back as the same double; "null" when not finite.
std::string json_number(double value);

// The document on one line, then a newline.
std::string json_document(const Json& document);

}  // namespace tristar::ctl
