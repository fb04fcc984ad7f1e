#pragma once
// A TriStar MPPT 60 without I/O: the register image, coils and the physics behind them. Time only
// moves when advance() is called with elapsed real seconds; the day is compressed so that a full
// day takes `day_seconds` of real time (protocol timers such as the 60 s slave timeout stay in
// real seconds). Not thread-safe; one owner.
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "gateway/sim/battery.h"
#include "gateway/sim/charger.h"
#include "gateway/sim/counters.h"
#include "gateway/sim/register_image.h"
#include "gateway/sim/solar_day.h"
#include "proto/modbus/pdu.h"

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

// How a master drove slave mode (0x58/0x59, spec section 4), for tests: tristar-sim --stats.
struct SlaveStatus {
    bool active = false;           // in slave mode (SLAVE, or faulted by its timeout)
    std::uint64_t writes = 0;      // writes to 0x58 or 0x59, exits included
    std::uint64_t refreshes = 0;   // positive writes: enter or keep slave mode
    std::uint64_t exits = 0;       // negative writes
    double longest_gap_s = 0.0;    // longest time without a write while in slave mode, open gap included
    std::uint16_t ib_ref_raw = 0;  // 0x58
    std::uint16_t vb_ref_raw = 0;  // 0x59
    double ib_ref_a = 0.0;         // 0x58 in A (n * 80 / 2^15)
    double vb_ref_v = 0.0;         // 0x59 in V
    double charge_current_a = 0.0;
    bool charge_disconnect = false;  // coil 2
};

// What a command asks of the transport around the model.
enum class CommandEffect { none, reset_controller, reset_comm_server };

struct WriteOutcome {
    std::optional<modbus::ExceptionCode> error;
    CommandEffect effect = CommandEffect::none;
};

class DeviceModel {
  public:
    explicit DeviceModel(const ModelConfig& config);

    void advance(double real_seconds);

    // Modbus access: nothing when the range is not entirely inside one mapped block.
    std::optional<std::vector<std::uint16_t>> read_registers(std::uint16_t address,
                                                             std::uint16_t count) const;
    std::optional<std::vector<bool>> read_coils(std::uint16_t address, std::uint16_t count) const;
    bool register_writable(std::uint16_t address) const;
    WriteOutcome write_coil(std::uint16_t address, bool on);
    WriteOutcome write_register(std::uint16_t address, std::uint16_t value);

    // Inspection (tests, logs).
    std::uint16_t reg(std::uint16_t address) const { return image_.get(address); }
    ChargeState charge_state() const { return state_; }
    std::uint8_t unit_id() const { return unit_id_; }
    double hour_of_day() const;
    double soc() const { return battery_.soc(); }
    const RegisterImage& image() const { return image_; }
    SlaveStatus slave_status() const;

  private:
    // device_model.cpp: time and physics
    void physics_step(double device_seconds);
    ChargeInputs charge_inputs(const ArrayPoint& array) const;
    ChargeTargets charge_targets() const;
    double fixed_array_voltage(const ArrayPoint& array) const;
    void apply_events(const ChargeStep& step);
    void on_midnight();
    void on_dawn();
    void check_slave_timeout();
    void update_environment(double device_seconds, double irradiance, double ambient_c);
    double noise(double counts);
    // device_commands.cpp: coils and register writes
    WriteOutcome command_coil(std::uint16_t address, bool on);
    void clear_counters(std::uint16_t address);
    void write_slave_register(std::uint16_t address, std::uint16_t value);
    void reset_controller();
    void update_lifetime_eeprom();
    // live_registers.cpp: state -> RAM words
    void publish();
    void publish_measurements();
    void publish_status();
    void publish_counters();
    void publish_daily();

    ModelConfig config_;
    double scale_;  // battery volts / 12
    RegisterImage image_;
    std::mt19937 rng_;
    PvArray array_;
    Battery battery_;
    Charger charger_;
    Totals totals_;
    DailyLog daily_;

    double real_seconds_ = 0.0;
    double device_seconds_ = 0.0;  // since midnight of day 0
    ChargeState state_ = ChargeState::start;
    ElectricalPoint point_;
    ArrayPoint sweep_;
    double cloud_ = 1.0;
    double battery_temp_c_ = 12.0;
    double heatsink_temp_c_ = 12.0;
    double vb_1m_ = 0.0;
    double ib_1m_ = 0.0;

    std::uint16_t faults_ = 0;
    std::uint32_t alarms_ = 0;
    bool equalize_requested_ = false;
    bool disconnect_ = false;
    bool slave_ = false;
    bool slave_timed_out_ = false;
    double slave_written_at_ = 0.0;  // real seconds
    SlaveStatus slave_log_;           // counts and the longest closed gap
    std::uint8_t unit_id_;
};

}  // namespace tristar::sim
