// Protocol limits (design.md 4), checked before anything else.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "gateway/daemon/known_fields.h"
#include "gateway/daemon/validation.h"

namespace tristar::gateway {
namespace {

v1::Request read(std::uint32_t fc, std::uint32_t address, std::uint32_t count) {
    v1::Request r;
    r.mutable_read_registers()->set_function(fc);
    r.mutable_read_registers()->set_address(address);
    r.mutable_read_registers()->set_count(count);
    return r;
}

v1::Request bits(std::uint32_t fc, std::uint32_t address, std::uint32_t count) {
    v1::Request r;
    r.mutable_read_bits()->set_function(fc);
    r.mutable_read_bits()->set_address(address);
    r.mutable_read_bits()->set_count(count);
    return r;
}

bool ok(const v1::Request& r) {
    return !validate(r, {}).has_value();
}

}  // namespace

TEST_CASE("register reads: function 3 or 4, 1..125 registers, inside 0..0xFFFF") {
    CHECK(ok(read(3, 0, 1)));
    CHECK(ok(read(4, 0x18, 56)));
    CHECK(ok(read(4, 0, 125)));
    CHECK(ok(read(3, 0xFFFF, 1)));
    CHECK(ok(read(3, 0xFF83, 125)));  // ends exactly at 0xFFFF
    CHECK_FALSE(ok(read(4, 0, 126)));
    CHECK_FALSE(ok(read(4, 0, 0)));
    CHECK_FALSE(ok(read(7, 0, 1)));
    CHECK_FALSE(ok(read(1, 0, 1)));
    CHECK_FALSE(ok(read(3, 0xFF84, 125)));
    CHECK_FALSE(ok(read(3, 0x10000, 1)));
}

TEST_CASE("bit reads: function 1 or 2, 1..2000 bits") {
    CHECK(ok(bits(1, 0, 2000)));
    CHECK(ok(bits(2, 0x10FF, 1)));
    CHECK_FALSE(ok(bits(1, 0, 2001)));
    CHECK_FALSE(ok(bits(3, 0, 1)));
    CHECK_FALSE(ok(bits(1, 0xFFFF, 2)));
}

TEST_CASE("writes: values fit 16 bits, FC16 takes 1..123 values") {
    v1::Request single;
    single.mutable_write_register()->set_address(0x59);
    single.mutable_write_register()->set_value(0xFFFF);
    CHECK(ok(single));
    single.mutable_write_register()->set_value(0x10000);
    CHECK_FALSE(ok(single));

    v1::Request multi;
    CHECK_FALSE(ok(multi));  // no body at all
    for (int i = 0; i < 123; ++i) multi.mutable_write_registers()->add_values(1);
    CHECK(ok(multi));
    multi.mutable_write_registers()->add_values(1);
    CHECK_FALSE(ok(multi));

    v1::Request coil;
    coil.mutable_write_coil()->set_address(0x10FF);
    CHECK(ok(coil));
    coil.mutable_write_coil()->set_address(0x10000);
    CHECK_FALSE(ok(coil));
}

TEST_CASE("envelope fields: unit, deadline, priority") {
    auto r = read(4, 0, 1);
    r.set_unit(247);
    CHECK(ok(r));
    r.set_unit(256);
    CHECK_FALSE(ok(r));
    r.set_unit(1);
    r.set_deadline_ms(600000);
    CHECK(ok(r));
    CHECK(validate(r, {.max_deadline_ms = 1000}).has_value());
    r.set_deadline_ms(0);
    r.set_priority(static_cast<v1::Priority>(42));
    CHECK_FALSE(ok(r));
    r.set_priority(v1::PRIORITY_BACKGROUND);
    CHECK(ok(r));
}

TEST_CASE("the refusal names the problem") {
    const auto why = validate(read(4, 0, 126), {});
    REQUIRE(why.has_value());
    CHECK(why->find("126") != std::string::npos);
    CHECK(why->find("1..125") != std::string::npos);
}

bool unknown(const std::string& bytes) {
    return has_unknown_fields({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
}

// Every field of Request and of each body set: the table in known_fields.cpp must know them all.
std::vector<v1::Request> every_field_set() {
    v1::Request head;
    head.set_id(1);
    head.set_client_name("tristar-ctl");
    head.set_unit(2);
    head.set_deadline_ms(3);
    head.set_max_age_ms(4);
    head.set_priority(v1::PRIORITY_POLL);
    std::vector<v1::Request> all(6, head);
    all[0].mutable_read_registers()->set_function(4);
    all[0].mutable_read_registers()->set_address(5);
    all[0].mutable_read_registers()->set_count(6);
    all[1].mutable_read_bits()->set_function(1);
    all[1].mutable_read_bits()->set_address(5);
    all[1].mutable_read_bits()->set_count(6);
    all[2].mutable_write_coil()->set_address(2);
    all[2].mutable_write_coil()->set_value(true);
    all[3].mutable_write_register()->set_address(7);
    all[3].mutable_write_register()->set_value(8);
    all[4].mutable_write_registers()->set_address(9);
    all[4].mutable_write_registers()->add_values(10);
    all[4].mutable_write_registers()->add_values(11);
    all[5].mutable_status();
    return all;
}

TEST_CASE("unknown fields: found at the top level and in the body, known ones pass") {
    for (const auto& request : every_field_set()) {
        const auto bytes = request.SerializeAsString();
        CHECK_FALSE(unknown(bytes));
        CHECK(unknown(bytes + std::string("\x98\x06\x01", 3)));  // field 99, varint
        CHECK(unknown(bytes + std::string("\x80\x01\x01", 3)));  // field 16, varint
    }
    CHECK_FALSE(unknown(""));
    // field 2 (client_name) as a varint: a wire type the parser does not accept for it
    CHECK(unknown(std::string("\x10\x01", 2)));
    // read_registers { count = 1, field 4 = 1 }
    CHECK(unknown(std::string("\x52\x04\x18\x01\x20\x01", 6)));
    CHECK_FALSE(unknown(std::string("\x52\x02\x18\x01", 4)));
    // an empty status body last, and a body longer than what is left
    CHECK_FALSE(unknown(std::string("\x08\x01\x7a\x00", 4)));
    CHECK(unknown(std::string("\x7a\x05\x00", 3)));
    // write_registers' values unpacked (two varints) as well as packed
    CHECK_FALSE(unknown(std::string("\x72\x04\x10\x01\x10\x02", 6)));
    CHECK_FALSE(unknown(std::string("\x72\x04\x12\x02\x01\x02", 6)));
}

}  // namespace tristar::gateway
