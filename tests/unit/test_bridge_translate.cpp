// tristar-bridge: Modbus requests to gateway requests, gateway replies and errors to Modbus
// responses and exceptions (bridge/translate.h).
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "gateway/bridge/translate.h"

using namespace tristar::bridge;
namespace modbus = tristar::modbus;
using modbus::Bytes;
using modbus::ExceptionCode;

namespace {

const TranslateOptions options{1000, 2};

Bytes pdu_of(const modbus::Request& request) {
    return modbus::encode_request(request);
}

Plan plan_for(std::uint8_t unit, const modbus::Request& request,
              const TranslateOptions& with = options) {
    return plan_request(unit, pdu_of(request), with);
}

v1::Reply registers_reply(std::vector<std::uint32_t> values) {
    v1::Reply reply;
    for (auto v : values) reply.mutable_registers()->add_values(v);
    return reply;
}

v1::Reply error_reply(v1::ErrorCode code, std::uint32_t exception = 0) {
    v1::Reply reply;
    reply.mutable_error()->set_code(code);
    reply.mutable_error()->set_modbus_exception(exception);
    return reply;
}

Bytes exception_pdu(std::uint8_t function, ExceptionCode code) {
    return {static_cast<std::uint8_t>(function | 0x80), static_cast<std::uint8_t>(code)};
}

// `plan` goes to `target` as a gateway read of registers (function, address, count) that
// accepts a cached answer (max_age 1000 ms, the options').
void check_register_read(const Plan& plan, Target target, std::uint32_t function,
                         std::uint32_t address, std::uint32_t count) {
    CHECK(plan.target == target);
    REQUIRE(plan.gateway.has_read_registers());
    CHECK(plan.gateway.read_registers().function() == function);
    CHECK(plan.gateway.read_registers().address() == address);
    CHECK(plan.gateway.read_registers().count() == count);
    CHECK(plan.gateway.max_age_ms() == 1000);
}

// `request` to `unit` is answered at once with exception `code` to its own function.
void check_refused(std::uint8_t unit, const modbus::Request& request, ExceptionCode code) {
    CHECK(plan_for(unit, request).answer == exception_pdu(request.function, code));
}

}  // namespace

TEST_CASE("translate: FC04 on unit 1 is a gateway register read with max_age") {
    const auto plan = plan_for(1, {0x04, 0x18, 2, 0, {}});
    check_register_read(plan, Target::device, 4, 0x18, 2);
    CHECK(plan.gateway.unit() == 0);  // the gateway's configured device
}

TEST_CASE("translate: FC03 keeps its function code") {
    const auto plan = plan_for(1, {0x03, 0xE000, 10, 0, {}});
    REQUIRE(plan.gateway.has_read_registers());
    CHECK(plan.gateway.read_registers().function() == 3);
    CHECK(plan.gateway.read_registers().address() == 0xE000);
}

TEST_CASE("translate: FC01 and FC02 are bit reads") {
    for (const std::uint8_t function : {std::uint8_t{0x01}, std::uint8_t{0x02}}) {
        const auto plan = plan_for(1, {function, 0, 3, 0, {}});
        REQUIRE(plan.gateway.has_read_bits());
        CHECK(plan.gateway.read_bits().function() == function);
        CHECK(plan.gateway.read_bits().count() == 3);
        CHECK(plan.gateway.max_age_ms() == 1000);
    }
}

TEST_CASE("translate: writes become write_coil, write_register, write_registers, with no max_age") {
    const auto coil_on = plan_for(1, {0x05, 0, 1, 0xFF00, {}});
    REQUIRE(coil_on.gateway.has_write_coil());
    CHECK(coil_on.gateway.write_coil().value());
    CHECK(coil_on.gateway.max_age_ms() == 0);
    const auto coil_off = plan_for(1, {0x05, 2, 1, 0x0000, {}});
    CHECK_FALSE(coil_off.gateway.write_coil().value());
    CHECK(coil_off.gateway.write_coil().address() == 2);

    const auto reg = plan_for(1, {0x06, 0x58, 1, 0xFFF0, {}});
    REQUIRE(reg.gateway.has_write_register());
    CHECK(reg.gateway.write_register().address() == 0x58);
    CHECK(reg.gateway.write_register().value() == 0xFFF0);

    const auto regs = plan_for(1, {0x10, 0x58, 2, 0, {100, 200}});
    REQUIRE(regs.gateway.has_write_registers());
    CHECK(regs.gateway.write_registers().address() == 0x58);
    REQUIRE(regs.gateway.write_registers().values_size() == 2);
    CHECK(regs.gateway.write_registers().values(1) == 200);
}

TEST_CASE("translate: an unknown function is answered 0x01 at once") {
    const Bytes device_id{0x2B, 0x0E, 0x01, 0x00};
    const auto plan = plan_request(1, device_id, options);
    CHECK(plan.target == Target::local);
    CHECK(plan.answer == exception_pdu(0x2B, ExceptionCode::illegal_function));
}

TEST_CASE("translate: bad quantities and ranges are the Modbus spec's exceptions") {
    check_refused(1, {0x03, 0, 0, 0, {}}, ExceptionCode::illegal_data_value);
    check_refused(1, {0x04, 0, 126, 0, {}}, ExceptionCode::illegal_data_value);
    check_refused(1, {0x04, 0xFFFF, 2, 0, {}}, ExceptionCode::illegal_data_address);
    check_refused(1, {0x05, 0, 1, 0x1234, {}}, ExceptionCode::illegal_data_value);
    const Bytes truncated{0x03, 0x00, 0x18};
    CHECK(plan_request(1, truncated, options).answer ==
          exception_pdu(0x03, ExceptionCode::illegal_data_value));
}

TEST_CASE("translate: another unit id has no device behind it: 0x0B") {
    const auto plan = plan_for(7, {0x04, 0x18, 1, 0, {}});
    CHECK(plan.target == Target::local);
    CHECK(plan.answer == exception_pdu(0x04, ExceptionCode::gateway_target_failed));
    CHECK(plan_for(0, {0x04, 0x18, 1, 0, {}}).target == Target::local);
}

TEST_CASE("translate: the scaled unit reads the live block through the gateway") {
    check_register_read(plan_for(2, {0x03, 0, 30, 0, {}}), Target::scaled, 4, 0, 0x5C);
    CHECK(plan_for(2, {0x04, 26, 1, 0, {}}).target == Target::scaled);
}

TEST_CASE("translate: the scaled unit refuses reads past its table (0x02) and writes (0x01)") {
    check_refused(2, {0x04, 29, 2, 0, {}}, ExceptionCode::illegal_data_address);
    check_refused(2, {0x03, 30, 1, 0, {}}, ExceptionCode::illegal_data_address);
    check_refused(2, {0x06, 0, 1, 5, {}}, ExceptionCode::illegal_function);
    check_refused(2, {0x05, 0, 1, 0xFF00, {}}, ExceptionCode::illegal_function);
    check_refused(2, {0x10, 0, 1, 0, {1}}, ExceptionCode::illegal_function);
    check_refused(2, {0x01, 0, 1, 0, {}}, ExceptionCode::illegal_function);
}

TEST_CASE("translate: with the scaled view off, its unit is like any other unknown unit") {
    const auto plan = plan_for(2, {0x04, 0, 2, 0, {}}, TranslateOptions{1000, 0});
    CHECK(plan.answer == exception_pdu(0x04, ExceptionCode::gateway_target_failed));
}

TEST_CASE("translate: gateway errors map to Modbus exceptions") {
    const auto code_of = [](v1::ErrorCode code, std::uint32_t exception = 0) {
        return exception_for(error_reply(code, exception).error());
    };
    CHECK(code_of(v1::DEVICE_TIMEOUT) == ExceptionCode::gateway_target_failed);
    CHECK(code_of(v1::DEVICE_UNAVAILABLE) == ExceptionCode::gateway_target_failed);
    CHECK(code_of(v1::OUTCOME_UNKNOWN) == ExceptionCode::gateway_target_failed);
    CHECK(code_of(v1::BUSY) == ExceptionCode::server_device_busy);
    CHECK(code_of(v1::DEADLINE_EXCEEDED) == ExceptionCode::server_device_busy);
    CHECK(code_of(v1::WRITE_DENIED) == ExceptionCode::illegal_function);
    CHECK(code_of(v1::INVALID_REQUEST) == ExceptionCode::illegal_data_value);
    CHECK(code_of(v1::MODBUS_EXCEPTION, 2) == ExceptionCode::illegal_data_address);
    CHECK(code_of(v1::MODBUS_EXCEPTION, 6) == ExceptionCode::server_device_busy);
    CHECK(code_of(v1::MODBUS_EXCEPTION, 0) == ExceptionCode::server_device_failure);
    CHECK(code_of(v1::MODBUS_EXCEPTION, 300) == ExceptionCode::server_device_failure);
    CHECK(code_of(v1::INTERNAL) == ExceptionCode::server_device_failure);
}

TEST_CASE("translate: register and bit replies become responses") {
    const modbus::Request read{0x04, 0x18, 2, 0, {}};
    CHECK(device_response(read, registers_reply({2445, 0xFFF6})) ==
          Bytes{0x04, 4, 0x09, 0x8D, 0xFF, 0xF6});

    const modbus::Request coils{0x01, 0, 3, 0, {}};
    v1::Reply bits;
    for (bool b : {true, false, true}) bits.mutable_bits()->add_values(b);
    CHECK(device_response(coils, bits) == Bytes{0x01, 1, 0b101});
}

TEST_CASE("translate: a reply of the wrong shape is a server failure, not a wrong answer") {
    const modbus::Request read{0x03, 0x18, 2, 0, {}};
    CHECK(device_response(read, registers_reply({1})) ==
          exception_pdu(0x03, ExceptionCode::server_device_failure));
    v1::Reply ok;
    ok.mutable_write_ok();
    CHECK(device_response(read, ok) == exception_pdu(0x03, ExceptionCode::server_device_failure));
}

TEST_CASE("translate: write replies echo the request") {
    v1::Reply ok;
    ok.mutable_write_ok();
    CHECK(device_response({0x05, 0, 1, 0xFF00, {}}, ok) == Bytes{0x05, 0x00, 0x00, 0xFF, 0x00});
    CHECK(device_response({0x06, 0x58, 1, 0xFFF0, {}}, ok) == Bytes{0x06, 0x00, 0x58, 0xFF, 0xF0});
    CHECK(device_response({0x10, 0x58, 2, 0, {1, 2}}, ok) == Bytes{0x10, 0x00, 0x58, 0x00, 0x02});
}

TEST_CASE("translate: errors become exception responses") {
    CHECK(device_response({0x04, 0x9000, 1, 0, {}}, error_reply(v1::MODBUS_EXCEPTION, 2)) ==
          Bytes{0x84, 0x02});
    CHECK(device_response({0x05, 0, 1, 0xFF00, {}}, error_reply(v1::WRITE_DENIED)) ==
          Bytes{0x85, 0x01});
    CHECK(device_response({0x03, 0, 1, 0, {}}, error_reply(v1::DEVICE_TIMEOUT)) ==
          Bytes{0x83, 0x0B});
    CHECK(device_response({0x03, 0, 1, 0, {}}, error_reply(v1::BUSY)) == Bytes{0x83, 0x06});
    CHECK(no_reply_response({0x06, 0x58, 1, 1, {}}) == Bytes{0x86, 0x0B});
}
