#include "gateway/ctl/output.h"

#include <algorithm>
#include <cstdio>
#include <type_traits>

#include "gateway/ctl/json.h"
#include "proto/tristar/register_map.h"

namespace tristar::ctl {
namespace {

std::string pad_right(std::string text, std::size_t width) {
    if (text.size() < width) text.append(width - text.size(), ' ');
    return text;
}

std::string pad_left(std::string text, std::size_t width) {
    if (text.size() < width) text.insert(0, width - text.size(), ' ');
    return text;
}

// The width of the widest "0x.... (n)" among `count` addresses from `address`.
std::size_t address_width(std::uint16_t address, std::size_t count) {
    const auto last = static_cast<std::uint16_t>(address + (count == 0 ? 0 : count - 1));
    return address_text(last).size();
}

void timing(JsonWriter& json, bool from_cache, std::uint64_t queue_us, std::uint64_t device_us) {
    json.key("from_cache").value(from_cache);
    json.key("queue_us").value(queue_us);
    json.key("device_us").value(device_us);
}

std::string code_name(const client::Failure& failure) {
    if (failure.no_reply) return "NO_REPLY";
    return client::v1::ErrorCode_Name(failure.code);
}

}  // namespace

std::string hex16(std::uint32_t value) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "0x%04x", value);
    return buffer;
}

std::string address_text(std::uint16_t address) {
    return hex16(address) + " (" + std::to_string(address) + ")";
}

std::string registers_text(std::uint16_t address, const std::vector<std::uint16_t>& values) {
    const auto width = address_width(address, values.size());
    std::string out;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const auto at = static_cast<std::uint16_t>(address + i);
        std::string line = pad_right(address_text(at), width) + "  " +
                           pad_left(std::to_string(values[i]), 5) + "  " + hex16(values[i]);
        if (const auto* reg = find_register_at(at)) line += "  " + std::string(reg->name);
        out += line + "\n";
    }
    return out;
}

std::string bits_text(int function, std::uint16_t address, const std::vector<bool>& values) {
    const auto width = address_width(address, values.size());
    std::string out;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const auto at = static_cast<std::uint16_t>(address + i);
        std::string line =
            pad_right(address_text(at), width) + "  " + (values[i] ? "1  on" : "0  off");
        const auto* coil = function == 1 ? find_coil_at(at) : nullptr;
        if (coil != nullptr) line += (values[i] ? "   " : "  ") + std::string(coil->name);
        out += line + "\n";
    }
    return out;
}

namespace {

// The answer of a read as one JSON object: its values, and where and how fast they came from.
template <typename T>
std::string values_json(int function, std::uint16_t address, const client::Answer<std::vector<T>>& answer) {
    JsonWriter json;
    json.begin_object()
        .key("function")
        .value(function)
        .key("address")
        .value(std::uint32_t{address});
    json.key("count").value(std::uint64_t{answer.values.size()}).key("values").begin_array();
    for (const T value : answer.values) {
        if constexpr (std::is_same_v<T, bool>) json.value(value);
        else json.value(std::uint32_t{value});
    }
    json.end_array();
    timing(json, answer.from_cache, answer.queue_us, answer.device_us);
    return json.end_object().str() + "\n";
}

}  // namespace

std::string registers_json(int function, std::uint16_t address,
                           const client::Answer<std::vector<std::uint16_t>>& answer) {
    return values_json(function, address, answer);
}

std::string bits_json(int function, std::uint16_t address,
                      const client::Answer<std::vector<bool>>& answer) {
    return values_json(function, address, answer);
}

std::string readings_text(const std::vector<Reading>& readings) {
    std::size_t width = 0;
    for (const auto& reading : readings) width = std::max(width, reading.name.size());
    std::string out;
    for (const auto& reading : readings) {
        out += pad_right(reading.name, width) + "  " + reading.text + "\n";
    }
    return out;
}

std::string readings_json(const std::vector<Reading>& readings) {
    JsonWriter json;
    json.begin_object();
    for (const auto& reading : readings) {
        json.key(reading.name).begin_object().key("value");
        if (reading.state) {
            json.value(*reading.state);
        } else if (reading.number) {
            json.value(*reading.number);
        } else {
            json.null();
        }
        json.key("unit").value(reading.unit).key("text").value(reading.text);
        json.key("address").value(std::uint32_t{reading.address}).key("raw").begin_array();
        for (const auto word : reading.raw) json.value(std::uint32_t{word});
        json.end_array().end_object();
    }
    return json.end_object().str() + "\n";
}

std::string ok_text() {
    return "ok\n";
}

std::string ok_json() {
    return "{\"ok\":true}\n";
}

std::string failure_json(const client::Failure& failure) {
    JsonWriter json;
    json.begin_object().key("error").begin_object();
    json.key("code").value(code_name(failure));
    json.key("modbus_exception").value(failure.modbus_exception);
    json.key("message").value(failure.message);
    return json.end_object().end_object().str() + "\n";
}

std::string failure_text(const client::Failure& failure) {
    return "tristar-ctl: " + failure.describe() + "\n";
}

}  // namespace tristar::ctl
