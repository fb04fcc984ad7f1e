// Unit tests for tristar-sim's address switches: address ranges and their parsing, the spec's
// documented-address table, and --refuse-undocumented / --refuse down to the Modbus service.
#include <doctest/doctest.h>

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

#include "gateway/sim/address_range.h"
#include "gateway/sim/addresses.h"
#include "gateway/sim/device_model.h"
#include "gateway/sim/documented_addresses.h"
#include "gateway/sim/modbus_service.h"
#include "gateway/sim/refusals.h"
#include "proto/modbus/pdu.h"
#include "tests/unit/sim_model_test_support.h"

using namespace tristar::sim;
namespace modbus = tristar::modbus;

namespace {

using Addresses = std::initializer_list<std::uint16_t>;

using tristar::sim::model_test::pdu;
using tristar::sim::model_test::request;
using tristar::sim::model_test::single_write;

std::vector<AddressRange> ranges(const std::string& text) {
    std::string error;
    auto parsed = parse_ranges(text, error);
    REQUIRE_MESSAGE(error.empty(), error);
    return parsed;
}

bool ascending_and_disjoint(std::span<const AddressRange> table) {
    for (std::size_t i = 0; i < table.size(); ++i) {
        if (table[i].first > table[i].last) return false;
        if (i > 0 && table[i].first <= table[i - 1].last) return false;
    }
    return true;
}

}  // namespace

// ------------------------------------------------------------------------------ address ranges

TEST_CASE("address ranges: ADDR and FIRST-LAST, hex or decimal, comma separated") {
    CHECK(ranges("0xE0C0-0xE0C3,0xE0CC") ==
          std::vector<AddressRange>{{0xE0C0, 0xE0C3}, {0xE0CC, 0xE0CC}});
    CHECK(ranges("57548") == std::vector<AddressRange>{{0xE0CC, 0xE0CC}});
    CHECK(ranges(" 0x0 - 0x5B , 0xffff") ==
          std::vector<AddressRange>{{0x0000, 0x005B}, {0xFFFF, 0xFFFF}});
}

TEST_CASE("address ranges: malformed input is refused with a reason") {
    for (const char* bad :
         {"", "x", "0xE0C3-0xE0C0", "0x10000", "1,,2", "1-2-3", "0x", "-5", "5-"}) {
        CAPTURE(bad);
        std::string error;
        CHECK(parse_ranges(bad, error).empty());
        CHECK_FALSE(error.empty());
    }
}

TEST_CASE("address ranges: covers needs every address, touches any") {
    const std::vector<AddressRange> r{{0x10, 0x12}, {0x13, 0x13}, {0x20, 0x20}};
    CHECK(covers(r, 0x10, 4));
    CHECK_FALSE(covers(r, 0x10, 5));
    CHECK_FALSE(covers(r, 0x10, 0));
    CHECK(touches(r, 0x00, 0x11));
    CHECK(touches(r, 0x20, 1));
    CHECK_FALSE(touches(r, 0x14, 12));
    CHECK_FALSE(touches(r, 0x10, 0));
    CHECK_FALSE(covers(r, 0xFFFF, 1));
}

// ---------------------------------------------------------------------- documented addresses

TEST_CASE("documented tables are ascending and disjoint") {
    CHECK(ascending_and_disjoint(documented_registers()));
    CHECK(ascending_and_disjoint(documented_coils()));
}

TEST_CASE("documented registers: the spec's sections 3, 6.1, 6.2 and 6.3") {
    CHECK(registers_documented(0x0000, 92));  // the whole live block, reserved words included
    CHECK(registers_documented(0x0018, 56));  // section 8: the drivers' FC04 block
    CHECK(registers_documented(0xE000, 18));  // section 8: 18 regs at 0xE000 seen working
    CHECK(registers_documented(0xE000, 0x13));
    CHECK(registers_documented(0xE015, 6));
    CHECK(registers_documented(0xE080, 13));
    CHECK(registers_documented(0xE0C0, 4));
    CHECK(registers_documented(0xE0CC, 2));
    CHECK(registers_documented(0x100F, 10));
    CHECK(registers_documented(0x101D, 20));  // ControllerID, NetFlags, MAC, NetBIOS name
    CHECK(registers_documented(0x151B, 3));
    for (const std::uint16_t a :
         Addresses{0x005C, 0x1001, 0x100E, 0x1019, 0x101C, 0x1031, 0x151A, 0x151E,
                   0xE013, 0xE014, 0xE01B, 0xE01C, 0xE01E, 0xE01F, 0xE022, 0xE07F,
                   0xE08D, 0xE0BF, 0xE0C4, 0xE0CB, 0xE0CE, 0xFFFF}) {
        CAPTURE(a);
        CHECK_FALSE(registers_documented(a, 1));
    }
}

TEST_CASE("documented registers include every address the simulator names") {
    const std::uint16_t named[] = {
        reg::ver_sw,        reg::vb_f_med,          reg::t_batt,
        reg::hourmeter_hi,  reg::alarm_lo,          reg::sweep_voc,
        reg::time_fl_daily, reg::va_ref_fixed_pct,  reg::processor_b_version,
        reg::ip_address,    reg::controller_id,     reg::net_flags,
        reg::mac + 2,       reg::netbios_name + 7,  reg::http_port,
        reg::net_rules,     reg::settings_first,    reg::ev_tempcomp,
        reg::etb_min,       reg::ev_soc_first + 3,  reg::emodbus_id,
        reg::emeterbus_id,  reg::eib_lim,           reg::settings_last,
        reg::ehourmeter,    reg::etmr_batt_service, reg::eserial + 3,
        reg::emodel,        reg::ehw_version};
    for (const auto a : named) {
        CAPTURE(a);
        CHECK(registers_documented(a, 1));
    }
}

TEST_CASE("documented registers all lie inside the simulator's register image") {
    const DeviceModel m(ModelConfig{});
    for (const auto& r : documented_registers()) {
        CAPTURE(r.first);
        CHECK(m.image().contains(r.first, static_cast<std::uint16_t>(r.last - r.first + 1)));
    }
}

TEST_CASE("documented coils: section 6.5 only") {
    for (const std::uint16_t a : Addresses{0x0000, 0x0002, 0x0010, 0x0013, 0x0016, 0x0018, 0x0019,
                                           0x00F0, 0x00FF, 0x1000, 0x1003, 0x10FF}) {
        CAPTURE(a);
        CHECK(coils_documented(a, 1));
    }
    for (const std::uint16_t a : Addresses{0x0001, 0x0003, 0x000F, 0x0017, 0x001A, 0x00EF, 0x00FE,
                                           0x0100, 0x0FFF, 0x1004, 0x10FE, 0x1100}) {
        CAPTURE(a);
        CHECK_FALSE(coils_documented(a, 1));
    }
    CHECK(coils_documented(0x0010, 7));
    CHECK_FALSE(coils_documented(0x0000, 3));  // coil 1 is not documented
}

// ----------------------------------------------------------------------------------- refusals

TEST_CASE("refusals: none by default") {
    const RefusalConfig none;
    CHECK_FALSE(refusal(none, request(3, 0xE013, 1)));
    CHECK_FALSE(refusal(none, single_write(5, 0x0001, 0xFF00)));
}

TEST_CASE("refusals: --refuse-undocumented covers registers and coils, reads and writes") {
    RefusalConfig c;
    c.undocumented = true;
    CHECK_FALSE(refusal(c, request(3, 0x0000, 92)));
    CHECK_FALSE(refusal(c, request(4, 0x0018, 56)));
    const auto wide = refusal(c, request(4, 0xE000, 34));  // 0xE000-0xE021 spans 0xE013
    REQUIRE(wide);
    CHECK(wide->key() == "fc4 0xe000+34");
    CHECK(refusal(c, request(3, 0x0000, 93)));
    CHECK(refusal(c, single_write(6, 0xE013, 1))->key() == "fc6 0xe013+1");
    CHECK_FALSE(refusal(c, single_write(6, 0xE000, 1)));
    CHECK(refusal(c, single_write(5, 0x0001, 0xFF00))->key() == "fc5 0x0001+1");
    CHECK_FALSE(refusal(c, single_write(5, 0x0000, 0xFF00)));
    CHECK(refusal(c, request(1, 0x0000, 3)));
    CHECK_FALSE(refusal(c, request(2, 0x0010, 7)));
    const modbus::Request fc16{16, 0xE01B, 2, 0, {1, 2}};
    CHECK(refusal(c, fc16)->key() == "fc16 0xe01b+2");
}

TEST_CASE("refusals: --refuse ranges refuse register requests touching them, not coils") {
    RefusalConfig c;
    c.registers = ranges("0xE0C0-0xE0C3,0xE0CC");
    CHECK(refusal(c, request(3, 0xE0C0, 4)));
    CHECK(refusal(c, request(3, 0xE0BE, 3)));
    CHECK(refusal(c, request(4, 0xE0CC, 2)));
    CHECK_FALSE(refusal(c, request(4, 0xE0CD, 1)));
    CHECK_FALSE(refusal(c, request(3, 0x0018, 4)));
    CHECK(refusal(c, single_write(6, 0xE0CC, 1)));
    CHECK_FALSE(refusal(c, request(1, 0xE0C0, 1)));
}

TEST_CASE("service: a refused request answers exception 2 and executes nothing") {
    RefusalConfig c;
    c.registers = ranges("0x58");
    DeviceModel m(ModelConfig{});
    const auto out = execute_request(m, pdu(single_write(6, reg::ib_ref_slave, 100)), {false, c});
    CHECK(out.response == modbus::Bytes{0x86, 0x02});
    REQUIRE(out.refused);
    CHECK(out.refused->key() == "fc6 0x0058+1");
    CHECK(out.writes.empty());
    CHECK(m.reg(reg::ib_ref_slave) == 0);
}

TEST_CASE("service: function and value checks come before a refusal, as in Modbus") {
    RefusalConfig c;
    c.undocumented = true;
    DeviceModel m(ModelConfig{});
    const modbus::Request fc16{16, 0xE01B, 1, 0, {1}};
    CHECK(execute_request(m, pdu(fc16), {false, c}).response == modbus::Bytes{0x90, 0x01});
    CHECK(execute_request(m, pdu(fc16), {true, c}).response == modbus::Bytes{0x90, 0x02});
    const auto bad_value = execute_request(m, pdu(single_write(5, 0x0001, 0x1234)), {false, c});
    CHECK(bad_value.response == modbus::Bytes{0x85, 0x03});
    CHECK_FALSE(bad_value.refused);
}
