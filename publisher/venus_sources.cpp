// How each kind of Venus path is computed from the snapshot (see venus_paths.cpp for the rows).
#include "publisher/venus_sources.h"

#include <array>
#include <cstdio>
#include <limits>

#include "publisher/venus_rules.h"

namespace tristar::publisher::sources {
namespace {

// An integer path's value: the decoded register is a whole number; one beyond int32 (only a
// corrupt 32-bit hourmeter could be) is invalid rather than undefined behaviour or an 'x' path.
std::optional<std::int32_t> as_int(std::optional<double> number) {
    if (!number || *number < std::numeric_limits<std::int32_t>::min() ||
        *number > std::numeric_limits<std::int32_t>::max())
        return std::nullopt;
    return static_cast<std::int32_t>(*number);
}

std::string hex_text(std::uint32_t bits) {
    std::array<char, 16> buf{};
    std::snprintf(buf.data(), buf.size(), "0x%04X", static_cast<unsigned>(bits));
    return buf.data();
}

VenusValue integer_with_text(std::optional<std::uint16_t> raw, std::int32_t (*rule)(std::uint16_t),
                             std::string (*text)(std::int32_t)) {
    if (!raw) return invalid_value();
    std::int32_t value = rule(*raw);
    return integer_value(value, text(value));
}

VenusValue level(std::int32_t value) {
    return integer_value(value, alarm_level_text(value));
}

}  // namespace

VenusValue measurement(const PathSpec& spec, const Snapshot& snapshot, const MappingOptions&) {
    auto number = decoded_number(snapshot, spec.reg);
    if (!number) return invalid_value();
    return number_value(*number, format_number(*number, spec.decimals, spec.unit));
}

VenusValue kilo(const PathSpec& spec, const Snapshot& snapshot, const MappingOptions&) {
    auto number = decoded_number(snapshot, spec.reg);
    if (!number) return invalid_value();
    double value = *number / 1000.0;
    return number_value(value, format_number(value, spec.decimals, spec.unit));
}

VenusValue counter(const PathSpec& spec, const Snapshot& snapshot, const MappingOptions&) {
    auto number = as_int(decoded_number(snapshot, spec.reg));
    if (!number) return invalid_value();
    return integer_value(*number, format_number(*number, 0, spec.unit));
}

VenusValue bit_mask(const PathSpec& spec, const Snapshot& snapshot, const MappingOptions&) {
    auto bits = as_int(decoded_number(snapshot, spec.reg));
    if (!bits) return invalid_value();
    return integer_value(*bits, hex_text(static_cast<std::uint32_t>(*bits)));
}

VenusValue enum_code(const PathSpec& spec, const Snapshot& snapshot, const MappingOptions&) {
    auto value = decoded(snapshot, spec.reg);
    auto code = value ? as_int(value->number) : std::nullopt;
    if (!code) return invalid_value();
    return integer_value(*code, value->text);
}

VenusValue decoded_text(const PathSpec& spec, const Snapshot& snapshot, const MappingOptions&) {
    auto value = decoded(snapshot, spec.reg);
    if (!value) return invalid_value();
    return string_value(value->text);
}

// Spec section 17: T_batt is a battery temperature only while an RTS is connected (T_rts holds a
// reading, not the 0x80 marker); without one it is an ambient estimate and /Dc/0/Temperature,
// which Venus offers as a battery temperature source, must be invalid.
VenusValue dc_temperature(const PathSpec& spec, const Snapshot& snapshot,
                          const MappingOptions& options) {
    if (!decoded_number(snapshot, "rts_temperature")) return invalid_value();
    return measurement(spec, snapshot, options);
}

VenusValue state(const PathSpec&, const Snapshot& snapshot, const MappingOptions&) {
    auto raw = raw_word(snapshot, "charge_state");
    if (!raw) return invalid_value();
    std::int32_t value = venus_state(*raw).state;
    return integer_value(value, state_text(value));
}

VenusValue mode(const PathSpec&, const Snapshot& snapshot, const MappingOptions&) {
    auto disconnect = snapshot.coil(tristar::addr::coil_charge_disconnect);
    if (!disconnect) return invalid_value();
    std::int32_t value = venus_mode(*disconnect);
    return integer_value(value, mode_text(value));
}

VenusValue mpp_operation_mode(const PathSpec&, const Snapshot& snapshot, const MappingOptions&) {
    return integer_with_text(raw_word(snapshot, "charge_state"), publisher::mpp_operation_mode,
                             mpp_operation_mode_text);
}

VenusValue error_code(const PathSpec&, const Snapshot& snapshot, const MappingOptions&) {
    auto faults = raw_word(snapshot, "faults");
    if (!faults) return invalid_value();
    return integer_value(publisher::error_code(*faults), error_text(*faults));
}

VenusValue nr_of_trackers(const PathSpec&, const Snapshot&, const MappingOptions&) {
    return integer_value(1, "1");
}

VenusValue high_temperature(const PathSpec&, const Snapshot& snapshot, const MappingOptions&) {
    auto alarms = decoded_number(snapshot, "alarms");
    if (!alarms) return invalid_value();
    return level(high_temperature_alarm(static_cast<std::uint32_t>(*alarms)));
}

VenusValue short_circuit(const PathSpec&, const Snapshot& snapshot, const MappingOptions&) {
    auto faults = raw_word(snapshot, "faults");
    return faults ? level(short_circuit_alarm(*faults)) : invalid_value();
}

VenusValue any_alarm(const PathSpec&, const Snapshot& snapshot, const MappingOptions&) {
    auto faults = raw_word(snapshot, "faults");
    return faults ? level(any_fault_alarm(*faults)) : invalid_value();
}

VenusValue connection(const PathSpec&, const Snapshot&, const MappingOptions& options) {
    return string_value(connection_text(options.transport));
}

// Never invalid: /ProductName must be non-empty (spec section 4), so before the identity block
// is read it is the family name.
VenusValue product_name(const PathSpec&, const Snapshot& snapshot, const MappingOptions&) {
    return string_value(publisher::product_name(raw_word(snapshot, "model")));
}

VenusValue serial(const PathSpec& spec, const Snapshot& snapshot, const MappingOptions& options) {
    if (!options.serial.empty()) return string_value(options.serial);
    VenusValue value = decoded_text(spec, snapshot, options);
    return value.text.empty() ? invalid_value() : value;
}

VenusValue hardware_version(const PathSpec& spec, const Snapshot& snapshot,
                            const MappingOptions& options) {
    return decoded_text(spec, snapshot, options);
}

VenusValue firmware_version(const PathSpec&, const Snapshot& snapshot, const MappingOptions&) {
    const auto raw = raw_word(snapshot, "firmware_version");
    const auto value = raw ? firmware_version_24bit(*raw) : std::nullopt;
    if (!value) return invalid_value();
    std::array<char, 16> text{};
    std::snprintf(text.data(), text.size(), "v%x.%02x", static_cast<unsigned>(*value >> 16),
                  static_cast<unsigned>(*value >> 8) & 0xFFU);
    return integer_value(*value, text.data());
}

VenusValue controller_firmware(const PathSpec&, const Snapshot& snapshot, const MappingOptions&) {
    auto raw = raw_word(snapshot, "firmware_version");
    auto text = raw ? controller_firmware_text(*raw) : std::nullopt;
    return text ? string_value(*text) : invalid_value();
}

VenusValue network_firmware(const PathSpec&, const Snapshot& snapshot, const MappingOptions&) {
    auto raw = raw_word(snapshot, "network_version");
    return raw ? string_value(network_firmware_text(*raw)) : invalid_value();
}

VenusValue equalize_requested(const PathSpec&, const Snapshot& snapshot, const MappingOptions&) {
    auto requested = snapshot.coil(tristar::addr::coil_equalize);
    if (!requested) return invalid_value();
    return integer_value(*requested ? 1 : 0, *requested ? "Requested" : "No");
}

}  // namespace tristar::publisher::sources
