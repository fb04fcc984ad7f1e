#pragma once
// Coils and register writes: what a master can make the controller do (spec sections 4, 6.4,
// 6.5). Acts on the state, the register image, slave mode and the charger of the DeviceModel that
// owns it (references into that model, so it lives and dies with it); the model re-runs its
// physics after a command that succeeded.
#include <cstdint>
#include <optional>
#include <vector>

#include "gateway/sim/charger.h"
#include "gateway/sim/device_state.h"
#include "gateway/sim/register_image.h"
#include "gateway/sim/slave_mode.h"
#include "proto/modbus/pdu.h"

namespace tristar::sim {

// What a command asks of the transport around the model.
enum class CommandEffect { none, reset_controller, reset_comm_server };

struct WriteOutcome {
    std::optional<modbus::ExceptionCode> error;
    CommandEffect effect = CommandEffect::none;
};

class DeviceCommands {
  public:
    DeviceCommands(DeviceState& state, RegisterImage& image, SlaveMode& slave, Charger& charger)
        : state_(state), image_(image), slave_(slave), charger_(charger) {}

    // Nothing when the range is not entirely inside one mapped coil block.
    std::optional<std::vector<bool>> read_coils(std::uint16_t address, std::uint16_t count) const;
    static bool register_writable(std::uint16_t address);
    WriteOutcome command_coil(std::uint16_t address, bool on);
    // Stores a writable register: settings fault the unit until a reset, 0x58/0x59 drive slave
    // mode.
    WriteOutcome write_register(std::uint16_t address, std::uint16_t value);

  private:
    void clear_counters(std::uint16_t address);
    void write_slave_register(std::uint16_t address, std::uint16_t value);
    void reset_controller();

    DeviceState& state_;
    RegisterImage& image_;
    SlaveMode& slave_;
    Charger& charger_;
};

}  // namespace tristar::sim
