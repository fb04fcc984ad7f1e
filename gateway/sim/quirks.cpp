#include "gateway/sim/quirks.h"

namespace tristar::sim {

Quirks::Quirks(const QuirkConfig& config, std::uint32_t seed) : config_(config), rng_(seed) {}

bool Quirks::roll(double probability) {
    if (probability <= 0.0) return false;
    if (probability >= 1.0) return true;
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < probability;
}

bool Quirks::swallows(const modbus::Request& request) const {
    const bool coils = request.function == modbus::fc::read_coils ||
                       request.function == modbus::fc::read_discrete_inputs;
    const bool registers = request.function == modbus::fc::read_holding_registers ||
                           request.function == modbus::fc::read_input_registers;
    const auto& address = coils ? config_.swallow_coil : config_.swallow_register;
    if ((!coils && !registers) || !address) return false;
    return *address >= request.address && *address - request.address < request.count;
}

std::chrono::microseconds Quirks::response_delay() {
    std::chrono::microseconds delay = config_.delay;
    const auto jitter_us = std::chrono::microseconds(config_.delay_jitter).count();
    if (jitter_us > 0) {
        delay += std::chrono::microseconds(
            std::uniform_int_distribution<std::int64_t>(0, jitter_us)(rng_));
    }
    return delay;
}

}  // namespace tristar::sim
