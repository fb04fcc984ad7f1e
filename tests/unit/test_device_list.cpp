// Several devices in one config ([[devices]]): which share a link, and what may not be combined.
#include <doctest/doctest.h>

#include "gateway/daemon/config.h"
#include "gateway/daemon/device_list.h"

namespace tristar::gateway {
namespace {

using namespace std::chrono_literals;

std::string error_of(const std::string& toml) {
    try {
        (void)parse_config(toml, "gatewayd.toml");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

constexpr const char* four_devices = R"([device]
response_timeout_ms = 800
[[devices]]
name = "east"
uri = "tcp://10.0.0.5"
[[devices]]
name = "west"
uri = "tcp://10.0.0.6:502"
[[devices]]
name = "line-1"
uri = "rtu:///dev/ttyUSB0?baud=9600"
unit = 1
[[devices]]
name = "line-2"
uri = "rtu:///dev/ttyUSB0?baud=9600"
unit = 2
read_ahead = "off"
)";

}  // namespace

TEST_CASE("one [device] table is one device named tristar") {
    const auto config = parse_config("[device]\nuri = \"tcp://10.0.0.5\"\n", "x");
    REQUIRE(config.devices.size() == 1);
    CHECK(config.devices[0].name == "tristar");
    CHECK(group_links(config.devices).size() == 1);
}

TEST_CASE("[[devices]] start from [device]; one serial line is one link") {
    const auto config = parse_config(four_devices, "gatewayd.toml");
    REQUIRE(config.devices.size() == 4);
    CHECK(config.devices[0].name == "east");
    CHECK(config.devices[2].unit == 1);
    CHECK(config.devices[3].unit == 2);
    CHECK(config.devices[3].read_ahead == ReadAhead::off);
    for (const auto& device : config.devices) CHECK(device.response_timeout == 800ms);
    const auto links = group_links(config.devices);
    REQUIRE(links.size() == 3);
    CHECK(links[0].key == "tcp://10.0.0.5:502");
    CHECK(links[1].key == "tcp://10.0.0.6:502");
    CHECK(links[2].key == "rtu:///dev/ttyUSB0");
    CHECK(links[2].devices == std::vector<std::size_t>{2, 3});
    CHECK(find_device(config.devices, "") == 0u);
    CHECK(find_device(config.devices, "line-2") == 3u);
    CHECK_FALSE(find_device(config.devices, "north"));
}

TEST_CASE("several unit ids behind one TCP address share its link") {
    const auto config = parse_config(R"([[devices]]
name = "a"
uri = "tcp://emc"
unit = 1
[[devices]]
name = "b"
uri = "tcp://emc:502"
unit = 2
)",
                                     "x");
    CHECK(group_links(config.devices).size() == 1);
}

TEST_CASE("what [[devices]] refuses, with the file and line") {
    CHECK(error_of("[[devices]]\nuri = \"tcp://a\"\n") ==
          "gatewayd.toml:1: devices[0]: needs name");
    CHECK(error_of("[[devices]]\nname = \"a\"\n") == "gatewayd.toml:1: devices[0]: needs uri");
    CHECK(error_of("[[devices]]\nname = \"a b\"\nuri = \"tcp://a\"\n") ==
          "gatewayd.toml:2: devices[0].name: a device name is 1 to 32 characters of A-Z, a-z, "
          "0-9, _ and -");
    CHECK(error_of("[[devices]]\nname = \"a\"\nuri = \"tcp://a\"\nspeed = 1\n") ==
          "gatewayd.toml:4: devices[0].speed: unknown key");
    const auto twice = error_of(
        "[[devices]]\nname = \"a\"\nuri = \"tcp://x\"\n[[devices]]\nname = \"a\"\nuri = "
        "\"tcp://y\"\n");
    CHECK(twice.find("the name 'a' is given twice") != std::string::npos);
    const auto same_unit = error_of(
        "[[devices]]\nname = \"a\"\nuri = \"rtu:///dev/ttyS0\"\n[[devices]]\nname = \"b\"\nuri = "
        "\"rtu:///dev/ttyS0\"\n");
    CHECK(same_unit.find("share rtu:///dev/ttyS0 and unit 1") != std::string::npos);
    const auto other_baud = error_of(
        "[[devices]]\nname = \"a\"\nuri = \"rtu:///dev/ttyS0?baud=9600\"\n[[devices]]\nname = "
        "\"b\"\nunit = 2\nuri = \"rtu:///dev/ttyS0?baud=19200\"\n");
    CHECK(other_baud.find("but not its settings") != std::string::npos);
    const auto uri_in_defaults =
        error_of("[device]\nuri = \"tcp://a\"\n[[devices]]\nname = \"a\"\nuri = \"tcp://b\"\n");
    CHECK(uri_in_defaults.find("uri and name belong to each [[devices]] entry") !=
          std::string::npos);
    CHECK(error_of("devices = []\n").find("must list at least one device") != std::string::npos);
}

TEST_CASE("link keys: IPv6 hosts in brackets, serial settings left out") {
    CHECK(link_key(TcpDevice{"::1", 1502}) == "tcp://[::1]:1502");
    CHECK(link_key(RtuDevice{"/dev/ttyS1", 19200, 'E', 8, 1}) == "rtu:///dev/ttyS1");
}

}  // namespace tristar::gateway
