#include "gateway/ctl/json.h"

#include <array>
#include <charconv>
#include <cmath>

namespace tristar::ctl {

std::string json_string(std::string_view text) {
    return Json(std::string(text)).dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string json_number(double value) {
    if (!std::isfinite(value)) return "null";
    std::array<char, 32> buffer{};
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    return std::string(buffer.data(), result.ptr);
}

std::string json_document(const Json& document) {
    return json_text(document, json_number) + "\n";
}

}  // namespace tristar::ctl
