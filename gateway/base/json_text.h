#pragma once
// json_text: a JSON document built with nlohmann::ordered_json (members in insertion order) as
// compact text, with the program's own notation for doubles. nlohmann prints doubles its own way
// (-16.0, 100000.0, 0.0001) where the documents the tools have always printed use the shortest
// round-trip text (-16, 1e+05, 1e-04: tristar-ctl) or a fixed number of decimals (1.500: the
// simulator's stats); the notation is a parameter so both stay byte for byte what they were.
// Everything else (strings, integers, booleans, null) is nlohmann's: strings escaped as RFC 8259
// says, control characters as \u00xx, UTF-8 passed through (an invalid byte becomes U+FFFD
// instead of an exception).
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

namespace tristar {

using Json = nlohmann::ordered_json;

// The text of one finite double; json_text prints a non-finite one as null.
using JsonDoubleText = std::string (*)(double value);

inline void append_json(std::string& out, const Json& value, JsonDoubleText double_text) {
    if (value.is_number_float()) {
        const double number = value.get<double>();
        out += std::isfinite(number) ? double_text(number) : "null";
        return;
    }
    if (!value.is_structured()) {
        out += value.dump(-1, ' ', false, Json::error_handler_t::replace);
        return;
    }
    const bool object = value.is_object();
    out += object ? '{' : '[';
    const char* separator = "";
    for (const auto& item : value.items()) {
        out += separator;
        separator = ",";
        if (object) {
            append_json(out, Json(item.key()), double_text);
            out += ':';
        }
        append_json(out, item.value(), double_text);
    }
    out += object ? '}' : ']';
}

inline std::string json_text(const Json& document, JsonDoubleText double_text) {
    std::string out;
    append_json(out, document, double_text);
    return out;
}

}  // namespace tristar
