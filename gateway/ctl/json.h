#pragma once
// JsonWriter: a small streaming JSON writer for tristar-ctl's --json output (one document per
// command). Hand-written so the CLI needs no JSON dependency; escaping follows RFC 8259.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tristar::ctl {

// The string as a JSON string literal, quotes included: control characters as \uXXXX,
// quote and backslash escaped, UTF-8 passed through.
std::string json_string(std::string_view text);

// The shortest text that reads back as the same double; "null" when not finite.
std::string json_number(double value);

class JsonWriter {
  public:
    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    JsonWriter& key(std::string_view name);
    JsonWriter& value(std::string_view text);
    JsonWriter& value(const char* text) { return value(std::string_view{text}); }
    JsonWriter& value(double number);
    JsonWriter& value(std::uint64_t number);
    JsonWriter& value(std::int64_t number);
    JsonWriter& value(std::uint32_t number) { return value(std::uint64_t{number}); }
    JsonWriter& value(int number) { return value(std::int64_t{number}); }
    JsonWriter& value(bool flag);
    JsonWriter& null();
    // Already-serialised JSON (e.g. protobuf's), inserted as one value.
    JsonWriter& raw(std::string_view json);

    const std::string& str() const { return out_; }

  private:
    void before_value();

    std::string out_;
    std::vector<bool> has_items_;  // one per open object/array
    bool after_key_ = false;
};

}  // namespace tristar::ctl
