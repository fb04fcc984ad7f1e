// Section 17 of spec/venus-dbus.md: the charge state, fault and alarm mapping as tables.
#include "publisher/venus_rules.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include "proto/tristar/decode.h"

namespace tristar::publisher {
namespace {

using tristar::ChargeState;
namespace vs = venus_state_value;

struct StateRow {
    ChargeState charge_state;
    std::int32_t state;
    std::int32_t mpp_mode;  // 0 off, 1 voltage/current limited, 2 MPPT active
    std::string_view text;  // of `state`
};

// clang-format off
constexpr std::array state_rows{
    StateRow{ChargeState::start, vs::off, 0, "Off"},
    StateRow{ChargeState::night_check, vs::off, 0, "Off"},
    StateRow{ChargeState::disconnect, vs::off, 0, "Off"},
    StateRow{ChargeState::night, vs::off, 0, "Off"},
    StateRow{ChargeState::fault, vs::fault, 0, "Fault"},
    StateRow{ChargeState::mppt, vs::bulk, 2, "Bulk"},
    StateRow{ChargeState::absorption, vs::absorption, 1, "Absorption"},
    StateRow{ChargeState::floating, vs::floating, 1, "Float"},
    StateRow{ChargeState::equalize, vs::equalize, 1, "Equalize"},
    StateRow{ChargeState::slave, vs::external_control, 1, "External control"},
};
// clang-format on

struct FaultRow {
    unsigned bit;
    std::int32_t code;
};

// Table order is precedence: the first row whose bit is set gives the code.
constexpr std::array fault_rows{
    FaultRow{0, 18},    // overcurrent -> charger over-current
    FaultRow{1, 28},    // FETs shorted -> power stage
    FaultRow{2, 40},    // software bug -> internal failure
    FaultRow{3, 2},     // battery HVD -> battery voltage high
    FaultRow{4, 33},    // array HVD -> input voltage high
    FaultRow{5, 119},   // settings switch changed -> settings invalid
    FaultRow{6, 119},   // custom settings edit -> settings invalid
    FaultRow{7, 3},     // RTS shorted -> Tsense miswired
    FaultRow{8, 5},     // RTS disconnected -> Tsense missing
    FaultRow{9, 113},   // EEPROM retry limit -> memory write
    FaultRow{11, 115},  // slave control timeout -> communication lost
};

constexpr unsigned alarm_heatsink_high_temperature = 5;
constexpr unsigned fault_fets_shorted = 1;

bool bit_set(std::uint32_t bits, unsigned bit) {
    return (bits >> bit & 1U) != 0;
}

const StateRow* find_state(std::uint16_t charge_state) {
    for (const auto& row : state_rows) {
        if (static_cast<std::uint16_t>(row.charge_state) == charge_state) return &row;
    }
    return nullptr;
}

std::optional<unsigned> first_set_bit(std::uint16_t bits) {
    for (unsigned bit = 0; bit < 16; ++bit) {
        if (bit_set(bits, bit)) return bit;
    }
    return std::nullopt;
}

}  // namespace

StateMapping venus_state(std::uint16_t charge_state) {
    const StateRow* row = find_state(charge_state);
    return row ? StateMapping{row->state, true} : StateMapping{vs::off, false};
}

std::string state_text(std::int32_t state) {
    auto it = std::ranges::find(state_rows, state, &StateRow::state);
    return it == state_rows.end() ? "State " + std::to_string(state) : std::string(it->text);
}

std::int32_t mpp_operation_mode(std::uint16_t charge_state) {
    const StateRow* row = find_state(charge_state);
    return row ? row->mpp_mode : 0;
}

std::string mpp_operation_mode_text(std::int32_t mode) {
    switch (mode) {
        case 0: return "Off";
        case 1: return "Voltage/current limited";
        case 2: return "MPPT active";
        default: return "Not available";
    }
}

std::int32_t venus_mode(bool charge_disconnect) {
    return charge_disconnect ? 4 : 1;
}

std::string mode_text(std::int32_t mode) {
    return mode == 1 ? "On" : mode == 4 ? "Off" : "Mode " + std::to_string(mode);
}

std::optional<unsigned> error_bit(std::uint16_t faults) {
    for (const auto& row : fault_rows) {
        if (bit_set(faults, row.bit)) return row.bit;
    }
    return first_set_bit(faults);
}

std::int32_t error_code(std::uint16_t faults) {
    for (const auto& row : fault_rows) {
        if (bit_set(faults, row.bit)) return row.code;
    }
    return faults == 0 ? 0 : error_unknown;
}

std::string error_text(std::uint16_t faults) {
    auto bit = error_bit(faults);
    if (!bit) return "No error";
    auto names = tristar::fault_names(static_cast<std::uint16_t>(1U << *bit));
    return "#" + std::to_string(error_code(faults)) + " " + names.front();
}

std::int32_t high_temperature_alarm(std::uint32_t alarms) {
    return bit_set(alarms, alarm_heatsink_high_temperature) ? alarm_warning : alarm_ok;
}

std::int32_t short_circuit_alarm(std::uint16_t faults) {
    return bit_set(faults, fault_fets_shorted) ? alarm_alarm : alarm_ok;
}

std::int32_t any_fault_alarm(std::uint16_t faults) {
    return faults != 0 ? alarm_alarm : alarm_ok;
}

std::string alarm_level_text(std::int32_t level) {
    switch (level) {
        case alarm_ok: return "OK";
        case alarm_warning: return "Warning";
        case alarm_alarm: return "Alarm";
        default: return "Level " + std::to_string(level);
    }
}

std::string product_name(std::optional<std::uint16_t> model) {
    constexpr std::array<std::string_view, 3> names{"TriStar MPPT 45", "TriStar MPPT 60",
                                                    "TriStar MPPT 30"};
    if (!model || *model >= names.size()) return "TriStar MPPT";
    return std::string(names[*model]);
}

std::string connection_text(std::string_view transport) {
    if (transport.empty()) return "tristar-gatewayd";
    return std::string(transport) + " via tristar-gatewayd";
}

std::optional<std::string> controller_firmware_text(std::uint16_t ver_sw) {
    for (unsigned shift = 0; shift < 16; shift += 4) {
        if ((unsigned{ver_sw} >> shift & 0xFU) > 9) return std::nullopt;
    }
    return "v" + std::to_string(tristar::bcd_value(ver_sw));
}

std::optional<std::int32_t> firmware_version_24bit(std::uint16_t ver_sw) {
    constexpr std::int32_t dvcc_minimum = 0x10200;
    if (ver_sw > 0xFF || !controller_firmware_text(ver_sw)) return std::nullopt;
    const std::int32_t value = std::int32_t{ver_sw} << 16;
    if (value < dvcc_minimum) return std::nullopt;
    return value;
}

std::string network_firmware_text(std::uint16_t version) {
    std::array<char, 8> buf{};
    std::snprintf(buf.data(), buf.size(), "0x%04X", static_cast<unsigned>(version));
    return buf.data();
}

}  // namespace tristar::publisher
