// DVCC through the slave registers (publisher/dvcc.h): scaling, the lower voltage, clamping,
// the charge stop and its owner, refresh, failed writes, and DVCC off (loss: test_dvcc_loss.cpp).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "gateway/base/config_file.h"
#include "publisher/config.h"
#include "publisher/dvcc.h"
#include "publisher/service_items.h"
#include "tests/unit/dvcc_test_support.h"

namespace tristar::publisher {
namespace {

using namespace std::chrono_literals;
using namespace dvcc_test;

TEST_CASE("dvcc: 27.6 V and 2 A on a 24 V bank become vb_ref_slave and Ib_ref_slave at once") {
    Dvcc dvcc(enabled(), t0);
    dvcc_writes(dvcc, t0 + 1s, 27.6, 2.0);
    const auto step = dvcc.step(bulk(), t0 + 1s);
    CHECK(reg(step, 0x59) == volts_raw(27.6));  // 5024: actual volts, V_PU scale
    CHECK(reg(step, 0x59) == 5024);
    CHECK(reg(step, 0x58) == amps_raw(2.0));  // 819: fixed 80 A scale
    CHECK(reg(step, 0x58) == 819);
    CHECK_FALSE(coil(step));
    CHECK(step.writes.size() == 2);
    // Another V_PU scales the voltage only.
    Dvcc other(enabled(), t0);
    dvcc_writes(other, t0 + 1s, 27.6, 2.0);
    const auto scaled = other.step(DeviceView{78.01, 28.8, mppt, false}, t0 + 1s);
    CHECK(reg(scaled, 0x59) == volts_raw(27.6, 78.01));
    CHECK(reg(scaled, 0x58) == 819);
}

TEST_CASE(
    "dvcc: the lower of DVCC's voltage and the TriStar's own target; the own target as read "
    "outside SLAVE") {
    Dvcc dvcc(enabled(), t0);
    dvcc_writes(dvcc, t0, 27.6, 2.0);
    auto step = dvcc.step(bulk(27.0), t0);
    CHECK(reg(step, 0x59) == volts_raw(27.0));
    ack(dvcc, step, t0);
    // In SLAVE, vb_ref shows the slave target, not the unit's own: it is not taken.
    dvcc_writes(dvcc, t0 + 3s, 27.4, 2.0);
    step = dvcc.step(DeviceView{180.0, 26.0, slave, false}, t0 + 3s);
    CHECK(reg(step, 0x59) == std::nullopt);  // min(27.4, 27.0) is still 27.0: nothing new
    // A new DVCC voltage below the own target is written at once.
    dvcc_writes(dvcc, t0 + 4s, 26.5, 2.0);
    step = dvcc.step(DeviceView{180.0, 27.0, slave, false}, t0 + 4s);
    CHECK(reg(step, 0x59) == volts_raw(26.5));
    CHECK(reg(step, 0x58) == std::nullopt);  // the current did not change
}

TEST_CASE("dvcc: the current is clamped to 0..charge_current_limit") {
    Dvcc dvcc(enabled(30.0), t0);
    dvcc_writes(dvcc, t0, 28.0, 45.0);
    const auto step = dvcc.step(bulk(), t0);
    CHECK(reg(step, 0x58) == amps_raw(30.0));
    const auto values = dvcc.values(bulk(), t0);
    CHECK(std::get<double>(values.at("/Settings/ChargeCurrentLimit").value) == 30.0);
    CHECK(std::get<double>(values.at("/Link/ChargeCurrent").value) == 45.0);  // as written
}

TEST_CASE("dvcc: no binding limit, no slave mode: the TriStar keeps its own charge stages") {
    Dvcc dvcc(enabled(), t0);
    dvcc_writes(dvcc, t0, 29.5, 60.0);  // above its own 28.80 V target, and 60 A
    CHECK(dvcc.step(bulk(), t0).writes.empty());
    dvcc_writes(dvcc, t0 + 3s, 29.5, 59.0);  // a current that binds: slave, at the own target
    const auto step = dvcc.step(bulk(), t0 + 3s);
    CHECK(reg(step, 0x58) == amps_raw(59.0));
    CHECK(reg(step, 0x59) == volts_raw(28.8));
}

TEST_CASE(
    "dvcc: 0 A stops with coil 2 and leaves slave mode; current again enters slave mode, then "
    "releases") {
    Dvcc dvcc(enabled(), t0);
    enter_slave_mode(dvcc);
    dvcc_writes(dvcc, t0 + 3s, 27.6, 0.0);
    auto step = dvcc.step(DeviceView{180.0, 27.6, slave, false}, t0 + 3s);
    REQUIRE(step.writes.size() == 3);
    CHECK(step.writes[0].target == DvccWrite::Target::coil);  // stop first
    CHECK(coil(step) == true);
    CHECK(reg(step, 0x58) == slave_exit_value);
    CHECK(reg(step, 0x59) == slave_exit_value);
    ack(dvcc, step, t0 + 3s);
    // Stopped by DVCC alone: /Mode stays the user's 1, /State External control (not Off).
    const DeviceView stopped{180.0, 0.0, disconnect, true};
    auto values = dvcc.values(stopped, t0 + 4s);
    CHECK(integer_at(values, "/Mode") == 1);
    CHECK(integer_at(values, "/State") == 252);
    CHECK(dvcc.memory().stop_held);
    CHECK(dvcc.step(stopped, t0 + 5s).writes.empty());
    dvcc_writes(dvcc, t0 + 6s, 27.6, 5.0);
    step = dvcc.step(stopped, t0 + 6s);
    REQUIRE(step.writes.size() == 3);
    CHECK(step.writes[0].address == 0x58);  // limited before charging again
    CHECK(step.writes[0].value == amps_raw(5.0));
    CHECK(step.writes[2].target == DvccWrite::Target::coil);
    CHECK(coil(step) == false);
    CHECK_FALSE(dvcc.memory().stop_held);
}

TEST_CASE(
    "dvcc: a user's /Mode off is never released by DVCC, and /Mode on does not release DVCC's "
    "stop") {
    Dvcc dvcc(enabled(), t0);
    enter_slave_mode(dvcc);
    CHECK(dvcc.user_switch(true) == true);  // the user's off: coil 2 ON, through the usual write
    const DeviceView off{180.0, 0.0, disconnect, true};
    dvcc_writes(dvcc, t0 + 3s, 27.6, 0.0);
    auto step = dvcc.step(off, t0 + 3s);
    CHECK_FALSE(coil(step));  // ON already
    ack(dvcc, step, t0 + 3s);
    dvcc_writes(dvcc, t0 + 6s, 27.6, 3.0);
    step = dvcc.step(off, t0 + 6s);
    CHECK_FALSE(coil(step));  // DVCC allows current: the user's stop stays
    CHECK(integer_at(dvcc.values(off, t0 + 6s), "/Mode") == 4);
    ack(dvcc, step, t0 + 6s);

    // The other way round: DVCC stops, the user switches on: the coil stays ON until DVCC allows.
    CHECK(dvcc.user_switch(false) == false);  // no DVCC stop now: coil 2 OFF
    const DeviceView on = bulk();
    dvcc_writes(dvcc, t0 + 9s, 27.6, 0.0);
    step = dvcc.step(on, t0 + 9s);
    CHECK(coil(step) == true);
    ack(dvcc, step, t0 + 9s);
    CHECK(dvcc.user_switch(false) == std::nullopt);  // accepted, nothing written
    CHECK(dvcc.user_switch(true) == std::nullopt);   // ON already, now also the user's
    dvcc_writes(dvcc, t0 + 12s, 27.6, 3.0);
    CHECK_FALSE(coil(dvcc.step(off, t0 + 12s)));  // the user's stop outlasts DVCC's
}

TEST_CASE("dvcc: coil 2 found ON is someone else's stop: DVCC never releases it") {
    Dvcc dvcc(enabled(), t0);
    const DeviceView off{180.0, 0.0, disconnect, true};
    dvcc_writes(dvcc, t0, 27.6, 0.0);
    CHECK(dvcc.step(off, t0).writes.empty());
    dvcc_writes(dvcc, t0 + 3s, 27.6, 2.0);
    const auto step = dvcc.step(off, t0 + 3s);
    CHECK_FALSE(coil(step));
    CHECK(integer_at(dvcc.values(off, t0 + 3s), "/Mode") == 4);
}

TEST_CASE("dvcc: a stop held at the last stop stays DVCC's after a restart") {
    Dvcc dvcc(enabled(), t0, DvccMemory{.bms_present = false, .stop_held = true});
    const DeviceView off{180.0, 0.0, disconnect, true};
    dvcc_writes(dvcc, t0, 27.6, 2.0);
    const auto step = dvcc.step(off, t0);
    CHECK(coil(step) == false);
    CHECK(reg(step, 0x58) == amps_raw(2.0));
}

TEST_CASE(
    "dvcc: slave registers are rewritten every 15 s while DVCC writes come (the unit faults after "
    "60 s)") {
    Dvcc dvcc(enabled(), t0);
    std::vector<SteadyTime> current_writes;
    for (auto now = t0; now < t0 + 180s; now += 1s) {
        if ((now - t0) % 3s == 0s) dvcc_writes(dvcc, now, 27.6, 2.0);
        const auto step = dvcc.step(DeviceView{180.0, 28.8, slave, false}, now);
        if (reg(step, 0x58)) current_writes.push_back(now);
        CHECK(reg(step, 0x59).has_value() == reg(step, 0x58).has_value());  // both, always together
        ack(dvcc, step, now);
    }
    REQUIRE(current_writes.size() >= 12);
    CHECK(current_writes.front() == t0);
    for (std::size_t i = 1; i < current_writes.size(); ++i) {
        CHECK(current_writes[i] - current_writes[i - 1] <= 30s);
        CHECK(current_writes[i] - current_writes[i - 1] >= 15s);  // not more often than needed
    }
}

TEST_CASE(
    "dvcc: NetworkMode 0 leaves the TriStar to its own settings; a stale voltage is dropped") {
    Dvcc dvcc(enabled(), t0);
    enter_slave_mode(dvcc);
    for (auto now = t0 + 3s; now <= t0 + 66s; now += 3s) {  // the current only, from now on
        REQUIRE(dvcc.set("/Link/ChargeCurrent", 2.0, now) == set_result::accepted);
        ack(dvcc, dvcc.step(bulk(), now), now);
    }
    // 60 s after the last ChargeVoltage the own target (28.80 V) applies.
    REQUIRE(dvcc.set("/Link/ChargeCurrent", 2.0, t0 + 68s) == set_result::accepted);
    auto step = dvcc.step(bulk(), t0 + 68s);
    CHECK(reg(step, 0x59) == std::nullopt);  // written at 60 s already
    REQUIRE(dvcc.set("/Link/NetworkMode", 0, t0 + 69s) == set_result::accepted);
    CHECK(dvcc.step(DeviceView{180.0, 28.8, slave, false}, t0 + 69s)
              .writes.empty());  // the rest may follow
    step = dvcc.step(DeviceView{180.0, 28.8, slave, false}, t0 + 69s + dvcc_batch_wait);
    CHECK(reg(step, 0x58) == slave_exit_value);
    CHECK(reg(step, 0x59) == slave_exit_value);
}

TEST_CASE(
    "dvcc: a failed write is retried after 3 s and shown until it succeeds; an unanswered one "
    "after 10 s") {
    Dvcc dvcc(enabled(), t0);
    dvcc_writes(dvcc, t0, 27.6, 2.0);
    auto step = dvcc.step(bulk(), t0);
    REQUIRE(step.writes.size() == 2);
    CHECK(dvcc.finished(step.writes[0], std::string("DEVICE_TIMEOUT: no reply"), t0 + 1s) ==
          WriteNote::failing);
    CHECK(dvcc.finished(step.writes[1], std::nullopt, t0 + 1s) == WriteNote::none);
    CHECK(
        std::get<std::string>(dvcc.values(bulk(), t0 + 1s).at("/Tristar/Dvcc/WriteError").value) ==
        "register 0x0058: DEVICE_TIMEOUT: no reply");
    CHECK(dvcc.step(bulk(), t0 + 3s).writes.empty());
    step = dvcc.step(bulk(), t0 + 4s);
    REQUIRE(step.writes.size() == 1);
    CHECK(reg(step, 0x58) == amps_raw(2.0));
    CHECK(dvcc.step(bulk(), t0 + 13s).writes.empty());  // still on its way
    step = dvcc.step(bulk(), t0 + 14s);                 // no reply for 10 s: sent again
    REQUIRE(step.writes.size() == 1);
    CHECK(dvcc.finished(step.writes[0], std::string("DEVICE_TIMEOUT: no reply"), t0 + 14s) ==
          WriteNote::none);
    step = dvcc.step(bulk(), t0 + 17s);  // with 0x59's 15 s refresh
    REQUIRE(step.writes.size() == 2);
    CHECK(step.writes[0].address == 0x58);
    CHECK(dvcc.finished(step.writes[0], std::nullopt, t0 + 17s) == WriteNote::recovered);
    CHECK(dvcc.finished(step.writes[1], std::nullopt, t0 + 17s) == WriteNote::none);
    CHECK(std::get<std::string>(dvcc.values(bulk(), t0 + 17s).at("/Tristar/Dvcc/WriteError").value)
              .empty());
}

TEST_CASE("dvcc: off: no path, no write, except one exit for a unit found in SLAVE at start") {
    Dvcc off(DvccConfig{}, t0);
    CHECK(off.items().empty());
    CHECK_FALSE(off.handles("/Link/ChargeCurrent"));
    CHECK(off.set("/Link/ChargeCurrent", 2.0, t0) == set_result::not_writable);
    CHECK(off.values(bulk(), t0).empty());
    CHECK(off.user_switch(true) == true);
    for (auto now = t0; now < t0 + 120s; now += 1s) CHECK(off.step(bulk(), now).writes.empty());
    CHECK(
        off.step(DeviceView{180.0, 27.6, slave, false}, t0 + 121s).writes.empty());  // not at start

    Dvcc found(DvccConfig{}, t0);
    const DeviceView in_slave{180.0, 27.6, slave, false};
    CHECK(found.step(DeviceView{}, t0).writes.empty());  // nothing read yet
    auto step = found.step(in_slave, t0 + 1s);
    REQUIRE(step.writes.size() == 2);
    CHECK(reg(step, 0x58) == slave_exit_value);
    CHECK(reg(step, 0x59) == slave_exit_value);
    CHECK(step.events.size() == 1);
    ack(found, step, t0 + 1s);
    for (auto now = t0 + 2s; now < t0 + 120s; now += 1s)
        CHECK(found.step(in_slave, now).writes.empty());
}

TEST_CASE("dvcc: a clean stop leaves slave mode when it is ours") {
    Dvcc dvcc(enabled(), t0);
    CHECK(dvcc.leave(bulk()).empty());
    enter_slave_mode(dvcc);
    const auto writes = dvcc.leave(bulk());
    REQUIRE(writes.size() == 2);
    CHECK(writes[0].value == slave_exit_value);
    CHECK(writes[1].value == slave_exit_value);
}

TEST_CASE("dvcc: SetValue: the paths systemcalc writes, with their types and ranges") {
    Dvcc dvcc(enabled(), t0);
    const auto items = dvcc.items();
    for (const char* path :
         {"/Link/NetworkMode", "/Link/ChargeVoltage", "/Link/ChargeCurrent", "/Link/BatteryCurrent",
          "/Link/VoltageSense", "/Link/TemperatureSense", "/Settings/BmsPresent"}) {
        const auto it = std::ranges::find(items, std::string(path), &ItemSpec::path);
        REQUIRE_MESSAGE(it != items.end(), path);
        CHECK_MESSAGE(it->writable, path);
        CHECK(dvcc.handles(path));
    }
    for (const char* path : {"/Link/NetworkStatus", "/Settings/ChargeCurrentLimit"}) {
        const auto it = std::ranges::find(items, std::string(path), &ItemSpec::path);
        REQUIRE_MESSAGE(it != items.end(), path);
        CHECK_FALSE(it->writable);
        CHECK_FALSE(dvcc.handles(path));
    }
    CHECK(std::ranges::find(items, std::string("/N2kDeviceInstance"), &ItemSpec::path) ==
          items.end());
    CHECK(dvcc.set("/Link/ChargeVoltage", -1.0, t0) == set_result::rejected);
    CHECK(dvcc.set("/Link/NetworkMode", std::string("5"), t0) == set_result::not_writable);
    CHECK(dvcc.set("/Link/VoltageSense", 27.1, t0) == set_result::accepted);
    CHECK(std::get<double>(dvcc.values(bulk(), t0).at("/Link/VoltageSense").value) == 27.1);
}

std::string config_error(const std::string& text) {
    try {
        parse_publisher_config(text, "p.toml");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "no error";
}

TEST_CASE("dvcc config: off by default, 60 A; [dvcc] read, checked, unknown keys refused") {
    CHECK_FALSE(PublisherConfig{}.dvcc.enabled);
    CHECK(PublisherConfig{}.dvcc.charge_current_limit == 60.0);
    const auto example = std::filesystem::path(__FILE__).parent_path() /
                         "../../deploy/config/tristar-publisher.toml";
    CHECK(load_publisher_config(example.string()).dvcc == DvccConfig{});
    auto config =
        parse_publisher_config("[dvcc]\nenabled = true\ncharge_current_limit = 25\n", "p.toml");
    CHECK(config.dvcc.enabled);
    CHECK(config.dvcc.charge_current_limit == 25.0);
    config = parse_publisher_config("[dvcc]\ncharge_current_limit = 12.5\n", "p.toml");
    CHECK_FALSE(config.dvcc.enabled);
    CHECK(config.dvcc.charge_current_limit == 12.5);
    CHECK(config_error("[dvcc]\ncharge_current_limit = 61\n") ==
          "p.toml:2: dvcc.charge_current_limit: must be between 0 and 60 (got 61)");
    CHECK(config_error("[dvcc]\ncharge_current_limit = -0.5\n")
              .starts_with("p.toml:2: dvcc.charge_current_limit: must be"));
    CHECK(
        config_error("[dvcc]\nenable = true\n").starts_with("p.toml:2: dvcc.enable: unknown key"));
    CHECK(config_error("[dvcc]\nenabled = 1\n").starts_with("p.toml:2: dvcc.enabled: must be"));
}

TEST_CASE(
    "dvcc service items: /Link/* and the two settings only when enabled, never "
    "/N2kDeviceInstance") {
    PublisherConfig config;
    auto has = [](const std::vector<ItemSpec>& items, const std::string& path) {
        return std::ranges::find(items, path, &ItemSpec::path) != items.end();
    };
    auto items = service_items(config);
    CHECK_FALSE(
        std::ranges::any_of(items, [](const ItemSpec& i) { return i.path.starts_with("/Link/"); }));
    CHECK_FALSE(has(items, "/Settings/ChargeCurrentLimit"));
    CHECK_FALSE(has(items, "/Settings/BmsPresent"));
    config.dvcc.enabled = true;
    items = service_items(config);
    for (const char* path :
         {"/Link/NetworkMode", "/Link/ChargeVoltage", "/Link/ChargeCurrent", "/Link/NetworkStatus",
          "/Settings/ChargeCurrentLimit", "/Settings/BmsPresent", "/Tristar/Dvcc/WriteError"})
        CHECK_MESSAGE(has(items, path), path);
    CHECK_FALSE(has(items, "/N2kDeviceInstance"));
}

}  // namespace
}  // namespace tristar::publisher
