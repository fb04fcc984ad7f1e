#pragma once
// The publisher's controls (design.md 8, issue "Controls"): which D-Bus paths accept SetValue,
// what each value means and which coil write it becomes. Pure: the service asks decide() and
// carries out the answer; nothing here talks to D-Bus or the gateway.
//
//   /Mode                              1 on, 4 off: coil 2 (charge disconnect) OFF / ON
//   /Settings/Tristar/ForceEqualize    1: coil 0 ON once, the path returns to 0; 0: nothing
//   /SwitchableOutput/0/State          the charger as a GUI toggle: 1 on, 0 off (coil 2 inverted)
//   /SwitchableOutput/1/State          equalize as a GUI momentary button: 1 = ForceEqualize 1
//   /Tristar/Control/ClearFaults       1: coil 0x14 ON
//   /Tristar/Control/ClearAlarms       1: coil 0x15 ON
//   /Tristar/Control/ResetController   1: coil 0xFF ON, only in NIGHT or DISCONNECT (a reset
//                                      drops the connection and clears the daily registers);
//                                      2: the same, in any state
//   /CustomName                        text of at most 32 characters, persisted
// One-shot paths always read 0; writing 0 to them is accepted and does nothing.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "publisher/bus_service.h"

namespace tristar::publisher {

inline constexpr std::uint16_t coil_equalize = 0x0000;
inline constexpr std::uint16_t coil_charge_disconnect = 0x0002;
inline constexpr std::uint16_t coil_clear_faults = 0x0014;
inline constexpr std::uint16_t coil_clear_alarms = 0x0015;
inline constexpr std::uint16_t coil_reset_controller = 0x00FF;
inline constexpr std::size_t custom_name_max = 32;  // spec section 4

struct ControlSpec {
    std::string_view path;
    VenusType type;
    bool one_shot;  // reads 0; a write of 1 (or 2) is a command
};

// Every writable path of the service besides the localsettings-backed /CustomName.
std::span<const ControlSpec> control_paths();

struct CoilWrite {
    std::uint16_t address;
    bool value;
    friend bool operator==(const CoilWrite&, const CoilWrite&) = default;
};
struct SetName {
    std::string name;
};
struct NoOp {};  // accepted, nothing to send (0 to a one-shot path)
struct Refusal {
    std::int32_t code;  // set_result::rejected
    std::string reason;
};
using Decision = std::variant<CoilWrite, SetName, NoOp, Refusal>;

// What a SetValue of `value` (already of the path's type) on `path` should do. `charge_state`
// is the last charge_state read (0x32), absent when unknown; ResetController 1 needs it.
Decision decide(std::string_view path, const SetArgument& value,
                std::optional<std::uint16_t> charge_state);

}  // namespace tristar::publisher
