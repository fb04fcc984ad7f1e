// A publisher of several devices: [publisher] devices, each device's config, its files in the
// data directory and the single device's files taken over, what the gateway's status says of
// each device, its name in the log.
#include <doctest/doctest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <sstream>

#include "publisher/config.h"
#include "publisher/device_choice.h"
#include "publisher/device_files.h"
#include "publisher/device_status.h"
#include "publisher/log_scope.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/publisher_config_test_support.h"

namespace tristar::publisher {
namespace {

using namespace std::chrono_literals;
using Names = std::vector<std::string>;

Names devices_of(const std::vector<PublisherConfig>& configs) {
    Names names;
    for (const auto& config : configs) names.push_back(config.device);
    return names;
}

// A status of two devices on their own TCP addresses and two sharing one serial line.
v1::Status four_devices() {
    v1::Status status;
    status.set_transport("tcp");
    status.set_device("tcp://10.0.0.1:502");
    status.set_read_budget_ms(4150);
    const auto add = [&](const char* name, const char* uri, const char* link, unsigned unit,
                         unsigned budget) {
        auto& d = *status.add_devices();
        d.set_name(name);
        d.set_device(uri);
        d.set_link(link);
        d.set_unit(unit);
        d.set_read_budget_ms(budget);
    };
    add("east", "tcp://10.0.0.1:502", "tcp://10.0.0.1:502", 1, 4150);
    add("west", "tcp://10.0.0.2:502", "tcp://10.0.0.2:502", 1, 4150);
    add("roof-1", "rtu:///dev/ttyUSB0?baud=9600", "rtu:///dev/ttyUSB0", 1, 5300);
    add("roof-2", "rtu:///dev/ttyUSB0?baud=9600", "rtu:///dev/ttyUSB0", 2, 5300);
    for (const char* link : {"tcp://10.0.0.1:502", "tcp://10.0.0.2:502"})
        status.add_links()->set_link(link);
    status.mutable_links(0)->add_devices("east");
    status.mutable_links(1)->add_devices("west");
    auto& shared = *status.add_links();
    shared.set_link("rtu:///dev/ttyUSB0");
    shared.add_devices("roof-1");
    shared.add_devices("roof-2");
    return status;
}

}  // namespace

TEST_CASE("publisher config: devices names the gateway's devices to publish") {
    CHECK(PublisherConfig{}.devices.empty());
    const auto config =
        parse_publisher_config("[publisher]\ndevices = [\"east\", \"west-2\"]\n", "p.toml");
    CHECK(config.devices == Names{"east", "west-2"});
    CHECK(config.device.empty());

    using test::config_error_of;
    CHECK(config_error_of("[publisher]\ndevices = []\n")
              .starts_with("p.toml:2: publisher.devices: must name at least one"));
    CHECK(config_error_of("[publisher]\ndevices = [\"east\", \"east\"]\n") ==
          "p.toml:2: publisher.devices: \"east\" is listed twice");
    CHECK(config_error_of("[publisher]\ndevices = [\"a b\"]\n") ==
          "p.toml:2: publisher.devices: a device name is 1 to 32 characters of A-Z, a-z, 0-9, _ "
          "and - (got \"a b\")");
    CHECK(config_error_of("[publisher]\ndevices = \"east\"\n")
              .starts_with("p.toml:2: publisher.devices: must be an array of strings"));
    // A configured serial names one service.
    CHECK(config_error_of("[publisher]\nserial = \"01234567\"\ndevices = [\"a\", \"b\"]\n")
              .starts_with("p.toml:2: publisher.serial: names a single device"));
    CHECK(config_error_of("[publisher]\nserial = \"01234567\"\ndevices = [\"a\"]\n") == "no error");
    CHECK(device_name_problem("east_1-B").has_value() == false);
    CHECK(device_name_problem("").has_value());
    CHECK(device_name_problem(std::string(33, 'a')).has_value());
}

TEST_CASE("device choice: one unnamed device stays the publisher of one device") {
    PublisherConfig config;
    config.serial = "01234567";
    config.device_instance = 3;
    for (const Names& listed : {Names{}, Names{"tristar"}}) {
        const auto configs = device_configs(config, listed);
        REQUIRE(configs.size() == 1);
        CHECK(configs[0] == config);  // device "", files, instance and serial as before
    }
}

TEST_CASE("device choice: several devices are named, with instances in order and no serial") {
    PublisherConfig config;
    config.serial = "01234567";
    config.device_instance = 3;
    const auto configs = device_configs(config, {"east", "west"});
    CHECK(devices_of(configs) == Names{"east", "west"});
    CHECK(configs[0].device_instance == 3);
    CHECK(configs[1].device_instance == 4);
    CHECK(configs[0].serial.empty());
    CHECK(configs[1].serial.empty());
    CHECK(configs[1].data_dir == config.data_dir);

    // [publisher] devices wins over what the gateway lists, and one named device stays named.
    config.devices = {"west"};
    const auto chosen = device_configs(config, {"east", "west"});
    CHECK(devices_of(chosen) == Names{"west"});
    CHECK(chosen[0].serial == "01234567");
    CHECK(chosen[0].device_instance == 3);
    config.devices = {"west", "east"};
    CHECK(devices_of(device_configs(config, {})) == Names{"west", "east"});

    CHECK(devices_added({"east", "west"}, {"east", "north", "west", "south"}) ==
          Names{"north", "south"});
    CHECK(devices_added({"east"}, {"east"}).empty());
}

TEST_CASE("device files: plain names for the unnamed device, the name added for a named one") {
    CHECK(device_file_name("history", "") == "history");
    CHECK(device_file_name("history", "east") == "history-east");
    PublisherConfig config;
    config.data_dir = "/data/tristar";
    CHECK(device_file(config, "switch-pane") == "/data/tristar/switch-pane");
    config.device = "west-2";
    CHECK(device_file(config, "dvcc-state") == "/data/tristar/dvcc-state-west-2");
}

TEST_CASE("device files: the first of several devices takes over the single device's files") {
    const tristar::test::TempDir dir;
    for (const char* file : {"history", "history.bak", "switch-pane"})
        tristar::test::write_file(dir.file(file), file);
    CHECK(adopt_single_device_files(dir.path(), "").empty());
    CHECK(adopt_single_device_files(dir.path(), "east") ==
          Names{"history-east", "history-east.bak", "switch-pane-east"});
    CHECK(tristar::test::read_file(dir.file("history-east.bak")) == "history.bak");
    CHECK(!std::filesystem::exists(dir.file("history")));
    // A device with files of its own keeps them: nothing is taken over.
    tristar::test::write_file(dir.file("history"), "again");
    CHECK(adopt_single_device_files(dir.path(), "east").empty());
    tristar::test::write_file(dir.file("custom-name-west"), "Shed\n");
    CHECK(adopt_single_device_files(dir.path(), "west").empty());
    CHECK(tristar::test::read_file(dir.file("history")) == "again");
}

TEST_CASE("device status: the top-level fields for the unnamed device, its own for a named one") {
    const auto status = four_devices();
    const auto first = gateway_device(status, "");
    REQUIRE(first);
    CHECK(!first->rtu);
    CHECK(first->uri == "tcp://10.0.0.1:502");
    CHECK(first->read_budget == 4150ms);
    CHECK(first->identity_source == "tcp://10.0.0.1:502");

    const auto west = gateway_device(status, "west");
    REQUIRE(west);
    CHECK(west->uri == "tcp://10.0.0.2:502");
    CHECK(west->identity_source == west->uri);

    // Two units on one line: each its own identity for a fallback id.
    const auto roof = gateway_device(status, "roof-2");
    REQUIRE(roof);
    CHECK(roof->rtu);
    CHECK(roof->read_budget == 5300ms);
    CHECK(roof->identity_source == "rtu:///dev/ttyUSB0#unit2");
    CHECK(gateway_device(status, "roof-1")->identity_source == "rtu:///dev/ttyUSB0#unit1");
    CHECK(transport_text(*roof) == "Modbus RTU /dev/ttyUSB0 unit 2");
    CHECK(transport_text(*west) == "Modbus TCP 10.0.0.2:502");
    CHECK(transport_text(*first) == "Modbus TCP 10.0.0.1:502");

    CHECK(!gateway_device(status, "north"));
    CHECK(device_names(status) == Names{"east", "west", "roof-1", "roof-2"});
    CHECK(device_names(v1::Status{}).empty());
}

TEST_CASE("log scope: a device's lines name it before the tag; other lines are as before") {
    std::ostringstream out;
    const auto before = spdlog::default_logger();
    auto logger = std::make_shared<spdlog::logger>(
        "scope-test", std::make_shared<spdlog::sinks::ostream_sink_st>(out));
    spdlog::set_default_logger(logger);
    name_devices_in_log(true);
    spdlog::info("[publisher] publishing 2 devices");
    {
        const LogScope scope("east");
        spdlog::warn("[link] lost");
    }
    {
        const LogScope scope("");
        spdlog::info("[bus] on D-Bus");
    }
    spdlog::set_default_logger(before);
    CHECK(out.str() ==
          "info [publisher] publishing 2 devices\nwarning [east] [link] lost\n"
          "info [bus] on D-Bus\n");
}

}  // namespace tristar::publisher
