// The link's pure parts: backoff, errno classification, and request/reply translation.
#include <doctest/doctest.h>

#include <cerrno>

#include "gateway/daemon/admission.h"
#include "gateway/daemon/backoff.h"
#include "gateway/daemon/modbus_context.h"
#include "gateway/daemon/translate.h"

namespace tristar::gateway {

using namespace std::chrono_literals;

TEST_CASE("backoff doubles from the minimum to the maximum, with jitter in [0.5, 1]") {
    Backoff backoff(100ms, 30s, 7);
    const Backoff::Clock::time_point t0{};
    CHECK(backoff.may_try(t0));
    std::chrono::milliseconds expected = 100ms;
    for (int i = 0; i < 12; ++i) {
        backoff.failed(t0);
        const auto wait = backoff.next_attempt() - t0;
        CHECK(wait >= expected / 2);
        CHECK(wait <= expected);
        CHECK_FALSE(backoff.may_try(t0 + wait - 1ms));
        CHECK(backoff.may_try(t0 + wait));
        expected = std::min<std::chrono::milliseconds>(expected * 2, 30s);
    }
    CHECK(backoff.failures() == 12);
    backoff.succeeded();
    CHECK(backoff.failures() == 0);
    CHECK(backoff.may_try(t0));
}

TEST_CASE("libmodbus errno values map to one outcome each") {
    CHECK(classify_errno(ETIMEDOUT).error == CallError::timeout);
    CHECK(classify_errno(EMBBADCRC).error == CallError::corrupt);
    CHECK(classify_errno(EMBBADDATA).error == CallError::corrupt);
    CHECK(classify_errno(ECONNRESET).error == CallError::disconnected);
    CHECK(classify_errno(ECONNREFUSED).error == CallError::disconnected);
    const auto busy = classify_errno(EMBXSBUSY);
    CHECK(busy.error == CallError::exception);
    CHECK(busy.exception_code == 6);
    CHECK(classify_errno(EMBXILADD).exception_code == 2);
    CHECK(classify_errno(EMBXGTAR).exception_code == 11);
}

TEST_CASE("writes take the write lane whatever their priority; reads follow theirs") {
    v1::Request r;
    r.mutable_read_registers();
    CHECK(lane_of(r) == Lane::interactive);
    r.set_priority(v1::PRIORITY_POLL);
    CHECK(lane_of(r) == Lane::poll);
    r.set_priority(v1::PRIORITY_BACKGROUND);
    CHECK(lane_of(r) == Lane::background);
    r.mutable_write_coil();
    CHECK(lane_of(r) == Lane::write);
}

TEST_CASE("link results become replies with the protocol's error codes") {
    v1::Request request;
    request.set_id(9);
    request.mutable_read_registers()->set_function(4);
    LinkResult result;
    result.count = 2;
    result.registers[0] = 2445;
    result.registers[1] = 0xFFF0;
    auto reply = reply_of(request, result);
    REQUIRE(reply.has_registers());
    CHECK(reply.registers().values_size() == 2);
    CHECK(reply.registers().values(1) == 0xFFF0);

    const std::pair<LinkStatus, v1::ErrorCode> cases[] = {
        {LinkStatus::timeout, v1::DEVICE_TIMEOUT},
        {LinkStatus::corrupt, v1::DEVICE_TIMEOUT},
        {LinkStatus::closed, v1::DEVICE_UNAVAILABLE},
        {LinkStatus::unavailable, v1::DEVICE_UNAVAILABLE},
        {LinkStatus::outcome_unknown, v1::OUTCOME_UNKNOWN},
        {LinkStatus::exception, v1::MODBUS_EXCEPTION}};
    for (const auto& [status, code] : cases) {
        result.status = status;
        result.exception = 6;
        reply = reply_of(request, result);
        REQUIRE(reply.has_error());
        CHECK(reply.error().code() == code);
    }
    CHECK(reply.error().modbus_exception() == 6);
}

TEST_CASE("a validated request becomes the right link transaction") {
    v1::Request r;
    r.mutable_write_registers()->set_address(0x58);
    r.mutable_write_registers()->add_values(13107);
    r.mutable_write_registers()->add_values(2611);
    auto link = link_request_of(r, 1);
    CHECK(link.function == 16);
    CHECK(link.address == 0x58);
    CHECK(link.count == 2);
    CHECK(link.values[1] == 2611);
    CHECK(link.unit == 1);
    r.set_unit(7);
    r.mutable_write_coil()->set_address(0xFF);
    r.mutable_write_coil()->set_value(true);
    link = link_request_of(r, 1);
    CHECK(link.function == 5);
    CHECK(link.coil_value);
    CHECK(link.unit == 7);
}

// An unvalidated FC16 of any size must never be copied past the link's 123-value array (the
// write log once did exactly that, from any client).
TEST_CASE("link_request_of clamps an oversized FC16 instead of overflowing") {
    for (const int n : {123, 124, 125, 200, 100'000}) {
        v1::Request r;
        r.mutable_write_registers()->set_address(0x58);
        for (int i = 0; i < n; ++i)
            r.mutable_write_registers()->add_values(static_cast<std::uint32_t>(i));
        const auto link = link_request_of(r, 1);
        CHECK(link.count == std::min(n, 123));
        CHECK(link.values[122] == 122);
    }
}

TEST_CASE("writes are described with the values the client sent") {
    v1::Request r;
    r.mutable_write_register()->set_address(88);
    r.mutable_write_register()->set_value(70000);
    CHECK(describe_write(r) == "fc 6 address 88 value 70000");
    r.mutable_write_registers()->set_address(88);
    for (std::uint32_t v : {1u, 70000u, 3u, 4u, 5u, 6u}) r.mutable_write_registers()->add_values(v);
    CHECK(describe_write(r) == "fc 16 address 88 values 1, 70000, 3, 4 (+2 more)");
    r.mutable_write_coil()->set_address(2);
    r.mutable_write_coil()->set_value(true);
    CHECK(describe_write(r) == "fc 5 address 2 value 1");
}

}  // namespace tristar::gateway
