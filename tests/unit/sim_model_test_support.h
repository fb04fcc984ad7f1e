#pragma once
// What the simulator model and engine tests share: a model at an hour of the day, readers of its
// registers and coils, requests and their PDUs, and a PDU runner.
#include <doctest/doctest.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

#include "gateway/sim/addresses.h"
#include "gateway/sim/device_model.h"
#include "gateway/sim/modbus_service.h"
#include "gateway/sim/rtu_framer.h"
#include "gateway/sim/scaling.h"
#include "gateway/sim/transaction_engine.h"
#include "proto/modbus/framing.h"
#include "proto/modbus/pdu.h"

namespace tristar::sim::model_test {

namespace modbus = tristar::modbus;

inline ModelConfig config_at(double hour, bool frozen = false) {
    ModelConfig c;
    c.start_hour = hour;
    c.frozen = frozen;
    return c;
}

inline std::uint16_t state_of(const DeviceModel& m) {
    return m.reg(reg::charge_state);
}
inline double volts(const DeviceModel& m, std::uint16_t a) {
    return raw_volts(m.reg(a));
}
inline double amps(const DeviceModel& m, std::uint16_t a) {
    return raw_amps(m.reg(a));
}
inline double watts(const DeviceModel& m, std::uint16_t a) {
    return m.reg(a) * watts_per_count;
}
inline bool coil_on(const DeviceModel& m, std::uint16_t a) {
    return m.read_coils(a, 1)->at(0);
}

inline std::uint32_t alarms(const DeviceModel& m) {
    return static_cast<std::uint32_t>(m.reg(reg::alarm_hi)) << 16 | m.reg(reg::alarm_lo);
}

inline ServiceOutcome run(DeviceModel& m, std::vector<std::uint8_t> pdu, bool fc16 = false) {
    return execute_request(m, pdu, ServiceOptions{fc16, {}});
}

// A device that answers every request `delay` after it started.
inline QuirkConfig delayed(std::chrono::milliseconds delay) {
    QuirkConfig q;
    q.delay = delay;
    return q;
}

inline modbus::Request request(std::uint8_t fc, std::uint16_t address, std::uint16_t count) {
    return {fc, address, count, 0, {}};
}

inline modbus::Request single_write(std::uint8_t fc, std::uint16_t address, std::uint16_t value) {
    return {fc, address, 0, value, {}};
}

inline modbus::Bytes pdu(const modbus::Request& r) {
    return modbus::encode_request(r);
}

inline modbus::Bytes read_pdu(std::uint8_t fc, std::uint16_t address, std::uint16_t count) {
    return modbus::encode_request({fc, address, count, 0, {}});
}

// Advances a model through `seconds` of real time in small steps, calling `each` after every step.
template <typename F>
inline void advance_by(DeviceModel& m, double seconds, double step, F&& each) {
    for (double t = 0; t < seconds; t += step) {
        m.advance(step);
        each();
    }
}

}  // namespace tristar::sim::model_test
