// Sanity of the register and coil tables against the spec (tristar-modbus.md sections 3, 6, 8)
// and against docs/register-map.md.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "proto/tristar/register_map.h"

using namespace tristar;

namespace {

bool is_snake_case(std::string_view name) {
    if (name.empty() || name.front() < 'a' || name.front() > 'z' || name.back() == '_')
        return false;
    return std::ranges::all_of(
        name, [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

unsigned last_word(const Register& reg) {
    return reg.address + reg.words - 1U;
}

bool is_signed(Format format) {
    return format == Format::s16 || format == Format::temperature;
}

bool is_two_word(Format format) {
    return format == Format::u32_hi_first || format == Format::u32_lo_first ||
           format == Format::alarms;
}

std::string hex(unsigned address) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%04X", address);
    return buf;
}

// Tests run from the build tree; the doc is found from this source file's own path.
std::string read_doc() {
    auto path = std::filesystem::path(__FILE__).parent_path() / "../../docs/register-map.md";
    std::ifstream in(path);
    REQUIRE_MESSAGE(in.good(), "cannot open " << path.string());
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// The doc line that names `name` in code style, or "" if there is none.
std::string doc_line(const std::string& doc, std::string_view name) {
    std::istringstream lines(doc);
    std::string needle = "| `" + std::string(name) + "` |";
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with(needle)) return line;
    }
    return {};
}

}  // namespace

TEST_CASE("register names are unique snake_case, spec names present") {
    std::set<std::string_view> names;
    for (const Register& reg : registers()) {
        CAPTURE(reg.name);
        CHECK(is_snake_case(reg.name));
        CHECK(names.insert(reg.name).second);
        CHECK_FALSE(reg.spec_name.empty());
        CHECK_FALSE(reg.description.empty());
    }
}

TEST_CASE("rows are sorted, unique and never overlap") {
    auto regs = registers();
    REQUIRE(regs.size() > 90);
    for (std::size_t i = 1; i < regs.size(); ++i) {
        CAPTURE(regs[i].name);
        CHECK(last_word(regs[i - 1]) < regs[i].address);
    }
}

TEST_CASE("word counts follow the format") {
    for (const Register& reg : registers()) {
        CAPTURE(reg.name);
        if (reg.format == Format::serial) {
            CHECK(reg.words == 4);
        } else if (is_two_word(reg.format)) {
            CHECK(reg.words == 2);
        } else {
            CHECK(reg.words == 1);
        }
    }
}

TEST_CASE("every row lies inside a block of its own kind") {
    for (const Register& reg : registers()) {
        CAPTURE(reg.name);
        const BlockRange* first = find_block(reg.address);
        REQUIRE(first != nullptr);
        CHECK(first->block == reg.block);
        CHECK(last_word(reg) <= first->last);
    }
}

TEST_CASE("blocks: the live block, no overlap, each readable in one FC03/FC04") {
    auto ranges = blocks();
    REQUIRE_FALSE(ranges.empty());
    CHECK(ranges[0].block == Block::ram);
    CHECK(ranges[0].first == 0x0000);
    CHECK(ranges[0].last == 0x005B);
    for (std::size_t i = 0; i < ranges.size(); ++i) {
        CHECK(ranges[i].first <= ranges[i].last);
        CHECK(ranges[i].last - ranges[i].first + 1 <= 125);
        if (i > 0) CHECK(ranges[i - 1].last < ranges[i].first);
    }
    for (const BlockRange& range : ranges) {
        if (range.block == Block::eeprom_settings || range.block == Block::eeprom_identity) {
            CHECK(range.first >= addr::eeprom_first);
            CHECK(range.last <= addr::eeprom_last);
        }
    }
    CHECK(find_block(0x9000) == nullptr);
    CHECK(find_block(0x0005)->block == Block::ram);  // reserved words still read inside a block
}

TEST_CASE("RAM covers every named word of 0x0000-0x005B and none of the reserved ones") {
    const std::set<unsigned> reserved = {
        0x2D, 0x3F, 0x4A, 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x05, 0x06, 0x07, 0x08,
        0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17};
    for (unsigned address = addr::live_first; address <= addr::live_last; ++address) {
        CAPTURE(address);
        bool covered = find_register_covering(static_cast<std::uint16_t>(address)) != nullptr;
        CHECK(covered == !reserved.contains(address));
    }
}

TEST_CASE("writable exactly where the spec allows FC06") {
    for (const Register& reg : registers()) {
        CAPTURE(reg.name);
        bool slave_override = reg.address >= 0x58 && reg.address <= 0x5B;
        CHECK(reg.writable == (slave_override || reg.block == Block::eeprom_settings));
    }
}

TEST_CASE("signedness: V, A and degC signed; W, Ah, kWh, Wh, h, s, d, % unsigned") {
    const std::set<std::string_view> signed_units = {"V", "A", "degC"};
    const std::set<std::string_view> unsigned_units = {"W", "Ah", "kWh", "Wh", "h", "s", "d", "%"};
    for (const Register& reg : registers()) {
        CAPTURE(reg.name);
        if (signed_units.contains(reg.unit)) CHECK(is_signed(reg.format));
        if (unsigned_units.contains(reg.unit)) CHECK_FALSE(is_signed(reg.format));
        if (reg.unit == "degC") CHECK(reg.format == Format::temperature);
    }
}

TEST_CASE("32-bit pairs: RAM HI first, EEPROM LO first") {
    for (const Register& reg : registers()) {
        CAPTURE(reg.name);
        if (reg.block == Block::ram) CHECK(reg.format != Format::u32_lo_first);
        if (reg.address >= addr::eeprom_first) CHECK(reg.format != Format::u32_hi_first);
    }
    CHECK(find_register("hourmeter")->format == Format::u32_hi_first);
    CHECK(find_register("hourmeter_stored")->format == Format::u32_lo_first);
}

namespace {

struct Expect {
    std::string_view name;
    std::uint16_t address;
};

// clang-format off
const Expect expected_names[] = {
    {"v_pu", 0x00}, {"i_pu", 0x02}, {"firmware_version", 0x04}, {"battery_voltage", 0x18},
    {"battery_terminal_voltage", 0x19}, {"battery_sense_voltage", 0x1A}, {"array_voltage", 0x1B},
    {"battery_current", 0x1C}, {"array_current", 0x1D}, {"heatsink_temperature", 0x23},
    {"rts_temperature", 0x24}, {"battery_temperature", 0x25}, {"battery_voltage_1m", 0x26},
    {"battery_current_1m", 0x27}, {"hourmeter", 0x2A}, {"faults", 0x2C}, {"alarms", 0x2E},
    {"dip_switches", 0x30}, {"led_state", 0x31}, {"charge_state", 0x32},
    {"target_voltage", 0x33}, {"ah_resettable", 0x34}, {"ah_total", 0x36},
    {"kwh_resettable", 0x38}, {"kwh_total", 0x39}, {"output_power", 0x3A},
    {"input_power", 0x3B}, {"sweep_pmax", 0x3C}, {"sweep_vmp", 0x3D}, {"sweep_voc", 0x3E},
    {"battery_voltage_min_daily", 0x40}, {"energy_daily", 0x44}, {"alarms_daily", 0x4B},
    {"slave_current", 0x58}, {"slave_voltage", 0x59}, {"network_version", 0x1000},
    {"absorption_voltage", 0xE000}, {"absorption_extension_voltage", 0xE004},
    {"equalize_voltage", 0xE007}, {"serial", 0xE0C0}, {"model", 0xE0CC},
    {"hardware_version", 0xE0CD},
};
// clang-format on

}  // namespace

TEST_CASE("the names the rest of the product relies on") {
    for (const Expect& e : expected_names) {
        CAPTURE(e.name);
        const Register* reg = find_register(e.name);
        REQUIRE(reg != nullptr);
        CHECK(reg->address == e.address);
    }
    CHECK(find_register("rts_temperature")->address == addr::rts_temperature);
    CHECK(find_register("v_pu")->scaling == Scaling::scale_pu);
    CHECK(find_register("i_pu")->scaling == Scaling::scale_pu);
    CHECK(find_register("slave_current")->scaling == Scaling::slave_current);
    CHECK(find_register("firmware_version")->format == Format::bcd);
    CHECK(find_register("serial")->block == Block::eeprom_identity);
}

TEST_CASE("the rails have their own scalings (lesson: wrong rail offsets)") {
    CHECK(find_register_at(0x1E)->scaling == Scaling::rail_12v);
    CHECK(find_register_at(0x1F)->scaling == Scaling::rail_3v);
    CHECK(find_register_at(0x20)->scaling == Scaling::rail_12v);
    CHECK(find_register_at(0x21)->scaling == Scaling::rail_1v8);
    CHECK(find_register_at(0x22)->scaling == Scaling::rail_1v8);
}

TEST_CASE("find_register and find_register_at round-trip; unknowns are null") {
    for (const Register& reg : registers()) {
        CHECK(find_register(reg.name) == &reg);
        CHECK(find_register_at(reg.address) == &reg);
        CHECK(find_register_covering(static_cast<std::uint16_t>(last_word(reg))) == &reg);
    }
    CHECK(find_register("no_such_register") == nullptr);
    CHECK(find_register("") == nullptr);
    CHECK(find_register_at(0x2B) == nullptr);  // second word of the hourmeter
    CHECK(find_register_covering(0x2B) == find_register("hourmeter"));
    CHECK(find_register_covering(0x2D) == nullptr);
}

TEST_CASE("coils: every coil of spec 6.5, unique, only 0 and 2 read back") {
    const std::set<unsigned> spec_coils = {0x00, 0x02,   0x10,   0x11,   0x12,   0x13,
                                           0x14, 0x15,   0x16,   0x18,   0x19,   0xF0,
                                           0xFF, 0x1000, 0x1001, 0x1002, 0x1003, 0x10FF};
    std::set<unsigned> addresses;
    std::set<std::string_view> names;
    for (const Coil& coil : coils()) {
        CAPTURE(coil.name);
        CHECK(is_snake_case(coil.name));
        CHECK(addresses.insert(coil.address).second);
        CHECK(names.insert(coil.name).second);
        CHECK(coil.readable == (coil.address == 0x00 || coil.address == 0x02));
        CHECK(find_coil(coil.name) == &coil);
        CHECK(find_coil_at(coil.address) == &coil);
    }
    CHECK(addresses == spec_coils);
    CHECK(find_coil("no_such_coil") == nullptr);
    CHECK(find_coil_at(0x0001) == nullptr);
}

TEST_CASE("coil address constants name the right coils") {
    CHECK(find_coil_at(addr::coil_equalize)->name == "equalize");
    CHECK(find_coil_at(addr::coil_charge_disconnect)->name == "charge_disconnect");
    CHECK(find_coil_at(addr::coil_clear_faults)->name == "clear_faults");
    CHECK(find_coil_at(addr::coil_clear_alarms)->name == "clear_alarms");
    CHECK(find_coil_at(addr::coil_reset_controller)->name == "reset_controller");
    CHECK(find_coil_at(addr::coil_reset_comm_server)->name == "reset_comm_server");
    CHECK(find_coil("clear_ah_resettable")->address == 0x10);
    CHECK(find_coil("test_notification_1")->address == 0x1000);
}

TEST_CASE("docs/register-map.md lists every register and coil at its address") {
    const std::string doc = read_doc();
    for (const Register& reg : registers()) {
        CAPTURE(reg.name);
        std::string line = doc_line(doc, reg.name);
        REQUIRE_FALSE(line.empty());
        CHECK(line.find("| " + hex(reg.address)) != std::string::npos);
        std::string dec = "| " + std::to_string(reg.address);
        bool has_dec = line.find(dec + " |") != std::string::npos ||
                       line.find(dec + "\u2013") != std::string::npos;  // "42–43" for pairs
        CHECK(has_dec);
        CHECK(line.find(std::string(reg.spec_name)) != std::string::npos);
    }
    for (const Coil& coil : coils()) {
        CAPTURE(coil.name);
        std::string line = doc_line(doc, coil.name);
        REQUIRE_FALSE(line.empty());
        CHECK(line.find("| " + hex(coil.address) + " |") != std::string::npos);
    }
}
