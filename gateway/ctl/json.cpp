#include "gateway/ctl/json.h"

#include <array>
#include <charconv>
#include <cmath>
#include <string_view>
#include <utility>

namespace tristar::ctl {

namespace {

// The characters with a two-character escape (RFC 8259 section 7).
constexpr std::array<std::pair<char, std::string_view>, 7> short_escapes{{
    {'"', "\\\""},
    {'\\', "\\\\"},
    {'\n', "\\n"},
    {'\r', "\\r"},
    {'\t', "\\t"},
    {'\b', "\\b"},
    {'\f', "\\f"},
}};

void append_escaped(std::string& out, char c) {
    for (const auto& [plain, escaped] : short_escapes) {
        if (c == plain) {
            out += escaped;
            return;
        }
    }
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20) {
        out += c;  // printable ASCII and UTF-8 bytes pass through
        return;
    }
    constexpr std::string_view hex = "0123456789abcdef";
    out += "\\u00";
    out += hex[byte >> 4U];
    out += hex[byte & 0x0FU];
}

}  // namespace

std::string json_string(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    out += '"';
    for (const char c : text) append_escaped(out, c);
    out += '"';
    return out;
}

std::string json_number(double value) {
    if (!std::isfinite(value)) return "null";
    std::array<char, 32> buffer{};
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    return std::string(buffer.data(), result.ptr);
}

void JsonWriter::before_value() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (!has_items_.empty()) {
        if (has_items_.back()) out_ += ',';
        has_items_.back() = true;
    }
}

JsonWriter& JsonWriter::begin_object() {
    before_value();
    out_ += '{';
    has_items_.push_back(false);
    return *this;
}

JsonWriter& JsonWriter::end_object() {
    out_ += '}';
    has_items_.pop_back();
    return *this;
}

JsonWriter& JsonWriter::begin_array() {
    before_value();
    out_ += '[';
    has_items_.push_back(false);
    return *this;
}

JsonWriter& JsonWriter::end_array() {
    out_ += ']';
    has_items_.pop_back();
    return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
    before_value();
    out_ += json_string(name);
    out_ += ':';
    after_key_ = true;
    return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
    return raw(json_string(text));
}
JsonWriter& JsonWriter::value(double number) {
    return raw(json_number(number));
}
JsonWriter& JsonWriter::value(std::uint64_t number) {
    return raw(std::to_string(number));
}
JsonWriter& JsonWriter::value(std::int64_t number) {
    return raw(std::to_string(number));
}
JsonWriter& JsonWriter::value(bool flag) {
    return raw(flag ? "true" : "false");
}
JsonWriter& JsonWriter::null() {
    return raw("null");
}

JsonWriter& JsonWriter::raw(std::string_view json) {
    before_value();
    out_ += json;
    return *this;
}

}  // namespace tristar::ctl
