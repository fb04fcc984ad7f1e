// Unit tests for tristar-sim's device model (day curve, registers, identity) and the Modbus service
// on top of it; commands are in test_sim_commands.cpp, the transaction engine in
// test_sim_engine.cpp.
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

// ------------------------------------------------------------------------------------ identity

TEST_CASE("scale factors, firmware and identity are what real units report") {
    const DeviceModel m(ModelConfig{});
    CHECK(m.reg(reg::v_pu_hi) == 180);
    CHECK(m.reg(reg::v_pu_lo) == 0);
    CHECK(m.reg(reg::i_pu_hi) == 80);
    CHECK(m.reg(reg::i_pu_lo) == 0);
    CHECK(m.reg(reg::ver_sw) == 0x0012);
    CHECK(m.reg(0xE0C0) == 0x3130);  // "01234567", low byte first
    CHECK(m.reg(0xE0C1) == 0x3332);
    CHECK(m.reg(0xE0C2) == 0x3534);
    CHECK(m.reg(0xE0C3) == 0x3736);
    CHECK(m.reg(reg::emodel) == 1);
    CHECK(m.reg(reg::ehw_version) == 0x0102);
    CHECK(m.reg(reg::emodbus_id) == 1);
    CHECK(m.reg(reg::dip_all) == 0xBC);  // the spec's real 12 V unit
    CHECK(m.unit_id() == 1);
}

TEST_CASE("serial number and unit id come from the config") {
    ModelConfig c;
    c.serial = "16031234";
    c.unit_id = 7;
    const DeviceModel m(c);
    CHECK(m.reg(0xE0C0) == 0x3631);
    CHECK(m.reg(0xE0C3) == 0x3433);
    CHECK(m.reg(reg::emodbus_id) == 7);
    CHECK(m.unit_id() == 7);
}

TEST_CASE("EEPROM charge settings are plausible and scale with the battery") {
    for (const int v : {12, 24, 48}) {
        ModelConfig c;
        c.battery_volts = v;
        const DeviceModel m(c);
        const double n = v / 12.0;
        CAPTURE(v);
        CHECK(volts(m, reg::ev_absorp) == doctest::Approx(14.4 * n).epsilon(0.002));
        CHECK(volts(m, reg::ev_float) == doctest::Approx(13.7 * n).epsilon(0.002));
        CHECK(volts(m, reg::ev_eq) == doctest::Approx(15.1 * n).epsilon(0.002));
        CHECK(m.reg(reg::et_absorp) == 7200);
        CHECK(as_signed(m.reg(reg::etb_min)) == -30);
    }
}

// ----------------------------------------------------------------------------------- day curve

TEST_CASE("a day passes through NIGHT, MPPT, ABSORPTION, FLOAT and back to NIGHT") {
    DeviceModel m(ModelConfig{});  // 300 s per day, starting at midnight
    CHECK(state_of(m) == 3);
    CHECK(volts(m, reg::va) < 1.0);
    std::vector<std::uint16_t> states{state_of(m)};
    double max_power = 0;
    advance_by(m, 300, 0.5, [&] {
        if (states.back() != state_of(m)) states.push_back(state_of(m));
        max_power = std::max(max_power, watts(m, reg::power_out));
        const double vb = volts(m, reg::vb_f_med);
        CHECK(vb > 11.5);
        CHECK(vb < 15.2);
        CHECK(m.reg(reg::fault_all) == 0);
        CHECK(alarms(m) == 0);
    });
    const std::vector<std::uint16_t> expected{3, 5, 6, 7, 1, 3};
    CHECK(states == expected);
    CHECK(max_power > 400);
    CHECK(max_power < 900);
}

TEST_CASE("MPPT in the morning: array above battery, current and power flowing") {
    const DeviceModel m(config_at(9.0, true));
    REQUIRE(state_of(m) == 5);
    CHECK(volts(m, reg::va) > volts(m, reg::vb_f_med) + 10);
    CHECK(amps(m, reg::ib) > 10);
    CHECK(amps(m, reg::ia) > 0);
    CHECK(amps(m, reg::ia) < amps(m, reg::ib));  // MPPT: higher voltage, lower current
    const double p = volts(m, reg::vb_f_med) * amps(m, reg::ib);
    CHECK(watts(m, reg::power_out) == doctest::Approx(p).epsilon(0.02));
    CHECK(watts(m, reg::power_in) >= watts(m, reg::power_out));
    CHECK(volts(m, reg::sweep_voc) > volts(m, reg::sweep_vmp));
    CHECK(volts(m, reg::sweep_vmp) > volts(m, reg::vb_f_med));
    CHECK(m.reg(reg::led_state) == 5);
}

TEST_CASE("absorption holds the temperature-compensated target, float a lower one") {
    const DeviceModel abs(config_at(11.8, true));
    REQUIRE(state_of(abs) == 6);
    CHECK(volts(abs, reg::vb_f_med) == doctest::Approx(volts(abs, reg::vb_ref)).epsilon(0.003));
    CHECK(volts(abs, reg::vb_ref) > 14.3);
    const DeviceModel flt(config_at(15.0, true));
    REQUIRE(state_of(flt) == 7);
    CHECK(volts(flt, reg::vb_ref) == doctest::Approx(13.7).epsilon(0.02));
    CHECK(volts(flt, reg::vb_f_med) == doctest::Approx(volts(flt, reg::vb_ref)).epsilon(0.003));
    CHECK((flt.reg(reg::flags_daily) & 0x04) != 0);  // entered float today
}

TEST_CASE("daily and total counters accumulate over the day") {
    DeviceModel m(config_at(5.0));
    const std::uint32_t hours_before = std::uint32_t{m.reg(0x2A)} << 16 | m.reg(0x2B);
    const std::uint32_t ah_before = std::uint32_t{m.reg(reg::ahc_t_hi)} << 16 | m.reg(0x37);
    m.advance(150);  // to 17:00
    CHECK(m.hour_of_day() == doctest::Approx(17.0).epsilon(0.01));
    const std::uint32_t hours = std::uint32_t{m.reg(0x2A)} << 16 | m.reg(0x2B);
    CHECK(hours == hours_before + 12);
    const std::uint32_t ah = std::uint32_t{m.reg(reg::ahc_t_hi)} << 16 | m.reg(0x37);
    const double ah_daily = m.reg(reg::ahc_daily) * 0.1;
    CHECK(ah_daily > 50);
    CHECK((ah - ah_before) * 0.1 == doctest::Approx(ah_daily).epsilon(0.01));
    const std::uint16_t wh = m.reg(reg::whc_daily);
    CHECK(wh > 1000);
    CHECK(wh % 10 == 0);  // raw = Wh in 10 Wh steps
    CHECK(wh == doctest::Approx(ah_daily * 13.5).epsilon(0.1));
    CHECK(m.reg(reg::time_ab_daily) == 7200);
    CHECK(m.reg(reg::time_fl_daily) > 3600);
    CHECK(m.reg(reg::time_eq_daily) == 0);
    CHECK(volts(m, reg::vb_min_daily) < volts(m, reg::vb_max_daily));
    CHECK(volts(m, reg::va_max_daily) > 30);
    CHECK(watts(m, reg::pout_max_daily) > 400);
    CHECK(as_signed(m.reg(reg::tb_min_daily)) <= as_signed(m.reg(reg::tb_max_daily)));
}

TEST_CASE("daily registers stay frozen from midnight until dawn") {
    DeviceModel m(config_at(23.0));
    m.advance(25);  // 23:00 -> 01:00
    const auto before = m.read_registers(reg::daily_first, 16);
    m.advance(50);  // -> 05:00, still dark
    CHECK(m.read_registers(reg::daily_first, 16) == before);
    m.advance(25);  // -> 07:00: a new day started at dawn
    CHECK(m.reg(reg::ahc_daily) < 200);
    CHECK(m.reg(reg::time_fl_daily) == 0);
}

TEST_CASE("battery and array voltages are plausible at 12, 24 and 48 V") {
    for (const int v : {12, 24, 48}) {
        CAPTURE(v);
        ModelConfig night;
        night.battery_volts = v;
        const DeviceModel m(night);
        const double n = v / 12.0;
        CHECK(volts(m, reg::vb_f_med) > 12.0 * n);
        CHECK(volts(m, reg::vb_f_med) < 13.2 * n);
        CHECK(m.reg(reg::dip_all) == (v == 12 ? 0xBC : v == 24 ? 0xBA : 0xBE));
        ModelConfig noon = night;
        noon.start_hour = 10.0;
        noon.frozen = true;
        const DeviceModel d(noon);
        CHECK(volts(d, reg::va) > volts(d, reg::vb_f_med));
        CHECK(volts(d, reg::va) < 150.0);
        CHECK(volts(d, reg::vb_f_med) < 15.2 * n);
    }
}

TEST_CASE("signed registers are stored as two's complement") {
    ModelConfig c = config_at(3.0, true);
    const DeviceModel m(c);
    CHECK(m.reg(reg::etb_min) == 0xFFE2);  // -30 degC
    DeviceModel w(c);
    CHECK_FALSE(w.write_register(reg::vb_ref_slave, 0xFFF0).error);
    CHECK(as_signed(w.reg(reg::vb_ref_slave)) == -16);
}

// ---------------------------------------------------------------------------- frozen and seeds

TEST_CASE("frozen mode: nothing moves") {
    for (const double hour : {0.0, 9.0, 12.0, 15.0}) {
        CAPTURE(hour);
        DeviceModel m(config_at(hour, true));
        const auto ram = m.read_registers(0x0000, 0x5C);
        const auto eeprom = m.read_registers(0xE000, 0xCE);
        for (int i = 0; i < 20; ++i) m.advance(5.0);
        CHECK(m.read_registers(0x0000, 0x5C) == ram);
        CHECK(m.read_registers(0xE000, 0xCE) == eeprom);
    }
}

TEST_CASE("the same seed gives the same run; values move when not frozen") {
    DeviceModel a(config_at(9.0));
    DeviceModel b(config_at(9.0));
    const auto start = a.read_registers(0x0000, 0x5C);
    for (int i = 0; i < 10; ++i) {
        a.advance(0.7);
        b.advance(0.7);
    }
    CHECK(a.read_registers(0x0000, 0x5C) == b.read_registers(0x0000, 0x5C));
    CHECK(a.read_registers(0x0000, 0x5C) != start);
}

// ------------------------------------------------------------------------------- reads via FCs

TEST_CASE("FC03 and FC04 return the same data") {
    DeviceModel m(config_at(10.0, true));
    for (const auto& [address, count] : std::vector<std::pair<std::uint16_t, std::uint16_t>>{
             {0x0000, 92}, {0x0018, 56}, {0xE000, 34}, {0xE0C0, 14}, {0x1000, 42}}) {
        const std::uint16_t first = address;  // CAPTURE takes a lambda, which clang 14 lets see
        CAPTURE(first);                       // no structured binding
        const auto holding = run(m, read_pdu(3, address, count));
        const auto input = run(m, read_pdu(4, address, count));
        REQUIRE_FALSE(holding.exception);
        REQUIRE_FALSE(input.exception);
        CHECK(holding.response.size() == 2 + 2 * std::size_t{count});
        CHECK(std::equal(holding.response.begin() + 1, holding.response.end(),
                         input.response.begin() + 1));
    }
}

TEST_CASE("reads not entirely inside one mapped block are illegal data addresses") {
    DeviceModel m(ModelConfig{});
    for (const auto& [address, count] :
         std::vector<std::pair<std::uint16_t, std::uint16_t>>{{0x005B, 2},
                                                              {0x005C, 1},
                                                              {0x0100, 1},
                                                              {0x0FFF, 2},
                                                              {0x1031, 1},
                                                              {0x2000, 10},
                                                              {0xDFFF, 2},
                                                              {0xE0CD, 2},
                                                              {0xE0CE, 1},
                                                              {0xFFFF, 1},
                                                              {0x0050, 125}}) {
        const std::uint16_t first = address, words = count;  // CAPTURE takes a lambda, which
        CAPTURE(first);                                      // clang 14 lets see no structured
        CAPTURE(words);                                      // binding
        const auto out = run(m, read_pdu(3, address, count));
        CHECK(out.exception == ExceptionCode::illegal_data_address);
        CHECK(out.response == modbus::Bytes{0x83, 0x02});
    }
    CHECK_FALSE(run(m, read_pdu(4, 0x0005, 19)).exception);  // reserved words inside the block
    CHECK_FALSE(run(m, read_pdu(3, 0x005B, 1)).exception);
    CHECK_FALSE(run(m, read_pdu(3, 0xE0CD, 1)).exception);
    CHECK(run(m, read_pdu(1, 0x0100, 1)).exception == ExceptionCode::illegal_data_address);
    CHECK(run(m, read_pdu(2, 0x00F0, 17)).exception == ExceptionCode::illegal_data_address);
}

TEST_CASE("bad counts are illegal data values, unknown function codes illegal functions") {
    DeviceModel m(ModelConfig{});
    CHECK(run(m, read_pdu(3, 0, 126)).exception == ExceptionCode::illegal_data_value);
    CHECK(run(m, {0x07}).exception == ExceptionCode::illegal_function);
    CHECK(run(m, {0x0F, 0, 0, 0, 1, 1, 1}).exception == ExceptionCode::illegal_function);
    CHECK(run(m, {0x41, 0, 0}).response == modbus::Bytes{0xC1, 0x01});
}

TEST_CASE("FC16 is an illegal function unless enabled") {
    DeviceModel m(config_at(3.0, true));
    const auto pdu = modbus::encode_request({0x10, 0x58, 2, 0, {0x3333, 0x0A33}});
    CHECK(run(m, pdu).exception == ExceptionCode::illegal_function);
    CHECK(m.reg(reg::ib_ref_slave) == 0);
    const auto out = run(m, pdu, true);
    REQUIRE_FALSE(out.exception);
    CHECK(out.response == modbus::Bytes{0x10, 0x00, 0x58, 0x00, 0x02});
    CHECK(m.reg(reg::ib_ref_slave) == 0x3333);
    CHECK(m.reg(reg::vb_ref_slave) == 0x0A33);
    CHECK(out.writes.size() == 2);
    // all or nothing: 0x5B is writable, 0x5C is not mapped
    const auto bad = modbus::encode_request({0x10, 0x5B, 2, 0, {1, 2}});
    CHECK(run(m, bad, true).exception == ExceptionCode::illegal_data_address);
    CHECK(m.reg(reg::va_ref_fixed_pct) == 0);
}

TEST_CASE("coils read back through FC01 and FC02") {
    DeviceModel m(config_at(10.0, true));
    CHECK_FALSE(run(m, {0x05, 0x00, 0x02, 0xFF, 0x00}).exception);
    for (const std::uint8_t fc : {std::uint8_t{1}, std::uint8_t{2}}) {
        const auto out = run(m, read_pdu(fc, 0, 3));
        REQUIRE_FALSE(out.exception);
        CHECK(out.response == modbus::Bytes{fc, 0x01, 0x04});  // coil 2 set
    }
}

TEST_CASE("device identification (FC43/14) answers the basic objects") {
    DeviceModel m(ModelConfig{});
    const auto out = run(m, {0x2B, 0x0E, 0x01, 0x00});
    REQUIRE_FALSE(out.exception);
    const std::string text(out.response.begin(), out.response.end());
    CHECK(text.find("Morningstar Corp.") != std::string::npos);
    CHECK(text.find("TS-MPPT-60") != std::string::npos);
    CHECK(run(m, {0x2B, 0x0E, 0x04, 0x00}).exception == ExceptionCode::illegal_data_value);
}
