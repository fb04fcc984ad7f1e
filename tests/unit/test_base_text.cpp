// gateway/base's text helpers: the edit distance behind "did you mean", and HOST:PORT.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "gateway/base/edit_distance.h"
#include "gateway/base/host_port.h"

namespace tristar {
namespace {

TEST_CASE("edit_distance: equal strings are 0 apart; from the empty string, the other's length") {
    CHECK(edit_distance("", "") == 0);
    CHECK(edit_distance("battery_voltage", "battery_voltage") == 0);
    CHECK(edit_distance("", "abc") == 3);
    CHECK(edit_distance("abcd", "") == 4);
}

TEST_CASE("edit_distance counts insertions, deletions and substitutions") {
    CHECK(edit_distance("kitten", "sitting") == 3);
    CHECK(edit_distance("flaw", "lawn") == 2);
    CHECK(edit_distance("max_age", "max_ag") == 1);    // a deletion
    CHECK(edit_distance("max_age", "max_agee") == 1);  // an insertion
    CHECK(edit_distance("unit", "unix") == 1);         // a substitution
    CHECK(edit_distance("ab", "ba") == 2);             // a swap is two steps
}

TEST_CASE("edit_distance is symmetric and case-sensitive") {
    CHECK(edit_distance("gateway", "gatway") == edit_distance("gatway", "gateway"));
    CHECK(edit_distance("Unit", "unit") == 1);
}

TEST_CASE("parse_host_port: a host or an IPv4 address, a port") {
    CHECK(parse_host_port("127.0.0.1:502") == HostPort{"127.0.0.1", 502});
    CHECK(parse_host_port("localhost:0") == HostPort{"localhost", 0});
    CHECK(parse_host_port("0.0.0.0:65535") == HostPort{"0.0.0.0", 65535});
}

TEST_CASE("parse_host_port: an IPv6 host goes in brackets, which are removed") {
    CHECK(parse_host_port("[::1]:1502") == HostPort{"::1", 1502});
    CHECK(parse_host_port("[fe80::1]:5020") == HostPort{"fe80::1", 5020});
    CHECK_THROWS_WITH_AS(parse_host_port("::1:5020"),
                         "an IPv6 host goes in brackets: [::1]:5020 (got \"::1:5020\")",
                         std::invalid_argument);
    CHECK_THROWS_AS(parse_host_port("[::1:5020"), std::invalid_argument);
}

TEST_CASE("parse_host_port: what is missing or wrong is named") {
    CHECK_THROWS_WITH_AS(parse_host_port("localhost"),
                         "must be HOST:PORT, e.g. 0.0.0.0:5020 (got \"localhost\")",
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(parse_host_port(":5020"),
                         "names no host: use 0.0.0.0:PORT for every interface",
                         std::invalid_argument);
    CHECK_THROWS_AS(parse_host_port("[]:5020"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(parse_host_port("host:"), "port must be a number 0..65535 (got \"\")",
                         std::invalid_argument);
    CHECK_THROWS_AS(parse_host_port("host:50x"), std::invalid_argument);
    CHECK_THROWS_AS(parse_host_port("host:-1"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(parse_host_port("host:65536"),
                         "port must be a number 0..65535 (got \"65536\")", std::invalid_argument);
}

TEST_CASE("tcp_endpoint puts brackets around an IPv6 host only") {
    CHECK(tcp_endpoint("127.0.0.1", 5020) == "tcp://127.0.0.1:5020");
    CHECK(tcp_endpoint("localhost", 0) == "tcp://localhost:0");
    CHECK(tcp_endpoint("::1", 1502) == "tcp://[::1]:1502");
}

}  // namespace
}  // namespace tristar
