#include "gateway/sim/modbus_service.h"

#include <string_view>

namespace tristar::sim {

namespace {

using modbus::ExceptionCode;
using modbus::Request;
namespace fc = modbus::fc;

constexpr std::uint8_t mei_read_device_id = 0x0E;
constexpr std::uint8_t device_id_basic = 0x01;
// Basic device identification objects (spec section 1): vendor, product code, revision.
constexpr std::string_view device_id_objects[] = {"Morningstar Corp.", "TS-MPPT-60", "v01.01.01"};

// A reply without exception; writes and effects are filled in by the caller.
ServiceOutcome answered(modbus::Bytes response, std::uint8_t function) {
    ServiceOutcome out;
    out.response = std::move(response);
    out.function = function;
    return out;
}

ServiceOutcome read_registers(const DeviceModel& model, const Request& r) {
    const auto words = model.read_registers(r.address, r.count);
    if (!words) return exception_outcome(r.function, ExceptionCode::illegal_data_address);
    return answered(modbus::read_registers_response(r.function, *words), r.function);
}

ServiceOutcome read_bits(const DeviceModel& model, const Request& r) {
    const auto bits = model.read_coils(r.address, r.count);
    if (!bits) return exception_outcome(r.function, ExceptionCode::illegal_data_address);
    return answered(modbus::read_bits_response(r.function, *bits), r.function);
}

ServiceOutcome executed_write(const Request& r, CommandEffect effect) {
    ServiceOutcome out =
        answered(modbus::write_single_response(r.function, r.address, r.value), r.function);
    out.writes.push_back({r.function, r.address, r.value});
    out.effect = effect;
    return out;
}

ServiceOutcome write_coil(DeviceModel& model, const Request& r) {
    const WriteOutcome w = model.write_coil(r.address, r.value == modbus::coil_on);
    if (w.error) return exception_outcome(r.function, *w.error);
    return executed_write(r, w.effect);
}

ServiceOutcome write_register(DeviceModel& model, const Request& r) {
    const WriteOutcome w = model.write_register(r.address, r.value);
    if (w.error) return exception_outcome(r.function, *w.error);
    return executed_write(r, w.effect);
}

ServiceOutcome write_registers(DeviceModel& model, const Request& r) {
    for (std::size_t i = 0; i < r.values.size(); ++i) {  // all or nothing
        if (!model.register_writable(static_cast<std::uint16_t>(r.address + i))) {
            return exception_outcome(r.function, ExceptionCode::illegal_data_address);
        }
    }
    ServiceOutcome out =
        answered(modbus::write_multiple_response(r.function, r.address, r.count), r.function);
    for (std::size_t i = 0; i < r.values.size(); ++i) {
        const auto address = static_cast<std::uint16_t>(r.address + i);
        model.write_register(address, r.values[i]);
        out.writes.push_back({r.function, address, r.values[i]});
    }
    return out;
}

// FC43 / MEI 14, read device id code 1 (basic stream), conformity level 1.
ServiceOutcome read_device_id(std::span<const std::uint8_t> pdu) {
    if (pdu.size() != 4 || pdu[1] != mei_read_device_id) {
        return exception_outcome(fc::encapsulated_interface, ExceptionCode::illegal_function);
    }
    if (pdu[2] != device_id_basic) {
        return exception_outcome(fc::encapsulated_interface, ExceptionCode::illegal_data_value);
    }
    const std::uint8_t first = pdu[3] < std::size(device_id_objects) ? pdu[3] : 0;
    const auto count = static_cast<std::uint8_t>(std::size(device_id_objects) - first);
    modbus::Bytes out{fc::encapsulated_interface,
                      mei_read_device_id,
                      device_id_basic,
                      device_id_basic,
                      0x00,
                      0x00,
                      count};
    for (std::uint8_t id = first; id < std::size(device_id_objects); ++id) {
        const auto text = device_id_objects[id];
        out.push_back(id);
        out.push_back(static_cast<std::uint8_t>(text.size()));
        out.insert(out.end(), text.begin(), text.end());
    }
    return answered(std::move(out), fc::encapsulated_interface);
}

// The function codes this device executes; only they get as far as an address check.
bool served(std::uint8_t function, const ServiceOptions& options) {
    return (function >= fc::read_coils && function <= fc::write_single_register) ||
           (function == fc::write_multiple_registers && options.accept_fc16);
}

}  // namespace

ServiceOutcome exception_outcome(std::uint8_t function, ExceptionCode code) {
    ServiceOutcome out = answered(modbus::exception_response(function, code), function);
    out.exception = code;
    return out;
}

ServiceOutcome execute_request(DeviceModel& model, std::span<const std::uint8_t> pdu,
                               const ServiceOptions& options) {
    if (!pdu.empty() && pdu[0] == fc::encapsulated_interface) return read_device_id(pdu);
    const modbus::ParsedRequest parsed = modbus::parse_request(pdu);
    const Request& r = parsed.request;
    if (!parsed.ok()) return exception_outcome(r.function, *parsed.error);
    if (served(r.function, options)) {
        if (auto refused = refusal(options.refusals, r)) {
            ServiceOutcome out = exception_outcome(r.function, ExceptionCode::illegal_data_address);
            out.refused = std::move(refused);
            return out;
        }
    }
    switch (r.function) {
        case fc::read_coils:
        case fc::read_discrete_inputs: return read_bits(model, r);
        case fc::read_holding_registers:
        case fc::read_input_registers: return read_registers(model, r);
        case fc::write_single_coil: return write_coil(model, r);
        case fc::write_single_register: return write_register(model, r);
        case fc::write_multiple_registers:
            if (!options.accept_fc16) break;
            return write_registers(model, r);
        default: break;
    }
    return exception_outcome(r.function, ExceptionCode::illegal_function);
}

}  // namespace tristar::sim
