#include "gateway/ctl/output.h"

#include <algorithm>
#include <cstdio>

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

template <typename Value>
std::string answer_json(int function, std::uint16_t address,
                        const client::Answer<std::vector<Value>>& answer) {
    Json json;
    json["function"] = function;
    json["address"] = address;
    json["count"] = answer.values.size();
    json["values"] = answer.values;
    json["from_cache"] = answer.from_cache;
    json["queue_us"] = answer.queue_us;
    json["device_us"] = answer.device_us;
    return json_document(json);
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

std::string registers_json(int function, std::uint16_t address,
                           const client::Answer<std::vector<std::uint16_t>>& answer) {
    return answer_json(function, address, answer);
}

std::string bits_json(int function, std::uint16_t address,
                      const client::Answer<std::vector<bool>>& answer) {
    return answer_json(function, address, answer);
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
    Json json = Json::object();
    for (const auto& reading : readings) {
        Json& item = json[reading.name];
        if (reading.state) {
            item["value"] = *reading.state;
        } else if (reading.number) {
            item["value"] = *reading.number;
        } else {
            item["value"] = nullptr;
        }
        item["unit"] = reading.unit;
        item["text"] = reading.text;
        item["address"] = reading.address;
        item["raw"] = reading.raw;
    }
    return json_document(json);
}

std::string ok_text() {
    return "ok\n";
}

std::string ok_json() {
    return "{\"ok\":true}\n";
}

std::string failure_json(const client::Failure& failure) {
    Json error;
    error["code"] = code_name(failure);
    error["modbus_exception"] = failure.modbus_exception;
    error["message"] = failure.message;
    return json_document(Json{{"error", error}});
}

std::string failure_text(const client::Failure& failure) {
    return "tristar-ctl: " + failure.describe() + "\n";
}

}  // namespace tristar::ctl
