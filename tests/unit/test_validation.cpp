// Protocol limits (design.md 4), checked before anything else.
#include <doctest/doctest.h>

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

bool ok(const v1::Request& r) { return !validate(r, {}).has_value(); }

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

TEST_CASE("envelope fields: unit, deadline, priority, unknown fields") {
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

    v1::Request unknown;
    const auto bytes = read(4, 0, 1).SerializeAsString() + std::string("\x98\x06\x01", 3);
    REQUIRE(unknown.ParseFromString(bytes));
    const auto why = validate(unknown, {});
    REQUIRE(why.has_value());
    CHECK(why->find("fields") != std::string::npos);
}

TEST_CASE("the refusal names the problem") {
    const auto why = validate(read(4, 0, 126), {});
    REQUIRE(why.has_value());
    CHECK(why->find("126") != std::string::npos);
    CHECK(why->find("1..125") != std::string::npos);
}

}  // namespace tristar::gateway
