// tristar-sim's device model under commands: coils (equalize, disconnect, reset, clears), EEPROM
// writes, the unit id, and slave mode (0x58/0x59: enter, refresh, time out, exit, limits).
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
#include "tests/unit/sim_model_test_support.h"

using namespace tristar::sim;
using namespace tristar::sim::model_test;
using tristar::modbus::ExceptionCode;
namespace modbus = tristar::modbus;
// ------------------------------------------------------------------------------------ commands

TEST_CASE("coil 0 equalizes while charging, then returns to float") {
    DeviceModel m(config_at(10.0));
    REQUIRE(state_of(m) == 5);
    CHECK_FALSE(coil_on(m, 0));
    const auto out = run(m, {0x05, 0x00, 0x00, 0xFF, 0x00});
    CHECK(out.response == modbus::Bytes{0x05, 0x00, 0x00, 0xFF, 0x00});
    CHECK(state_of(m) == 8);
    CHECK(coil_on(m, 0));
    CHECK((m.reg(reg::flags_daily) & 0x02) != 0);
    m.advance(6);  // 30 simulated minutes
    CHECK(state_of(m) == 8);
    CHECK(volts(m, reg::vb_ref) > 15.0);
    CHECK(m.reg(reg::time_eq_daily) > 1000);
    m.advance(8);  // Et_eq_reg (1 h) has passed
    CHECK(state_of(m) == 7);
    CHECK_FALSE(coil_on(m, 0));
}

TEST_CASE("an equalize requested at night waits for the day") {
    DeviceModel m(config_at(2.0, true));
    CHECK_FALSE(m.write_coil(coil::equalize, true).error);
    CHECK(state_of(m) == 3);
    CHECK(coil_on(m, 0));
}

TEST_CASE("equalize does nothing when EV_eq is 0") {
    DeviceModel m(config_at(10.0, true));
    m.write_register(reg::ev_eq, 0);
    m.write_coil(coil::equalize, true);
    CHECK_FALSE(coil_on(m, 0));
}

TEST_CASE("coil 2 forces DISCONNECT with no PV current, and releases") {
    DeviceModel m(config_at(10.0, true));
    REQUIRE(state_of(m) == 5);
    CHECK_FALSE(m.write_coil(coil::charge_disconnect, true).error);
    CHECK(state_of(m) == 2);
    CHECK(coil_on(m, 2));
    CHECK(m.reg(reg::ib) == 0);
    CHECK(m.reg(reg::ia) == 0);
    CHECK(m.reg(reg::power_out) == 0);
    CHECK(volts(m, reg::va) > 30);  // open circuit
    CHECK(m.reg(reg::led_state) == 8);
    m.write_coil(coil::charge_disconnect, false);
    CHECK(state_of(m) == 5);
    CHECK_FALSE(coil_on(m, 2));
}

TEST_CASE("coil 0xFF resets the controller") {
    DeviceModel m(config_at(10.0));
    m.advance(10);
    m.write_coil(coil::charge_disconnect, true);
    m.write_register(reg::vb_ref_slave, 2611);
    REQUIRE(m.reg(reg::ahc_daily) > 0);
    const auto out = run(m, {0x05, 0x00, 0xFF, 0xFF, 0x00});
    CHECK(out.effect == CommandEffect::reset_controller);
    CHECK(out.response == modbus::Bytes{0x05, 0x00, 0xFF, 0xFF, 0x00});
    for (std::uint16_t a = reg::daily_first; a <= reg::daily_last; ++a) {
        CAPTURE(a);
        if (a == reg::flags_daily || a == reg::alarm_daily_hi) continue;
        CHECK(m.reg(a) == 0);
    }
    CHECK((m.reg(reg::flags_daily) & 0x01) != 0);  // reset detected
    CHECK((alarms(m) & (1U << 19)) != 0);          // controller was reset
    CHECK(m.reg(reg::alarm_hi) == 0x0008);         // bits 16-23 in the HI word's low byte
    CHECK(m.reg(reg::ib_ref_slave) == 0);
    CHECK(m.reg(reg::vb_ref_slave) == 0);
    CHECK_FALSE(coil_on(m, 2));
    CHECK(state_of(m) != 2);
    CHECK(state_of(m) != 9);
    CHECK(m.write_coil(coil::reset_controller, false).effect == CommandEffect::none);
}

TEST_CASE("coil 0x10FF asks for a comm-server reset and changes nothing else") {
    DeviceModel m(config_at(10.0, true));
    const auto before = m.read_registers(0x0000, 0x5C);
    CHECK(m.write_coil(coil::reset_comm_server, true).effect == CommandEffect::reset_comm_server);
    CHECK(m.read_registers(0x0000, 0x5C) == before);
}

TEST_CASE("an EEPROM write is stored and faults the unit until a reset") {
    DeviceModel m(config_at(10.0, true));
    const auto out = run(m, {0x06, 0xE0, 0x04, 0x00, 0x01});
    REQUIRE_FALSE(out.exception);
    CHECK(m.reg(reg::ev_absorp_ext) == 1);
    CHECK((m.reg(reg::fault_all) & (1U << 6)) != 0);
    CHECK(state_of(m) == 4);
    CHECK(m.reg(reg::ib) == 0);
    m.write_coil(coil::clear_faults, true);  // does not clear a settings edit
    CHECK(state_of(m) == 4);
    m.write_coil(coil::reset_controller, true);
    CHECK(m.reg(reg::fault_all) == 0);
    CHECK(m.reg(reg::ev_absorp_ext) == 1);  // still stored
    m.advance(0);
    CHECK(state_of(m) == 5);
}

TEST_CASE("a new Modbus id takes effect at the next reset") {
    DeviceModel m(config_at(3.0, true));
    m.write_register(reg::emodbus_id, 5);
    CHECK(m.unit_id() == 1);
    m.write_coil(coil::reset_controller, true);
    CHECK(m.unit_id() == 5);
}

TEST_CASE("slave mode: positive writes enter, the 60 s timeout faults, negative exits") {
    DeviceModel m(config_at(10.0, true));
    CHECK_FALSE(m.write_register(reg::vb_ref_slave, 2611).error);  // 14.34 V
    CHECK(state_of(m) == 9);
    m.advance(45);
    m.write_register(reg::ib_ref_slave, 0x3333);  // 32 A, refreshes the timeout
    m.advance(45);
    CHECK(state_of(m) == 9);
    CHECK(m.reg(reg::fault_all) == 0);
    m.advance(16);
    CHECK((m.reg(reg::fault_all) & (1U << 11)) != 0);
    CHECK(state_of(m) == 4);
    CHECK(m.reg(reg::ib) == 0);
    m.write_register(reg::vb_ref_slave, 2611);  // a write resumes slave mode
    CHECK(state_of(m) == 9);
    CHECK((m.reg(reg::fault_all) & (1U << 11)) == 0);
    m.write_register(reg::vb_ref_slave, 0xFFF0);  // -16 exits
    CHECK(state_of(m) == 5);
    m.advance(120);
    CHECK(m.reg(reg::fault_all) == 0);
}

TEST_CASE("slave targets limit the charge") {
    DeviceModel m(config_at(11.0, true));
    m.write_register(reg::ib_ref_slave, 0x1000);  // 10 A
    CHECK(state_of(m) == 9);
    CHECK(amps(m, reg::ib) <= 10.01);
    CHECK(amps(m, reg::ib) > 5);
}

TEST_CASE("slave status: writes, refreshes, exits and the longest gap while in slave mode") {
    DeviceModel m(config_at(11.0, true));
    CHECK(m.slave_status().writes == 0);
    CHECK_FALSE(m.slave_status().active);
    m.advance(30);  // not in slave mode: no gap counts
    m.write_register(reg::vb_ref_slave, 2611);
    m.advance(10);
    m.write_register(reg::ib_ref_slave, 0x1000);
    m.advance(20);
    auto status = m.slave_status();
    CHECK(status.active);
    CHECK(status.longest_gap_s == doctest::Approx(20.0));  // the open gap counts
    CHECK(status.ib_ref_raw == 0x1000);
    CHECK(status.ib_ref_a == doctest::Approx(10.0));
    CHECK(status.vb_ref_v == doctest::Approx(14.34).epsilon(0.001));
    m.write_register(reg::ib_ref_slave, 0xFFF0);
    m.advance(100);
    status = m.slave_status();
    CHECK_FALSE(status.active);
    CHECK(status.writes == 3);
    CHECK(status.refreshes == 2);
    CHECK(status.exits == 1);
    CHECK(status.longest_gap_s == doctest::Approx(20.0));
}

TEST_CASE("slave mode: the charge current follows 0x58 and 0x59; coil 2 stops it") {
    DeviceModel m(config_at(11.0, true));
    m.write_register(reg::ib_ref_slave, 0x0333);  // 2 A
    CHECK(state_of(m) == 9);
    CHECK(m.slave_status().charge_current_a <= 2.0 + 1e-9);
    CHECK(m.slave_status().charge_current_a > 1.5);
    CHECK(amps(m, reg::ib) <= 2.01);
    // 10 A, but a voltage below the battery's: held there, the loads fed, the battery not charged.
    const double target = volts(m, reg::vb_f_med) - 0.5;
    m.write_register(reg::ib_ref_slave, 0x1000);
    m.write_register(reg::vb_ref_slave, static_cast<std::uint16_t>(target * 32768.0 / 180.0));
    CHECK(volts(m, reg::vb_f_med) <= target + 0.01);
    CHECK(m.slave_status().charge_current_a < 9.0);
    m.write_register(reg::vb_ref_slave, 2611);  // 14.34 V: charging again, up to 10 A
    CHECK(m.slave_status().charge_current_a > 5.0);
    CHECK_FALSE(m.write_coil(coil::charge_disconnect, true).error);
    CHECK(state_of(m) == 2);
    CHECK(m.slave_status().charge_current_a == 0.0);
    CHECK(m.slave_status().charge_disconnect);
    CHECK(m.reg(reg::ib) == 0);
    m.write_coil(coil::charge_disconnect, false);
    CHECK(state_of(m) == 9);
    CHECK(m.slave_status().charge_current_a > 5.0);
}

TEST_CASE("clear coils: alarms, faults, counters") {
    DeviceModel m(config_at(3.0, true));
    m.write_coil(coil::reset_controller, true);
    REQUIRE(alarms(m) != 0);
    m.write_coil(coil::clear_alarms, true);
    CHECK(alarms(m) == 0);
    m.write_coil(coil::clear_ah_resettable, true);
    CHECK(m.reg(reg::ahc_r_hi) == 0);
    CHECK(m.reg(0x35) == 0);
    CHECK(m.reg(reg::vb_min) != 0);  // re-seeded with the present voltage
    m.write_coil(coil::clear_kwh_total, true);
    CHECK(m.reg(reg::kwhc_t) == 0);
    CHECK(m.reg(reg::kwhc_r) != 0);
}

TEST_CASE("writes outside the writable registers and coils are illegal addresses") {
    DeviceModel m(ModelConfig{});
    CHECK(run(m, {0x06, 0x00, 0x18, 0x00, 0x01}).exception == ExceptionCode::illegal_data_address);
    CHECK(run(m, {0x06, 0xE0, 0x22, 0x00, 0x01}).exception == ExceptionCode::illegal_data_address);
    CHECK(run(m, {0x06, 0xE0, 0xC0, 0x00, 0x01}).exception == ExceptionCode::illegal_data_address);
    CHECK(run(m, {0x05, 0x00, 0x01, 0xFF, 0x00}).exception == ExceptionCode::illegal_data_address);
    CHECK(run(m, {0x05, 0x00, 0x17, 0xFF, 0x00}).exception == ExceptionCode::illegal_data_address);
    CHECK(run(m, {0x05, 0x00, 0x02, 0x12, 0x34}).exception == ExceptionCode::illegal_data_value);
    CHECK_FALSE(run(m, {0x05, 0x10, 0x00, 0xFF, 0x00}).exception);  // test notification
}
