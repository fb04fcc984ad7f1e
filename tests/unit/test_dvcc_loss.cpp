// DVCC when systemcalc goes quiet or the BMS goes (publisher/dvcc.h): loss with and without a
// BMS, sensing writes that are no DVCC, restarts during a stop, and half of systemcalc's writes.
#include <doctest/doctest.h>

#include "publisher/dvcc.h"
#include "tests/unit/dvcc_test_support.h"

namespace tristar::publisher {
namespace {

using namespace std::chrono_literals;
using namespace dvcc_test;

TEST_CASE("dvcc: a restart during a BMS loss keeps the stop and #67 until DVCC writes again") {
    Dvcc dvcc(enabled(), t0, DvccMemory{.bms_present = true, .stop_held = true});
    const DeviceView off{180.0, 0.0, disconnect, true};
    for (auto t = 0s; t <= 120s; t += 3s) {
        REQUIRE(dvcc.set("/Link/BatteryCurrent", 1.5, t0 + t) ==
                set_result::accepted);  // a shunt only
        CHECK(coil(dvcc.step(off, t0 + t)) == std::nullopt);
        CHECK(integer_at(dvcc.values(off, t0 + t), "/ErrorCode") == 67);
    }
    dvcc_writes(dvcc, t0 + 123s, 27.6, 2.0, 13);
    const auto step = dvcc.step(off, t0 + 123s);
    REQUIRE(step.writes.size() == 3);
    CHECK(step.writes[0].address == 0x58);  // limited before charging again
    CHECK(coil(step) == false);
}

TEST_CASE(
    "dvcc: a restart during a 0 A stop without a BMS holds it until DVCC writes or for the loss "
    "delay") {
    Dvcc dvcc(enabled(), t0, DvccMemory{.bms_present = false, .stop_held = true});
    const DeviceView off{180.0, 0.0, disconnect, true};
    CHECK(coil(dvcc.step(off, t0 + 59s)) == std::nullopt);
    CHECK(dvcc.values(off, t0 + 59s).count("/ErrorCode") == 0);
    CHECK(coil(dvcc.step(off, t0 + 60s)) == false);  // DVCC gone: own settings
}

TEST_CASE("dvcc: nothing acts on half of systemcalc's writes") {
    Dvcc dvcc(enabled(), t0);
    dvcc_writes(dvcc, t0, 27.6, 2.0, 13);
    ack(dvcc, dvcc.step(bulk(), t0), t0);
    ack(dvcc, dvcc.step(DeviceView{180.0, 27.6, slave, false}, t0 + 60s),
        t0 + 60s);  // BMS lost: stopped
    const DeviceView off{180.0, 27.6, disconnect, true};
    // The BMS is back. NetworkMode, then ChargeVoltage: the current is still to come; neither
    // releases the stop nor enters slave mode at the configured 60 A.
    const auto back = t0 + 90s;
    REQUIRE(dvcc.set("/Link/NetworkMode", 13, back) == set_result::accepted);
    CHECK(dvcc.step(off, back).writes.empty());
    REQUIRE(dvcc.set("/Link/ChargeVoltage", 27.6, back + 1ms) == set_result::accepted);
    CHECK(dvcc.step(off, back + 1ms).writes.empty());
    REQUIRE(dvcc.set("/Link/ChargeCurrent", 2.0, back + 2ms) == set_result::accepted);
    const auto step = dvcc.step(off, back + 2ms);
    REQUIRE(step.writes.size() == 3);
    CHECK(step.writes[0].value == amps_raw(2.0));
    CHECK(coil(step) == false);
}

TEST_CASE(
    "dvcc: 60 s without a DVCC write leaves slave mode (0xFFF0); the TriStar charges on its own") {
    Dvcc dvcc(enabled(), t0);
    dvcc_writes(dvcc, t0, 27.6, 2.0, 5);
    ack(dvcc, dvcc.step(bulk(), t0), t0);
    const DeviceView in_slave{180.0, 27.6, slave, false};
    for (auto now = t0 + 1s; now < t0 + 60s; now += 1s) {
        const auto step = dvcc.step(in_slave, now);
        for (const auto& w : step.writes) CHECK(w.value != slave_exit_value);
        ack(dvcc, step, now);
    }
    const auto step = dvcc.step(in_slave, t0 + 60s);
    CHECK(reg(step, 0x58) == slave_exit_value);
    CHECK(reg(step, 0x59) == slave_exit_value);
    CHECK_FALSE(coil(step));
    CHECK(step.events.size() == 1);
    ack(dvcc, step, t0 + 60s);
    CHECK(dvcc.values(bulk(), t0 + 61s).count("/ErrorCode") == 0);
    CHECK(integer_at(dvcc.values(bulk(), t0 + 61s), "/Link/NetworkStatus") == 4);  // standalone
    CHECK(dvcc.step(bulk(), t0 + 62s).writes.empty());
}

TEST_CASE("dvcc: 60 s without a DVCC write under a BMS stops with error 67; DVCC back resumes") {
    Dvcc dvcc(enabled(), t0);
    dvcc_writes(dvcc, t0, 27.6, 2.0, 13);  // networked, remote voltage, BMS
    CHECK(integer_at(dvcc.values(bulk(), t0), "/Settings/BmsPresent") == 1);
    CHECK(integer_at(dvcc.values(bulk(), t0), "/Link/NetworkStatus") == 0);  // slave
    ack(dvcc, dvcc.step(bulk(), t0), t0);
    auto step = dvcc.step(DeviceView{180.0, 27.6, slave, false}, t0 + 60s);
    REQUIRE(step.writes.size() == 3);
    CHECK(coil(step) == true);
    CHECK(step.writes[0].target == DvccWrite::Target::coil);
    CHECK(reg(step, 0x58) == slave_exit_value);
    ack(dvcc, step, t0 + 60s);
    const DeviceView stopped{180.0, 0.0, disconnect, true};
    auto values = dvcc.values(stopped, t0 + 61s);
    CHECK(integer_at(values, "/ErrorCode") == 67);
    CHECK(integer_at(values, "/State") == 2);  // fault, not Off: systemcalc comes back to it
    CHECK(integer_at(values, "/Mode") == 1);
    // DVCC writes again: limited, then released; the device's own error again.
    dvcc_writes(dvcc, t0 + 90s, 27.6, 2.0, 13);
    step = dvcc.step(stopped, t0 + 90s);
    CHECK(reg(step, 0x58) == amps_raw(2.0));
    CHECK(coil(step) == false);
    CHECK(step.writes.back().target == DvccWrite::Target::coil);
    CHECK(dvcc.values(stopped, t0 + 90s).count("/ErrorCode") == 0);
}

TEST_CASE(
    "dvcc: sensing writes alone are no DVCC: a BMS gone while a battery monitor stays stops with "
    "67") {
    Dvcc dvcc(enabled(), t0);
    dvcc_writes(dvcc, t0, 27.6, 2.0, 13);
    ack(dvcc, dvcc.step(bulk(), t0), t0);
    const DeviceView in_slave{180.0, 27.6, slave, false};
    // systemcalc stops sending limits but writes BatteryCurrent every 3 s from the shunt.
    for (auto t = 3s; t < 60s; t += 3s) {
        REQUIRE(dvcc.set("/Link/BatteryCurrent", 1.5, t0 + t) == set_result::accepted);
        CHECK_FALSE(coil(dvcc.step(in_slave, t0 + t)));
    }
    const auto step = dvcc.step(in_slave, t0 + 60s);
    REQUIRE_FALSE(step.writes.empty());
    CHECK(step.writes[0].target == DvccWrite::Target::coil);  // stopped before slave mode is left
    CHECK(coil(step) == true);
    ack(dvcc, step, t0 + 60s);
    const DeviceView stopped{180.0, 0.0, disconnect, true};
    REQUIRE(dvcc.set("/Link/BatteryCurrent", 1.5, t0 + 63s) == set_result::accepted);
    CHECK_FALSE(coil(dvcc.step(stopped, t0 + 63s)));  // a sensing write does not resume
    const auto values = dvcc.values(stopped, t0 + 63s);
    CHECK(integer_at(values, "/ErrorCode") == 67);
    CHECK(integer_at(values, "/Link/NetworkStatus") == 4);  // not driven any more
    CHECK_FALSE(values.at("/Link/ChargeVoltage").valid());  // 63 s old: no limit shown
    CHECK(values.at("/Link/BatteryCurrent").valid());       // fresh
}

TEST_CASE("dvcc: resetting BmsPresent during a BMS loss releases the stop") {
    Dvcc dvcc(enabled(), t0);
    dvcc_writes(dvcc, t0, 27.6, 2.0, 13);
    ack(dvcc, dvcc.step(bulk(), t0), t0);
    ack(dvcc, dvcc.step(bulk(), t0 + 60s), t0 + 60s);
    CHECK(dvcc.set("/Settings/BmsPresent", 0, t0 + 70s) == set_result::accepted);
    const DeviceView stopped{180.0, 0.0, disconnect, true};
    const auto step = dvcc.step(stopped, t0 + 70s);
    CHECK(coil(step) == false);
    CHECK(dvcc.values(stopped, t0 + 70s).count("/ErrorCode") == 0);
    CHECK(dvcc.set("/Settings/BmsPresent", 2, t0) == set_result::rejected);
}

TEST_CASE("dvcc: a unit found in SLAVE is left alone for 60 s with DVCC on, waiting for DVCC") {
    Dvcc dvcc(enabled(), t0);
    const DeviceView in_slave{180.0, 27.6, slave, false};
    CHECK(dvcc.step(in_slave, t0 + 59s).writes.empty());
    const auto step = dvcc.step(in_slave, t0 + 60s);
    CHECK(reg(step, 0x58) == slave_exit_value);
}

}  // namespace
}  // namespace tristar::publisher
