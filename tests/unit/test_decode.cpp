// Decoding against the spec's test vectors (tristar-modbus.md section 9) and its edge cases.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "proto/tristar/decode.h"
#include "proto/tristar/register_map.h"

using namespace tristar;

namespace {

const Scale real_unit{180.0, 80.0};  // what every real TS-MPPT reports (spec section 2)

Value decode_at(std::uint16_t address, std::vector<std::uint16_t> words,
                const Scale& scale = real_unit) {
    const Register* reg = find_register_at(address);
    REQUIRE_MESSAGE(reg != nullptr, "no row at " << address);
    return decode(*reg, words, scale);
}

double number_at(std::uint16_t address, std::vector<std::uint16_t> words,
                 const Scale& scale = real_unit) {
    Value value = decode_at(address, std::move(words), scale);
    REQUIRE(value.number.has_value());
    return *value.number;
}

std::string text_at(std::uint16_t address, std::vector<std::uint16_t> words,
                    const Scale& scale = real_unit) {
    return decode_at(address, std::move(words), scale).text;
}

}  // namespace

TEST_CASE("9.1 scale words: V_PU 180, I_PU 80") {
    Scale scale = scale_from_words(std::vector<std::uint16_t>{180, 0, 80, 0});
    CHECK(scale.v_pu == doctest::Approx(180.0));
    CHECK(scale.i_pu == doctest::Approx(80.0));
    CHECK(number_at(addr::v_pu_hi, {180, 0}) == doctest::Approx(180.0));
    CHECK(number_at(addr::i_pu_hi, {80, 0}) == doctest::Approx(80.0));
    CHECK(text_at(addr::v_pu_hi, {180, 0}) == "180");
}

TEST_CASE("9.1 battery and array voltages") {
    CHECK(number_at(0x18, {2445}) == doctest::Approx(13.4308).epsilon(1e-5));
    CHECK(text_at(0x18, {2445}) == "13.43 V");
    CHECK(number_at(0x1A, {2440}) == doctest::Approx(13.40).epsilon(1e-3));
    CHECK(text_at(0x1A, {2440}) == "13.40 V");
    CHECK(number_at(0x1B, {60}) == doctest::Approx(0.33).epsilon(1e-2));
    CHECK(text_at(0x1B, {60}) == "0.33 V");
    CHECK(number_at(0x26, {2446}) == doctest::Approx(13.436).epsilon(1e-4));
}

TEST_CASE("9.1 currents") {
    CHECK(number_at(0x1C, {0}) == 0.0);
    CHECK(number_at(0x1D, {0}) == 0.0);
    CHECK(text_at(0x1C, {0}) == "0.00 A");
    CHECK(number_at(0x27, {5}) == doctest::Approx(0.0122).epsilon(1e-3));
}

TEST_CASE("9.1 temperatures 4 / 5 / 5 degC") {
    CHECK(number_at(0x23, {4}) == 4.0);
    CHECK(number_at(0x24, {5}) == 5.0);
    CHECK(number_at(0x25, {5}) == 5.0);
    CHECK(text_at(0x23, {4}) == "4 degC");
}

TEST_CASE("9.1 long-term battery voltage min/max 25 / 3017") {
    CHECK(number_at(0x28, {25}) == doctest::Approx(0.137).epsilon(1e-2));
    CHECK(number_at(0x29, {3017}) == doctest::Approx(16.573).epsilon(1e-4));
    CHECK(text_at(0x29, {3017}) == "16.57 V");
}

TEST_CASE("9.1 hourmeter is HI first: HI 1, LO 21481 -> 87017 h") {
    CHECK(number_at(0x2A, {1, 21481}) == 87017.0);
    CHECK(text_at(0x2A, {1, 21481}) == "87017 h");
    // The spec's LO-first reading would give 2,233,304 h: make sure we do not.
    CHECK(number_at(0x2A, {1, 21481}) != doctest::Approx(2233304.0));
}

TEST_CASE("9.1 no fault, no alarm") {
    CHECK(text_at(0x2C, {0}) == "none");
    CHECK(text_at(0x2E, {0, 0}) == "none");
    CHECK(number_at(0x2E, {0, 0}) == 0.0);
    CHECK(fault_names(0).empty());
}

TEST_CASE("9.1 dip_all 0xBC: switches 3, 4, 5, 6, 8 ON") {
    CHECK(text_at(0x30, {0xBC}) ==
          "switches 3, 4, 5, 6 and 8 ON: charging, 12 V, custom battery, EQ manual, "
          "TCP writes allowed");
    auto names = dip_switch_names(0xBC);
    CHECK(names == std::vector<std::string>{"switch 3 ON", "switch 4 ON", "switch 5 ON",
                                            "switch 6 ON", "switch 8 ON", "charging", "12 V",
                                            "custom battery", "EQ manual", "TCP writes allowed"});
}

TEST_CASE("dip switches: all OFF and all ON") {
    CHECK(text_at(0x30, {0x00}) ==
          "all switches OFF: charging, auto V, battery preset OFF/OFF/OFF, EQ manual, "
          "TCP writes refused");
    CHECK(text_at(0x30, {0xFF}) ==
          "switches 1, 2, 3, 4, 5, 6, 7 and 8 ON: mode switch ON (not charging), 48 V, custom "
          "battery, EQ auto, TCP writes allowed");
    CHECK(text_at(0x30, {0x02}).starts_with("switch 2 ON: charging, 24 V, battery preset"));
}

TEST_CASE("9.1 led_state 6 GREEN, charge_state 3 NIGHT") {
    CHECK(text_at(0x31, {6}) == "GREEN");
    CHECK(number_at(0x31, {6}) == 6.0);
    CHECK(text_at(0x32, {3}) == "NIGHT");
    CHECK(charge_state_name(static_cast<std::uint16_t>(ChargeState::night)) == "NIGHT");
}

TEST_CASE("9.1 power out / in 0 W") {
    CHECK(number_at(0x3A, {0}) == 0.0);
    CHECK(number_at(0x3B, {0}) == 0.0);
    CHECK(text_at(0x3A, {0}) == "0 W");
}

// The dump's engineering-only values: the raw word is derived from the value, and the decoded
// text must reproduce the published display.
TEST_CASE("9.1 engineering-only values round-trip to the published display") {
    struct Row {
        std::uint16_t address;
        double value;
        const char* text;
    };
    const Row rows[] = {
        {0x19, 13.44, "13.44 V"}, {0x1E, 13.38, "13.38 V"}, {0x1F, 3.62, "3.62 V"},
        {0x20, 12.95, "12.95 V"}, {0x21, 1.78, "1.78 V"},   {0x22, 2.04, "2.04 V"},
        {0x40, 12.84, "12.84 V"}, {0x41, 14.69, "14.69 V"}, {0x42, 1.05, "1.05 V"},
        {0x43, 0.0, "0.0 Ah"},    {0x44, 0.0, "0 Wh"},      {0x46, 0.0, "0 W"},
        {0x47, 5.0, "5 degC"},    {0x48, 25.0, "25 degC"},
    };
    for (const Row& row : rows) {
        CAPTURE(row.address);
        const Register* reg = find_register_at(row.address);
        REQUIRE(reg != nullptr);
        auto word = encode(*reg, row.value, real_unit);
        REQUIRE(word.has_value());
        Value value = decode(*reg, std::vector<std::uint16_t>{*word}, real_unit);
        CHECK(value.text == row.text);
        double half_lsb = std::abs(scaled(reg->scaling, 0.5, real_unit));
        CHECK(std::abs(*value.number - row.value) <= half_lsb + 1e-12);
    }
    CHECK(text_at(0x45, {9}) == "reset detected, alarm occurred");
    CHECK(text_at(0x49, {0}) == "none");
}

TEST_CASE("9.2 SPEC V_PU examples") {
    Scale a = scale_from_words(std::vector<std::uint16_t>{0x004E, 0x03A6, 80, 0});
    CHECK(a.v_pu == doctest::Approx(78.01425).epsilon(1e-7));
    CHECK(number_at(addr::v_pu_hi, {0x004E, 0x03A6}) == doctest::Approx(78.01425).epsilon(1e-7));

    Scale b = scale_from_words(std::vector<std::uint16_t>{0x007B, 0xE041, 80, 0});
    CHECK(b.v_pu == doctest::Approx(123.876).epsilon(1e-6));
    CHECK(number_at(0x18, {0x0DB0}, b) == doctest::Approx(13.25).epsilon(1e-3));
    CHECK(text_at(0x18, {0x0DB0}, b) == "13.25 V");
}

TEST_CASE("9.2 TECHDOC scale 0x00B4/0x0000 and I_PU 80") {
    Scale scale = scale_from_words(std::vector<std::uint16_t>{0x00B4, 0x0000, 0x0050, 0x0000});
    CHECK(scale.v_pu == 180.0);
    CHECK(scale.i_pu == 80.0);
}

TEST_CASE("9.2 serial number is text, low byte first, leading zero kept") {
    const std::vector<std::uint16_t> words{0x3130, 0x3332, 0x3534, 0x3736};
    CHECK(serial_text(words) == "01234567");
    Value value = decode_at(0xE0C0, words);
    CHECK(value.text == "01234567");
    CHECK_FALSE(value.number.has_value());
}

TEST_CASE("serial: NUL padding trimmed, junk shown as '?', short input safe") {
    CHECK(serial_text(std::vector<std::uint16_t>{0x3231, 0x0033, 0, 0}) == "123");
    CHECK(serial_text(std::vector<std::uint16_t>{0x0131, 0x3332, 0x3534, 0x3736}) == "1?234567");
    CHECK(serial_text(std::vector<std::uint16_t>{0x3130}) == "01");
    CHECK(decode_at(0xE0C0, {0x3130}).text == "no data");
}

TEST_CASE("9.2 hardware version 0x0102 -> 1.2") {
    CHECK(hw_version_text(0x0102) == "1.2");
    CHECK(text_at(0xE0CD, {0x0102}) == "1.2");
    CHECK(hw_version_text(0x010A) == "1.10");
}

TEST_CASE("9.2 ver_sw 0x0012 is BCD 12") {
    CHECK(bcd_value(0x0012) == 12U);
    CHECK(bcd_value(0x1234) == 1234U);
    CHECK(number_at(0x04, {0x0012}) == 12.0);
    CHECK(text_at(0x04, {0x0012}) == "12");
    Value bad = decode_at(0x04, {0x001A});
    CHECK_FALSE(bad.number.has_value());
    CHECK(bad.text == "invalid BCD 0x001A");
}

TEST_CASE("9.2 fault_all 0x0013 -> overcurrent, FETs shorted, array HVD") {
    CHECK(fault_names(0x0013) ==
          std::vector<std::string>{"overcurrent", "FETs shorted", "array HVD"});
    CHECK(text_at(0x2C, {0x0013}) == "overcurrent, FETs shorted, array HVD");
    CHECK(text_at(0x49, {0x0013}) == "overcurrent, FETs shorted, array HVD");
    CHECK(fault_names(1U << 11) == std::vector<std::string>{"slave control timeout"});
    CHECK(fault_names(0x8000) == std::vector<std::string>{"Fault 16"});
}

TEST_CASE("9.2 TECHDOC slave voltage 0x0A33 at V_PU 180 -> 14.34 V") {
    CHECK(number_at(0x59, {0x0A33}) == doctest::Approx(14.34).epsilon(1e-3));
    CHECK(text_at(0x59, {0x0A33}) == "14.34 V");
    CHECK(unscaled(Scaling::voltage, 14.34, real_unit) == doctest::Approx(2610.52).epsilon(1e-5));
    CHECK(encode(*find_register("slave_voltage"), 14.34, real_unit) == std::uint16_t{0x0A33});
}

TEST_CASE("9.2 TECHDOC slave current 0x3333 -> 32 A with the fixed 80 scale") {
    CHECK(number_at(0x58, {0x3333}) == doctest::Approx(32.0).epsilon(1e-4));
    // I_PU must not matter for 0x58.
    CHECK(number_at(0x58, {0x3333}, Scale{180.0, 40.0}) == doctest::Approx(32.0).epsilon(1e-4));
    CHECK(encode(*find_register("slave_current"), 32.0, real_unit) == std::uint16_t{0x3333});
}

TEST_CASE("signed words: 0xFFF0 on the slave registers is negative") {
    CHECK(number_at(0x59, {0xFFF0}) == doctest::Approx(-16 * 180.0 / 32768).epsilon(1e-9));
    CHECK(number_at(0x59, {0xFFF0}) < 0.0);
    CHECK(number_at(0x58, {0xFFF0}) < 0.0);
    CHECK(number_at(0x5A, {0xFFF0}) < 0.0);
    CHECK(number_at(0x1C, {0xFFFE}) < 0.0);
    CHECK(number_at(0x1E, {0xFFFF}) < 0.0);  // rails are signed too
    CHECK(encode(*find_register("slave_voltage"), -16 * 180.0 / 32768, real_unit) ==
          std::uint16_t{0xFFF0});
}

TEST_CASE("unsigned words: power, counters and percent stay positive") {
    CHECK(number_at(0x3A, {0xFFFF}) > 0.0);
    CHECK(number_at(0x38, {0xFFFF}) == 65535.0);
    CHECK(number_at(0x4D, {0xFFFF}) == 65535.0);
    CHECK(number_at(0x5B, {0x8000}) == doctest::Approx(50.0));
    CHECK(number_at(0x3A, {1000}) == doctest::Approx(109.86328125));
}

TEST_CASE("tiny negative values do not print as -0.00") {
    CHECK(text_at(0x1C, {0xFFFF}) == "0.00 A");
    CHECK(number_at(0x1C, {0xFFFF}) < 0.0);
}

TEST_CASE("temperatures: negative, RTS disconnected, invalid") {
    CHECK(number_at(0x25, {0xFFF6}) == -10.0);
    Value rts = decode_at(addr::rts_temperature, {0x0080});
    CHECK_FALSE(rts.number.has_value());
    CHECK(rts.text == "disconnected");
    Value hs = decode_at(0x23, {0x0080});
    CHECK_FALSE(hs.number.has_value());
    CHECK(hs.text == "invalid (128)");
    CHECK(number_at(0xE012, {0xFFEC}) == -20.0);
}

TEST_CASE("charge_state: every documented value, and unknown values safely") {
    const char* names[] = {"START", "NIGHT_CHECK", "DISCONNECT", "NIGHT",    "FAULT",
                           "MPPT",  "ABSORPTION",  "FLOAT",      "EQUALIZE", "SLAVE"};
    for (std::uint16_t i = 0; i < 10; ++i) CHECK(charge_state_name(i) == names[i]);
    CHECK(charge_state_name(10) == "UNKNOWN(10)");
    CHECK(charge_state_name(0xFFFF) == "UNKNOWN(65535)");
    CHECK(text_at(0x32, {10}) == "UNKNOWN(10)");
    CHECK(number_at(0x32, {10}) == 10.0);
    CHECK(charge_state_name(static_cast<std::uint16_t>(ChargeState::slave)) == "SLAVE");
}

TEST_CASE("led_state: names, undefined and unknown") {
    CHECK(led_state_name(0) == "START");
    CHECK(led_state_name(7) == "UNDEFINED");
    CHECK(led_state_name(8) == "YELLOW");
    CHECK(led_state_name(11) == "RED");
    CHECK(led_state_name(16) == "R-G ERR (HVD)");
    CHECK(led_state_name(19) == "G/Y/R x2");
    CHECK(led_state_name(20) == "UNKNOWN(20)");
}

TEST_CASE("model names") {
    CHECK(model_name(0) == "TS-MPPT-45");
    CHECK(model_name(1) == "TS-MPPT-60");
    CHECK(model_name(2) == "TS-MPPT-30");
    CHECK(model_name(3) == "UNKNOWN(3)");
    CHECK(text_at(0xE0CC, {1}) == "TS-MPPT-60");
}

TEST_CASE("alarms: 24 bits over two words, HI first") {
    CHECK(text_at(0x2E, {0x0008, 0x0001}) == "RTS open, controller was reset");
    CHECK(number_at(0x2E, {0x0008, 0x0001}) == double(0x080001));
    CHECK(alarm_names(1U << 5) == std::vector<std::string>{"heatsink high-temp current limit"});
    CHECK(alarm_names(1U << 23) == std::vector<std::string>{"Alarm 24"});
    CHECK(alarm_names(1U << 27) == std::vector<std::string>{"bit 27"});
    CHECK(text_at(0x4B, {0x0000, 0x0040}) == "current limit");
}

TEST_CASE("daily flags") {
    CHECK(daily_flag_names(0x1F) == std::vector<std::string>{"reset detected", "equalize triggered",
                                                             "entered float", "alarm occurred",
                                                             "fault occurred"});
    CHECK(daily_flag_names(0x80) == std::vector<std::string>{"bit 7"});
}

TEST_CASE("32-bit word order: RAM HI first, EEPROM LO first") {
    CHECK(u32_hi_first(0x0001, 0x53E9) == 0x000153E9U);
    CHECK(u32_lo_first(0x53E9, 0x0001) == 0x000153E9U);
    CHECK(number_at(0xE080, {21481, 1}) == 87017.0);
    CHECK(number_at(0x34, {0x0001, 0x0000}) == doctest::Approx(6553.6));
    CHECK(number_at(0xE082, {0x0000, 0x0001}) == doctest::Approx(6553.6));
    CHECK(text_at(0x36, {0, 1234}) == "123.4 Ah");
}

TEST_CASE("energy_daily is raw Wh; kWh counters are whole kWh") {
    CHECK(number_at(0x44, {1230}) == 1230.0);
    CHECK(text_at(0x44, {1230}) == "1230 Wh");
    CHECK(text_at(0x39, {42}) == "42 kWh");
}

TEST_CASE("EEPROM scalings: temperature compensation is negative, percent is 2^-16") {
    CHECK(number_at(0xE00D, {11}) == doctest::Approx(-11 * 180.0 / 65536));
    CHECK(text_at(0xE00D, {11}) == "-0.0302 V/degC");
    CHECK(number_at(0xE021, {0xC000}) == doctest::Approx(75.0));
    CHECK(number_at(0xE01D, {0x6000}) == doctest::Approx(60.0));
}

TEST_CASE("too few words give no value, never a read past the span") {
    Value value = decode_at(0x2A, {1});
    CHECK_FALSE(value.number.has_value());
    CHECK(value.text == "no data");
    CHECK_FALSE(decode_at(0x18, {}).number.has_value());
    Scale scale = scale_from_words(std::vector<std::uint16_t>{1, 2});
    CHECK(scale.v_pu == 180.0);
    CHECK(scale.i_pu == 80.0);
}

TEST_CASE("encode refuses what does not fit or is not a plain number") {
    CHECK_FALSE(encode(*find_register("slave_voltage"), 1000.0, real_unit).has_value());
    CHECK_FALSE(encode(*find_register("array_voltage_fixed_percent"), -1.0, real_unit).has_value());
    CHECK_FALSE(encode(*find_register("hourmeter"), 1.0, real_unit).has_value());
    CHECK_FALSE(encode(*find_register("charge_state"), 1.0, real_unit).has_value());
    CHECK_FALSE(encode(*find_register("slave_voltage"), 14.0, Scale{0.0, 80.0}).has_value());
    CHECK(encode(*find_register("array_voltage_fixed_percent"), 50.0, real_unit) ==
          std::uint16_t{0x8000});
}
