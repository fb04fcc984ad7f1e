// tristar-ctl's pure parts: argument parsing, read planning, output formatting, JSON escaping
// (the watch screen: test_ctl_watch.cpp; status: test_ctl_status.cpp).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "gateway/ctl/addresses.h"
#include "gateway/ctl/errors.h"
#include "gateway/ctl/json.h"
#include "gateway/ctl/names.h"
#include "gateway/ctl/output.h"
#include "gateway/ctl/read_plan.h"
#include "gateway/ctl/readings.h"
#include "gateway/ctl/register_list.h"
#include "tests/unit/ctl_test_support.h"

using namespace tristar;
using namespace tristar::ctl;
using ctl::test::contains;
using ctl::test::night_image;

namespace {

const Register& reg(std::string_view name) {
    const auto* row = find_register(name);
    REQUIRE_MESSAGE(row != nullptr, "no register " << name);
    return *row;
}

}  // namespace

TEST_CASE("addresses: decimal and 0x hex, 0..65535") {
    CHECK(parse_address("24") == 24);
    CHECK(parse_address("0x18") == 24);
    CHECK(parse_address("0X18") == 24);
    CHECK(parse_address("65535") == 65535);
    CHECK(parse_address("0xffff") == 0xFFFF);
    CHECK_THROWS_AS(parse_address("65536"), UsageError);
    CHECK_THROWS_AS(parse_address("0x10000"), UsageError);
    CHECK_THROWS_AS(parse_address("-1"), UsageError);
    CHECK_THROWS_AS(parse_address("0x"), UsageError);
    CHECK_THROWS_AS(parse_address("24abc"), UsageError);
    CHECK_THROWS_AS(parse_address(""), UsageError);
    CHECK_THROWS_AS(parse_address("99999999999999999999999"), UsageError);
}

TEST_CASE("register values: unsigned, hex, and negatives as two's complement") {
    CHECK(parse_register_value("0", true) == 0);
    CHECK(parse_register_value("65535", false) == 0xFFFF);
    CHECK(parse_register_value("0x0A33", false) == 2611);
    CHECK(parse_register_value("-16", true) == 0xFFF0);  // the slave-mode exit value (spec 4)
    CHECK(parse_register_value("-1", true) == 0xFFFF);
    CHECK(parse_register_value("-32768", true) == 0x8000);
    CHECK_THROWS_AS(parse_register_value("-32769", true), UsageError);
    CHECK_THROWS_AS(parse_register_value("65536", true), UsageError);
    CHECK_THROWS_AS(parse_register_value("-16", false), UsageError);
    CHECK_THROWS_AS(parse_register_value("1.5", true), UsageError);
    CHECK_THROWS_AS(parse_register_value("-", true), UsageError);
}

TEST_CASE("coil states") {
    for (const auto* on : {"on", "ON", "1", "true", "True"}) CHECK(parse_coil_state(on));
    for (const auto* off : {"off", "Off", "0", "false"}) CHECK_FALSE(parse_coil_state(off));
    CHECK_THROWS_AS(parse_coil_state("yes"), UsageError);
    CHECK_THROWS_AS(parse_coil_state("2"), UsageError);
}

TEST_CASE("read spans: count limits per function and the end of the address space") {
    CHECK_NOTHROW(check_read_span(4, 0, 125));
    CHECK_NOTHROW(check_read_span(3, 0xFFFF, 1));
    CHECK_NOTHROW(check_read_span(1, 0, 2000));
    CHECK_NOTHROW(check_read_span(2, 0xFFFF - 1999, 2000));
    CHECK_THROWS_AS(check_read_span(4, 0, 126), UsageError);
    CHECK_THROWS_AS(check_read_span(4, 0, 0), UsageError);
    CHECK_THROWS_AS(check_read_span(1, 0, 2001), UsageError);
    CHECK_THROWS_AS(check_read_span(4, 0xFFFF, 2), UsageError);
    CHECK_THROWS_AS(check_read_span(5, 0, 1), UsageError);
}

TEST_CASE("counts and durations") {
    CHECK(parse_count("0", "count") == 0);
    CHECK(parse_count("0x10", "count") == 16);
    CHECK(parse_count("010", "count") == 10);  // decimal, never octal
    CHECK_THROWS_AS(parse_count("-1", "count"), UsageError);
    CHECK_THROWS_AS(parse_count("4294967296", "count"), UsageError);
}

TEST_CASE("read targets: names give their function and word count") {
    const auto voltage = resolve_read("battery_voltage", std::nullopt);
    CHECK(voltage.function == 4);
    CHECK(voltage.address == 0x18);
    CHECK(voltage.default_count == 1);
    CHECK(resolve_read("hourmeter", 3).default_count == 2);
    CHECK(resolve_read("serial", std::nullopt).default_count == 4);
    CHECK(resolve_read("ADC_VB_F_MED", std::nullopt).address == 0x18);  // Morningstar's name
    const auto coil = resolve_read("charge_disconnect", std::nullopt);
    CHECK(coil.function == 1);
    CHECK(coil.address == 2);
    CHECK(resolve_read("0x18", 3).function == 3);
    CHECK_THROWS_AS(resolve_read("equalize", 4), UsageError);
    CHECK_THROWS_AS(resolve_read("battery_voltage", 1), UsageError);
    CHECK_THROWS_AS(resolve_read("no_such_thing", std::nullopt), UsageError);
}

TEST_CASE("unknown names suggest close ones") {
    const auto names = close_names("batery_voltage");
    REQUIRE_FALSE(names.empty());
    CHECK(names.front() == "battery_voltage");
    CHECK(close_names("voltage").size() == 4);  // substring matches, capped
    CHECK(close_names("zzzzzzzzzzzz").empty());
    try {
        resolve_register("charge_stat");
        FAIL("no exception");
    } catch (const UsageError& error) {
        CHECK(contains(error.what(), "did you mean charge_state"));
    }
}

TEST_CASE("json: strings are escaped, numbers round-trip") {
    CHECK(json_string("plain") == "\"plain\"");
    CHECK(json_string("a\"b\\c") == "\"a\\\"b\\\\c\"");
    CHECK(json_string("line\nnext\ttab\r") == "\"line\\nnext\\ttab\\r\"");
    CHECK(json_string(std::string_view("\x01\x1f", 2)) == "\"\\u0001\\u001f\"");
    CHECK(json_string("\b\f") == "\"\\b\\f\"");
    CHECK(json_string(std::string_view("a\0b", 3)) == "\"a\\u0000b\"");
    CHECK(json_string("13.43 \xc2\xb0"
                      "C") ==
          "\"13.43 \xc2\xb0"
          "C\"");  // UTF-8 passes
    CHECK(json_number(13.4308) == "13.4308");
    CHECK(std::stod(json_number(2445 * 180.0 / 32768.0)) == 2445 * 180.0 / 32768.0);
    CHECK(json_number(0.0) == "0");
    CHECK(json_number(-16.0) == "-16");
    CHECK(json_number(std::nan("")) == "null");
    CHECK(json_number(INFINITY) == "null");
}

TEST_CASE("json document: commas and nesting") {
    Json json;
    json["a"] = 1;
    json["b"] = Json::array({true, nullptr, "x"});
    json["c"] = Json::object();
    json["d"] = Json{{"e", 2}};
    CHECK(json_document(json) == R"({"a":1,"b":[true,null,"x"],"c":{},"d":{"e":2}})"
                                 "\n");
}

TEST_CASE("json document: doubles as the shortest round-trip text") {
    const Json json = Json::array({13.4308, 0.0, -16.0, 1e5, 1e-4, std::nan(""), 1.5});
    CHECK(json_document(json) == "[13.4308,0,-16,1e+05,1e-04,null,1.5]\n");
}

TEST_CASE("read output: one line per register, named where a register starts") {
    const auto text = registers_text(0x18, {2445, 2446, 2440, 60});
    CHECK(text ==
          "0x0018 (24)   2445  0x098d  battery_voltage\n"
          "0x0019 (25)   2446  0x098e  battery_terminal_voltage\n"
          "0x001a (26)   2440  0x0988  battery_sense_voltage\n"
          "0x001b (27)     60  0x003c  array_voltage\n");
    CHECK(registers_text(0x2B, {21481}) == "0x002b (43)  21481  0x53e9\n");  // hourmeter's LO
    CHECK(registers_text(9, {0, 0}) == "0x0009 (9)       0  0x0000\n0x000a (10)      0  0x0000\n");
}

TEST_CASE("read output: bits") {
    CHECK(bits_text(1, 0, {true, false, false}) ==
          "0x0000 (0)  1  on   equalize\n0x0001 (1)  0  off\n0x0002 (2)  0  off  "
          "charge_disconnect\n");
    CHECK(bits_text(2, 0, {true}) == "0x0000 (0)  1  on\n");
}

TEST_CASE("read output: JSON") {
    client::Answer<std::vector<std::uint16_t>> answer{{2445, 2446, 2440, 60}, false, 120, 45000};
    CHECK(registers_json(4, 24, answer) ==
          R"({"function":4,"address":24,"count":4,"values":[2445,2446,2440,60],)"
          R"("from_cache":false,"queue_us":120,"device_us":45000})"
          "\n");
    client::Answer<std::vector<bool>> bits{{true, false}, true, 0, 0};
    CHECK(bits_json(1, 0, bits) == R"({"function":1,"address":0,"count":2,"values":[true,false],)"
                                   R"("from_cache":true,"queue_us":0,"device_us":0})"
                                   "\n");
}

TEST_CASE("errors as JSON") {
    client::Failure timeout{client::v1::DEVICE_TIMEOUT, 0, "no reply within 1000 ms", false};
    CHECK(
        failure_json(timeout) ==
        R"({"error":{"code":"DEVICE_TIMEOUT","modbus_exception":0,"message":"no reply within 1000 ms"}})"
        "\n");
    client::Failure exception{client::v1::MODBUS_EXCEPTION, 2, "illegal \"address\"", false};
    CHECK(contains(failure_json(exception), R"("code":"MODBUS_EXCEPTION","modbus_exception":2)"));
    CHECK(contains(failure_json(exception), R"(illegal \"address\")"));
    client::Failure gone{client::v1::ERROR_CODE_UNSPECIFIED, 0, "no reply", true};
    CHECK(contains(failure_json(gone), R"("code":"NO_REPLY")"));
    CHECK(failure_text(timeout) == "tristar-ctl: DEVICE_TIMEOUT: no reply within 1000 ms\n");
}

TEST_CASE("plan: one read per block span, never one per register") {
    const auto wanted = std::vector<const Register*>{&reg("battery_voltage"), &reg("charge_state"),
                                                     &reg("energy_daily")};
    const auto spans = plan_register_reads(ranges_for(wanted));
    REQUIRE(spans.size() == 1);
    CHECK(spans[0] == ReadSpan{0x0000, 0x45});  // scale words 0..3 up to energy_daily 0x44
}

TEST_CASE("plan: no scale words when nothing needs them") {
    const auto spans = plan_register_reads(ranges_for({&reg("charge_state"), &reg("faults")}));
    REQUIRE(spans.size() == 1);
    CHECK(spans[0] == ReadSpan{0x2C, 7});
}

TEST_CASE("plan: blocks are never crossed, and spans stay within 125 registers") {
    const auto spans = plan_register_reads(ranges_for(
        {&reg("absorption_voltage"), &reg("serial"), &reg("model"), &reg("network_version")}));
    // EEPROM voltages need the scale: RAM 0..3, network 0x1000, settings 0xE000, identity.
    REQUIRE(spans.size() == 5);
    CHECK(spans[0] == ReadSpan{0x0000, 4});
    CHECK(spans[1] == ReadSpan{0x1000, 1});
    CHECK(spans[2] == ReadSpan{0xE000, 1});
    CHECK(spans[3] ==
          ReadSpan{0xE0C0, 4});  // serial: the words up to model 0xE0CC are undocumented
    CHECK(spans[4] == ReadSpan{0xE0CC, 1});
    const auto split = plan_register_reads({{0, 2}, {10, 2}, {20, 2}}, 12);
    REQUIRE(split.size() == 2);
    CHECK(split[0] == ReadSpan{0, 12});
    CHECK(split[1] == ReadSpan{20, 2});
}

TEST_CASE(
    "plan: live names merge across reserved words, EEPROM and network names never span a gap") {
    auto plan = [](std::vector<const Register*> wanted) {
        return plan_register_reads(ranges_for(wanted));
    };
    // The live block's reserved words (0x2D between faults and alarms) read without exception.
    CHECK(plan({&reg("faults"), &reg("alarms")}) == std::vector<ReadSpan>{{0x2C, 4}});
    // 0xE00C and 0xE01B-0xE01C have no register: a TriStar may refuse them.
    CHECK(plan({&reg("equalize_interval"), &reg("temperature_compensation")}) ==
          std::vector<ReadSpan>{{0x0000, 4}, {0xE008, 1}, {0xE00D, 1}});
    CHECK(plan({&reg("meterbus_id"), &reg("modbus_id"), &reg("battery_current_limit")}) ==
          std::vector<ReadSpan>{{0x0000, 4}, {0xE019, 2}, {0xE01D, 1}});
    // Documented neighbours still read together.
    CHECK(plan({&reg("absorption_time"), &reg("float_exit_time")}) ==
          std::vector<ReadSpan>{{0xE002, 5}});
    // Identity: counters, serial, model and hardware version are three documented spans.
    CHECK(plan({&reg("days_since_service"), &reg("serial"), &reg("model"),
                &reg("hardware_version")}) ==
          std::vector<ReadSpan>{{0xE08C, 1}, {0xE0C0, 4}, {0xE0CC, 2}});
    CHECK(plan({&reg("network_version"), &reg("network_flags")}) ==
          std::vector<ReadSpan>{{0x1000, 1}, {0x1025, 1}});
}

TEST_CASE("plan: a get of every register reads documented words only") {
    std::vector<const Register*> every;
    for (const auto& row : registers()) every.push_back(&row);
    for (const auto& span : plan_register_reads(ranges_for(every))) {
        for (std::uint32_t address = span.address;
             address < std::uint32_t{span.address} + span.count; ++address) {
            const auto* block = find_block(static_cast<std::uint16_t>(address));
            const bool live = block != nullptr && block->block == Block::ram;
            CHECK_MESSAGE(
                (live || find_register_covering(static_cast<std::uint16_t>(address)) != nullptr),
                "undocumented word " << address << " in the span at " << span.address);
        }
    }
}

TEST_CASE("plan: coils merge only when adjacent") {
    const auto spans = plan_bit_reads({2, 0, 17, 16, 2});
    REQUIRE(spans.size() == 3);
    CHECK(spans[0] == ReadSpan{0, 1});
    CHECK(spans[1] == ReadSpan{2, 1});
    CHECK(spans[2] == ReadSpan{16, 2});
}

TEST_CASE("register image: words only when all were read") {
    const auto image = night_image();
    CHECK(image.words(0x18, 2) == std::vector<std::uint16_t>{2445, 2446});
    CHECK_FALSE(image.words(0x1B, 2).has_value());
    CHECK_FALSE(image.words(0x30, 1).has_value());
}

TEST_CASE("get: names resolve once each, commands coils are refused") {
    const auto wanted =
        resolve_wanted({"battery_voltage", "equalize", "battery_voltage", "0x32", "T_batt"});
    REQUIRE(wanted.items.size() == 4);
    CHECK(wanted.registers().size() == 3);
    CHECK(wanted.coil_addresses() == std::vector<std::uint16_t>{0});
    CHECK_THROWS_AS(resolve_wanted({"reset_controller"}), UsageError);
    CHECK_THROWS_AS(resolve_wanted({"0x17"}), UsageError);  // reserved word: no register
    CHECK_THROWS_AS(resolve_wanted({"batt_volt"}), UsageError);
}

TEST_CASE("get output: decoded values with units, text and JSON") {
    const auto wanted = resolve_wanted({"battery_voltage", "array_voltage", "equalize"});
    const auto readings = readings_of(wanted, night_image(), {{0, false}});
    REQUIRE(readings.size() == 3);
    CHECK(readings_text(readings) ==
          "battery_voltage  13.43 V\narray_voltage    0.33 V\nequalize         off\n");
    const auto json = readings_json(readings);
    CHECK(contains(json, R"("battery_voltage":{"value":13.4307861328125,"unit":"V",)"
                         R"("text":"13.43 V","address":24,"raw":[2445]})"));
    CHECK(contains(json,
                   R"("equalize":{"value":false,"unit":"","text":"off","address":0,"raw":[0]})"));
}

TEST_CASE("get output: absent numbers are null") {
    RegisterImage image;
    image.add(0x24, {0x80});  // RTS disconnected
    const auto readings =
        readings_of(resolve_wanted({"rts_temperature", "charge_state"}), image, {});
    const auto json = readings_json(readings);
    CHECK(contains(json, R"("rts_temperature":{"value":null,"unit":"degC","text":"disconnected")"));
    CHECK(contains(
        json, R"("charge_state":{"value":null,"unit":"","text":"no data","address":50,"raw":[]})"));
}

TEST_CASE("registers: the whole map and the coils") {
    const auto text = register_list_text();
    CHECK(contains(text, "battery_voltage"));
    CHECK(contains(text, "0x0018 (24)"));
    CHECK(contains(text, "reset_comm_server"));
    const auto json = register_list_json();
    CHECK(contains(json, R"({"name":"battery_voltage","spec_name":"adc_vb_f_med","address":24,)"
                         R"("words":1,"unit":"V","writable":false,"block":"ram",)"));
    CHECK(contains(json, R"("coils":[{"name":"equalize","address":0,"readable":true,)"));
}
