#include "publisher/controls.h"

#include <array>

#include "proto/tristar/decode.h"

namespace tristar::publisher {
namespace {

using enum VenusType;

constexpr std::array controls{
    ControlSpec{"/Mode", integer, false},
    ControlSpec{"/Settings/Tristar/ForceEqualize", integer, true},
    ControlSpec{"/SwitchableOutput/0/State", integer, false},
    ControlSpec{"/SwitchableOutput/1/State", integer, true},
    ControlSpec{"/Tristar/Control/ClearFaults", integer, true},
    ControlSpec{"/Tristar/Control/ClearAlarms", integer, true},
    ControlSpec{"/Tristar/Control/ResetController", integer, true},
};

Refusal refuse(std::string reason) {
    return Refusal{set_result::rejected, std::move(reason)};
}

// A one-shot command: 1 sends the coil, 0 does nothing, anything else is refused.
Decision one_shot(std::int32_t value, std::uint16_t coil) {
    if (value == 0) return NoOp{};
    if (value == 1) return CoilWrite{coil, true};
    return refuse("only 1 (do it) or 0 (nothing) is accepted");
}

bool reset_allowed(std::optional<std::uint16_t> charge_state) {
    return charge_state == static_cast<std::uint16_t>(ChargeState::night) ||
           charge_state == static_cast<std::uint16_t>(ChargeState::disconnect);
}

Decision reset_controller(std::int32_t value, std::optional<std::uint16_t> charge_state) {
    if (value == 0) return NoOp{};
    if (value == 2) return CoilWrite{coil_reset_controller, true};
    if (value != 1) return refuse("1 resets in NIGHT or DISCONNECT, 2 resets in any state");
    if (!reset_allowed(charge_state))
        return refuse("the charger is not in NIGHT or DISCONNECT; write 2 to reset anyway");
    return CoilWrite{coil_reset_controller, true};
}

Decision integer_control(std::string_view path, std::int32_t value,
                         std::optional<std::uint16_t> charge_state) {
    if (path == "/Mode") {
        if (value == 1) return CoilWrite{coil_charge_disconnect, false};
        if (value == 4) return CoilWrite{coil_charge_disconnect, true};
        return refuse("/Mode is 1 (on) or 4 (off)");
    }
    if (path == "/SwitchableOutput/0/State") {
        if (value == 0 || value == 1) return CoilWrite{coil_charge_disconnect, value == 0};
        return refuse("the charger switch is 1 (on) or 0 (off)");
    }
    if (path == "/Settings/Tristar/ForceEqualize" || path == "/SwitchableOutput/1/State")
        return one_shot(value, coil_equalize);
    if (path == "/Tristar/Control/ClearFaults") return one_shot(value, coil_clear_faults);
    if (path == "/Tristar/Control/ClearAlarms") return one_shot(value, coil_clear_alarms);
    if (path == "/Tristar/Control/ResetController") return reset_controller(value, charge_state);
    return Refusal{set_result::not_writable, "not a control"};
}

}  // namespace

std::span<const ControlSpec> control_paths() {
    return controls;
}

Decision decide(std::string_view path, const SetArgument& value,
                std::optional<std::uint16_t> charge_state) {
    if (path == "/CustomName") {
        const auto* name = std::get_if<std::string>(&value);
        if (name == nullptr) return Refusal{set_result::not_writable, "/CustomName is a string"};
        if (name->size() > custom_name_max) return refuse("at most 32 characters");
        return SetName{*name};
    }
    const auto* number = std::get_if<std::int32_t>(&value);
    if (number == nullptr) return Refusal{set_result::not_writable, "controls take an integer"};
    return integer_control(path, *number, charge_state);
}

}  // namespace tristar::publisher
