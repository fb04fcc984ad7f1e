#pragma once
// A TriStar MPPT 60 without I/O: the register image, coils and the physics behind them. The model
// owns the physics (time, sun, charger, battery) and composes the parts: DeviceState (what it
// knows), DeviceCommands (coils and writes), SlaveMode (0x58/0x59 and its timer) and LiveRegisters
// (state -> RAM words). Time only moves when advance() is called with elapsed real seconds; the
// day is compressed so that a full day takes `day_seconds` of real time (protocol timers such as
// the 60 s slave timeout stay in real seconds). Not thread-safe; one owner.
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "gateway/sim/battery.h"
#include "gateway/sim/charger.h"
#include "gateway/sim/device_commands.h"
#include "gateway/sim/device_state.h"
#include "gateway/sim/live_registers.h"
#include "gateway/sim/register_image.h"
#include "gateway/sim/slave_mode.h"
#include "gateway/sim/solar_day.h"

namespace tristar::sim {

struct ModelConfig {
    double day_seconds = 300.0;  // real seconds per simulated day
    double start_hour = 0.0;     // the day starts at midnight: night
    int battery_volts = 12;
    std::string serial = "01234567";
    std::uint8_t unit_id = 1;
    bool frozen = false;  // no time, no noise: values stay put (commands still act)
    std::uint32_t seed = 1;
};

class DeviceModel {
  public:
    explicit DeviceModel(const ModelConfig& config);
    // DeviceCommands holds references into this model.
    DeviceModel(const DeviceModel&) = delete;
    DeviceModel& operator=(const DeviceModel&) = delete;

    void advance(double real_seconds);

    // Modbus access: nothing when the range is not entirely inside one mapped block.
    std::optional<std::vector<std::uint16_t>> read_registers(std::uint16_t address,
                                                             std::uint16_t count) const {
        return image_.read(address, count);
    }
    std::optional<std::vector<bool>> read_coils(std::uint16_t address, std::uint16_t count) const {
        return commands_.read_coils(address, count);
    }
    bool register_writable(std::uint16_t address) const {
        return DeviceCommands::register_writable(address);
    }
    WriteOutcome write_coil(std::uint16_t address, bool on);
    WriteOutcome write_register(std::uint16_t address, std::uint16_t value);

    // Inspection (tests, logs).
    std::uint16_t reg(std::uint16_t address) const { return image_.get(address); }
    ChargeState charge_state() const { return state_.charge; }
    std::uint8_t unit_id() const { return state_.unit_id; }
    double hour_of_day() const;
    double soc() const { return battery_.soc(); }
    const RegisterImage& image() const { return image_; }
    SlaveStatus slave_status() const;

  private:
    void physics_step(double device_seconds);
    ChargeInputs charge_inputs(const ArrayPoint& array) const;
    ChargeTargets charge_targets() const;
    double fixed_array_voltage(const ArrayPoint& array) const;
    void apply_events(const ChargeStep& step);
    void on_midnight();
    void on_dawn();
    void check_slave_timeout();
    void update_environment(double device_seconds, double irradiance, double ambient_c);
    // After time passed or a command acted: re-evaluate, then refresh the RAM block.
    WriteOutcome settle(WriteOutcome outcome);

    ModelConfig config_;
    double scale_;  // battery volts / 12
    RegisterImage image_;
    std::mt19937 rng_;
    PvArray array_;
    Battery battery_;
    Charger charger_;
    DeviceState state_;
    double cloud_ = 1.0;
    SlaveMode slave_;
    LiveRegisters live_;
    DeviceCommands commands_;
};

}  // namespace tristar::sim
