// Translation between wire requests/replies and link transactions. Pure functions.
#include "gateway/daemon/translate.h"

#include <algorithm>

namespace tristar::gateway {
namespace {

void set_error(v1::Reply& reply, v1::ErrorCode code, const std::string& message,
               std::uint32_t exception = 0) {
    auto* error = reply.mutable_error();
    error->set_code(code);
    error->set_modbus_exception(exception);
    error->set_message(message);
}

}  // namespace

std::vector<std::uint16_t> words_of(const LinkResult& result, bool bits) {
    std::vector<std::uint16_t> words(
        std::min<std::size_t>(result.count, bits ? max_read_bits : max_read_registers));
    for (std::size_t i = 0; i < words.size(); ++i)
        words[i] = bits ? result.bits[i] : result.registers[i];
    return words;
}

Lane lane_of(const v1::Request& request) {
    switch (request.body_case()) {
        case v1::Request::kWriteCoil:
        case v1::Request::kWriteRegister:
        case v1::Request::kWriteRegisters: return Lane::write;
        default: break;
    }
    switch (request.priority()) {
        case v1::PRIORITY_POLL: return Lane::poll;
        case v1::PRIORITY_BACKGROUND: return Lane::background;
        default: return Lane::interactive;
    }
}

LinkRequest link_request_of(const v1::Request& request, std::uint8_t default_unit) {
    LinkRequest out;
    out.unit = request.unit() == 0 ? default_unit : static_cast<std::uint8_t>(request.unit());
    if (request.has_read_registers()) {
        const auto& body = request.read_registers();
        out.function = static_cast<std::uint8_t>(body.function());
        out.address = static_cast<std::uint16_t>(body.address());
        out.count = static_cast<std::uint16_t>(body.count());
    } else if (request.has_read_bits()) {
        const auto& body = request.read_bits();
        out.function = static_cast<std::uint8_t>(body.function());
        out.address = static_cast<std::uint16_t>(body.address());
        out.count = static_cast<std::uint16_t>(body.count());
    } else if (request.has_write_coil()) {
        out.function = 5;
        out.address = static_cast<std::uint16_t>(request.write_coil().address());
        out.coil_value = request.write_coil().value();
    } else if (request.has_write_register()) {
        out.function = 6;
        out.address = static_cast<std::uint16_t>(request.write_register().address());
        out.values[0] = static_cast<std::uint16_t>(request.write_register().value());
    } else if (request.has_write_registers()) {
        const auto& body = request.write_registers();
        out.function = 16;
        out.address = static_cast<std::uint16_t>(body.address());
        const auto count = std::min<std::size_t>(static_cast<std::size_t>(body.values_size()),
                                                 max_write_registers);
        out.count = static_cast<std::uint16_t>(count);
        std::transform(body.values().begin(), body.values().begin() + static_cast<int>(count),
                       out.values.begin(),
                       [](std::uint32_t v) { return static_cast<std::uint16_t>(v); });
    }
    return out;
}

v1::Reply reply_of(const v1::Request& request, const LinkResult& result) {
    v1::Reply reply;
    reply.set_id(request.id());
    reply.set_device_us(result.device_us);
    const std::string message = result.error.data();
    switch (result.status) {
        case LinkStatus::ok:
            if (request.has_read_registers() || request.has_read_bits()) {
                auto values = read_reply(request, words_of(result, request.has_read_bits()));
                values.set_device_us(result.device_us);
                return values;
            }
            reply.mutable_write_ok();
            break;
        case LinkStatus::timeout:
        case LinkStatus::corrupt: set_error(reply, v1::DEVICE_TIMEOUT, message); break;
        case LinkStatus::closed:
        case LinkStatus::unavailable: set_error(reply, v1::DEVICE_UNAVAILABLE, message); break;
        case LinkStatus::outcome_unknown:
            set_error(reply, v1::OUTCOME_UNKNOWN,
                      "the write was sent but its reply was lost; it may or may not have been "
                      "executed (" +
                          message + ")");
            break;
        case LinkStatus::exception:
            set_error(reply, v1::MODBUS_EXCEPTION, message, result.exception);
            break;
    }
    return reply;
}

v1::Reply read_reply(const v1::Request& request, std::span<const std::uint16_t> words) {
    v1::Reply reply;
    reply.set_id(request.id());
    if (request.has_read_bits()) {
        auto* values = reply.mutable_bits()->mutable_values();
        values->Reserve(static_cast<int>(words.size()));
        for (auto w : words) values->Add(w != 0);
    } else {
        auto* values = reply.mutable_registers()->mutable_values();
        values->Reserve(static_cast<int>(words.size()));
        for (auto w : words) values->Add(w);
    }
    return reply;
}

}  // namespace tristar::gateway
