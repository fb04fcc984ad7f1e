// The publisher's identity when the TriStar cannot report all of it (service_identity.h): when it
// registers, under which id, the fallback id, the config's serial, and what the identity paths
// show with part of the identity missing.
#include <doctest/doctest.h>

#include <string>

#include "gateway/base/config_file.h"
#include "publisher/config.h"
#include "publisher/service_identity.h"
#include "publisher/venus_mapping.h"
#include "tests/unit/publisher_config_test_support.h"

namespace tristar::publisher {
namespace {

constexpr const char* device = "tcp://192.168.1.253:502";

IdentityInputs settled() {
    IdentityInputs in;
    in.live_read = true;
    in.serial = SpanState::read;
    in.model = SpanState::read;
    in.device_serial = "01234567";
    in.device_uri = device;
    return in;
}

VenusValue at(const Snapshot& snapshot, std::string_view path, const MappingOptions& options = {}) {
    return compute_path(*find_path(path), snapshot, options);
}

}  // namespace

TEST_CASE(
    "identity: the TriStar's serial once the live block, serial and model spans are settled") {
    CHECK(resolve_identity(settled()) == ServiceIdentity{"01234567", IdSource::device});
    auto in = settled();
    in.live_read = false;
    CHECK_FALSE(resolve_identity(in).has_value());
    in = settled();
    in.model = SpanState::pending;
    CHECK_FALSE(resolve_identity(in).has_value());
    in.model = SpanState::failed;  // an unreadable model does not hold registration up
    CHECK(resolve_identity(in) == ServiceIdentity{"01234567", IdSource::device});
    in.serial = SpanState::pending;
    in.device_serial.clear();
    CHECK_FALSE(resolve_identity(in).has_value());
}

TEST_CASE(
    "identity: a serial the TriStar cannot report falls back to an id of the gateway's device") {
    auto in = settled();
    in.serial = SpanState::failed;
    in.device_serial.clear();
    CHECK(resolve_identity(in) == ServiceIdentity{"bf3722f9", IdSource::fallback});
    in.device_uri.reset();  // the gateway's status has not answered yet
    CHECK_FALSE(resolve_identity(in).has_value());
    in = settled();
    in.device_serial.clear();  // read, but blank
    CHECK(resolve_identity(in) == ServiceIdentity{"bf3722f9", IdSource::fallback});
}

TEST_CASE("identity: the configured serial wins, and needs no serial read") {
    auto in = settled();
    in.configured_serial = "17160042";
    CHECK(resolve_identity(in) == ServiceIdentity{"17160042", IdSource::config});
    in.serial = SpanState::pending;
    CHECK(resolve_identity(in) == ServiceIdentity{"17160042", IdSource::config});
    in.model = SpanState::pending;
    CHECK_FALSE(resolve_identity(in).has_value());
}

TEST_CASE("fallback id: 8 hex digits of the device URI, stable, the serial settings left out") {
    CHECK(fallback_id(device) == "bf3722f9");  // FNV-1a 32: the same in every build and release
    CHECK(fallback_id("rtu:///dev/ttyUSB0?baud=9600&parity=N&stop=2") == "25f58518");
    CHECK(fallback_id("rtu:///dev/ttyUSB0?baud=19200") == fallback_id("rtu:///dev/ttyUSB0"));
    CHECK(fallback_id("tcp://192.168.1.254:502") != fallback_id(device));
    CHECK(fallback_id("").size() == 8);
}

TEST_CASE("identity: bus name element and log text") {
    CHECK(bus_ident("01234567") == "tristar_01234567");
    CHECK(bus_ident("01-2?4.") == "tristar_01_2_4_");
    CHECK(identity_text({"01234567", IdSource::device}) == "serial 01234567 (from the TriStar)");
    CHECK(identity_text({"17160042", IdSource::config}) == "serial 17160042 (from the config)");
    CHECK(identity_text({"bf3722f9", IdSource::fallback}).starts_with("fallback id bf3722f9 ("));
}

TEST_CASE("publisher config: serial, at most 16 letters and digits") {
    CHECK(parse_publisher_config("[publisher]\nserial = \"01234567\"\n", "p.toml").serial ==
          "01234567");
    CHECK(PublisherConfig{}.serial.empty());
    using test::config_error_of;
    CHECK(config_error_of("[publisher]\nserial = \"01 23\"\n") ==
          "p.toml:2: publisher.serial: must be at most 16 letters and digits, like \"01234567\" "
          "(got \"01 23\")");
    CHECK(config_error_of("[publisher]\nserial = \"12345678901234567\"\n")
              .starts_with("p.toml:2: publisher.serial: must"));
    CHECK(config_error_of("[publisher]\nserial = 1234\n")
              .starts_with("p.toml:2: publisher.serial: must be a string"));
}

TEST_CASE(
    "identity paths: what is known is published, the rest invalid; /ProductName never empty") {
    Snapshot snapshot;
    snapshot.serial = SerialWords{0x3130, 0x3332, 0x3534, 0x3736};
    CHECK(std::get<std::string>(at(snapshot, "/Serial").value) == "01234567");
    CHECK(std::get<std::string>(at(snapshot, "/ProductName").value) == "TriStar MPPT");
    CHECK_FALSE(at(snapshot, "/HardwareVersion").valid());
    snapshot.serial.reset();
    snapshot.model = ModelWords{1, 0x0102};
    CHECK_FALSE(at(snapshot, "/Serial").valid());
    CHECK(std::get<std::string>(at(snapshot, "/ProductName").value) == "TriStar MPPT 60");
    CHECK(std::get<std::string>(at(snapshot, "/HardwareVersion").value) == "1.2");
    const MappingOptions configured{.serial = "17160042"};
    CHECK(std::get<std::string>(at(snapshot, "/Serial", configured).value) == "17160042");
}

}  // namespace tristar::publisher
