// tristar-bridge's scaled view: the layout, float32 word order, NaN for values the register map
// cannot decode, integers for state, faults and alarms (bridge/scaled_view.h).
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <set>
#include <vector>

#include "gateway/bridge/scaled_view.h"
#include "proto/tristar/register_map.h"

using namespace tristar::bridge;
namespace modbus = tristar::modbus;
using modbus::Bytes;

namespace {

float float_at(const std::array<std::uint16_t, scaled_register_count>& words, std::size_t offset) {
    const std::uint32_t bits = std::uint32_t{words[offset]} << 16U | words[offset + 1];
    return std::bit_cast<float>(bits);
}

// The live block of a 12 V TriStar (V_PU 180, I_PU 80) with a few known values (spec 9.1).
std::vector<std::uint16_t> live_block() {
    std::vector<std::uint16_t> live(live_block_words, 0);
    live[0x00] = 180;
    live[0x02] = 80;
    live[0x18] = 2445;    // 13.4308 V
    live[0x1B] = 6000;    // 32.959 V
    live[0x1C] = 0xFFF6;  // -10 -> -0.0244 A (signed)
    live[0x1D] = 4096;    // 10 A
    live[0x23] = 4;       // heatsink 4 degC
    live[0x25] = 0x80;    // 128: not a reading -> NaN
    live[0x2C] = 0x0013;
    live[0x2E] = 0x0008;
    live[0x2F] = 0x0020;
    live[0x32] = 5;     // MPPT
    live[0x33] = 2610;  // 14.337 V
    live[0x39] = 57;    // kWh
    live[0x3A] = 1000;  // 109.863 W
    live[0x3C] = 1200;
    live[0x3D] = 5800;
    live[0x3E] = 7000;
    live[0x44] = 1230;  // Wh -> 1.23 kWh
    return live;
}

v1::Reply reply_of(const std::vector<std::uint16_t>& live) {
    v1::Reply reply;
    for (auto w : live) reply.mutable_registers()->add_values(w);
    return reply;
}

}  // namespace

TEST_CASE("scaled view: float32 is high word first (ABCD)") {
    CHECK(float_words(1.0F) == std::array<std::uint16_t, 2>{0x3F80, 0x0000});
    CHECK(float_words(-2.5F) == std::array<std::uint16_t, 2>{0xC020, 0x0000});
    CHECK(float_words(13.25F) == std::array<std::uint16_t, 2>{0x4154, 0x0000});
    CHECK(float_words(0.1F) == std::array<std::uint16_t, 2>{0x3DCC, 0xCCCD});
}

TEST_CASE("scaled view: the layout covers 0..29 without gaps or overlaps, from known registers") {
    std::set<std::uint16_t> used;
    for (const auto& field : scaled_fields()) {
        CAPTURE(field.source);
        CHECK(tristar::find_register(field.source) != nullptr);
        for (std::uint16_t w = 0; w < words_of(field.encoding); ++w)
            CHECK(used.insert(field.offset + w).second);
    }
    CHECK(used.size() == scaled_register_count);
    CHECK(*used.rbegin() == scaled_register_count - 1);
}

TEST_CASE("scaled view: the layout's sources are the issue's registers") {
    const std::vector<std::pair<std::uint16_t, std::uint16_t>> offset_to_address{
        {0, 0x18},  {2, 0x1C},  {4, 0x1B},  {6, 0x1D},  {8, 0x3A},  {10, 0x23},
        {12, 0x25}, {14, 0x44}, {16, 0x39}, {18, 0x33}, {20, 0x3D}, {22, 0x3E},
        {24, 0x3C}, {26, 0x32}, {27, 0x2C}, {28, 0x2E}};
    REQUIRE(scaled_fields().size() == offset_to_address.size());
    for (std::size_t i = 0; i < offset_to_address.size(); ++i) {
        CHECK(scaled_fields()[i].offset == offset_to_address[i].first);
        CHECK(tristar::find_register(scaled_fields()[i].source)->address ==
              offset_to_address[i].second);
    }
}

TEST_CASE("scaled view: engineering values from the register map's decoding") {
    const auto words = scaled_words(live_block());
    CHECK(float_at(words, 0) == doctest::Approx(13.4308).epsilon(1e-5));
    CHECK(float_at(words, 2) == doctest::Approx(-10 * 80.0 / 32768).epsilon(1e-5));
    CHECK(float_at(words, 4) == doctest::Approx(6000 * 180.0 / 32768).epsilon(1e-5));
    CHECK(float_at(words, 6) == doctest::Approx(10.0));
    CHECK(float_at(words, 8) == doctest::Approx(1000 * 180.0 * 80.0 / 131072).epsilon(1e-5));
    CHECK(float_at(words, 10) == doctest::Approx(4.0));
    CHECK(float_at(words, 14) == doctest::Approx(1.23).epsilon(1e-5));
    CHECK(float_at(words, 16) == doctest::Approx(57.0));
    CHECK(float_at(words, 18) == doctest::Approx(2610 * 180.0 / 32768).epsilon(1e-5));
    CHECK(float_at(words, 20) == doctest::Approx(5800 * 180.0 / 32768).epsilon(1e-5));
    CHECK(float_at(words, 22) == doctest::Approx(7000 * 180.0 / 32768).epsilon(1e-5));
    CHECK(float_at(words, 24) == doctest::Approx(1200 * 180.0 * 80.0 / 131072).epsilon(1e-5));
}

TEST_CASE("scaled view: a value the register map decodes as no number is NaN") {
    const auto words = scaled_words(live_block());
    CHECK(std::isnan(float_at(words, 12)));  // battery temperature 0x80
    CHECK(words[12] == 0x7FC0);              // a quiet NaN, high word first
}

TEST_CASE("scaled view: charge state, faults and alarms are integers, alarms high word first") {
    const auto words = scaled_words(live_block());
    CHECK(words[26] == 5);
    CHECK(words[27] == 0x0013);
    CHECK(words[28] == 0x0008);
    CHECK(words[29] == 0x0020);
}

TEST_CASE("scaled view: a short block gives NaN and zeros, never an out-of-bounds read") {
    const std::vector<std::uint16_t> short_block(10, 0);
    const auto words = scaled_words(short_block);
    CHECK(std::isnan(float_at(words, 0)));
    CHECK(words[26] == 0);
}

TEST_CASE("scaled view: a response slices the view, FC03 and FC04 alike") {
    const auto words = scaled_words(live_block());
    const auto full = scaled_response({0x04, 0, 30, 0, {}}, reply_of(live_block()));
    REQUIRE(full.size() == 2 + 60);
    CHECK(full[0] == 0x04);
    CHECK(full[1] == 60);
    const auto state = scaled_response({0x03, 26, 2, 0, {}}, reply_of(live_block()));
    CHECK(state == Bytes{0x03, 4, 0x00, 0x05, 0x00, 0x13});
    const auto pair = scaled_response({0x03, 0, 2, 0, {}}, reply_of(live_block()));
    CHECK(pair == Bytes{0x03, 4, static_cast<std::uint8_t>(words[0] >> 8),
                        static_cast<std::uint8_t>(words[0] & 0xFF),
                        static_cast<std::uint8_t>(words[1] >> 8),
                        static_cast<std::uint8_t>(words[1] & 0xFF)});
}

TEST_CASE("scaled view: gateway errors and short blocks are exceptions") {
    v1::Reply down;
    down.mutable_error()->set_code(v1::DEVICE_UNAVAILABLE);
    CHECK(scaled_response({0x04, 0, 2, 0, {}}, down) == Bytes{0x84, 0x0B});
    CHECK(scaled_response({0x04, 0, 2, 0, {}}, reply_of({1, 2, 3})) == Bytes{0x84, 0x04});
}

TEST_CASE("scaled view: requests inside the table pass, the rest are refused") {
    using modbus::ExceptionCode;
    CHECK_FALSE(check_scaled_request({0x04, 0, 30, 0, {}}));
    CHECK_FALSE(check_scaled_request({0x03, 28, 2, 0, {}}));
    CHECK(check_scaled_request({0x04, 0, 31, 0, {}}) == ExceptionCode::illegal_data_address);
    CHECK(check_scaled_request({0x04, 0x20, 1, 0, {}}) == ExceptionCode::illegal_data_address);
    CHECK(check_scaled_request({0x06, 0, 1, 1, {}}) == ExceptionCode::illegal_function);
    CHECK(check_scaled_request({0x02, 0, 1, 0, {}}) == ExceptionCode::illegal_function);
}
