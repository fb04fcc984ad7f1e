// tristar-ctl status: durations, percentiles, the text and JSON views, the failing reads, a
// gateway with several devices.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "gateway/ctl/status_json.h"
#include "gateway/ctl/status_view.h"
#include "tests/support/tz_guard.h"
#include "tests/unit/ctl_test_support.h"

using namespace tristar;
using namespace tristar::ctl;
using ctl::test::contains;

TEST_CASE("status: durations and times") {
    CHECK(duration_text(45'000) == "45s");
    CHECK(duration_text(123'000) == "2m 03s");
    CHECK(duration_text(3'720'000) == "1h 02m");
    CHECK(duration_text(3 * 86'400'000ULL + 4 * 3'600'000ULL) == "3d 04h");
    CHECK(micros_text(850) == "850 us");
    CHECK(micros_text(12'345) == "12.3 ms");
    CHECK(micros_text(1'200'000) == "1.20 s");
}

TEST_CASE("status: percentiles from per-bucket counts") {
    client::v1::Histogram histogram;
    for (const std::uint64_t bound : {1000U, 2000U, 5000U}) histogram.add_bounds_us(bound);
    for (const std::uint64_t count : {50U, 40U, 9U, 1U})
        histogram.add_counts(count);  // last: overflow
    histogram.set_total(100);
    histogram.set_sum_us(250'000);
    CHECK(percentile_text(histogram, 0.5) == "<=1.0 ms");
    CHECK(percentile_text(histogram, 0.51) == "<=2.0 ms");
    CHECK(percentile_text(histogram, 0.9) == "<=2.0 ms");
    CHECK(percentile_text(histogram, 0.99) == "<=5.0 ms");
    CHECK(percentile_text(histogram, 1.0) == ">5.0 ms");
    CHECK(histogram_text(histogram) ==
          "p50 <=1.0 ms  p90 <=2.0 ms  p99 <=5.0 ms  (n=100, mean 2.5 ms)");
    CHECK(histogram_text(client::v1::Histogram{}) == "no samples");
}

TEST_CASE("status: text and JSON") {
    client::v1::Status status;
    status.set_version("0.1.0");
    status.set_transport("tcp");
    status.set_device("tcp://192.168.1.253:502");
    status.set_link_state("connected");
    status.set_connection_mode("kept");
    status.set_uptime_ms(3'720'000);
    status.mutable_counters()->set_transactions(12);
    (*status.mutable_counters()->mutable_exceptions_by_code())[2] = 3;
    auto* client = status.add_clients();
    client->set_client_name("tristar-publisher");
    client->set_queue_depth(1);
    client->set_requests(40);
    const auto text = status_text(status, 0);
    CHECK(contains(text, "tristar-gatewayd 0.1.0, up 1h 02m"));
    CHECK(contains(text, "connected (tcp, kept)"));
    CHECK(contains(text, "connected     no\n"));
    CHECK(contains(text, "  requests               0  transactions          12  retries"));
    CHECK(contains(text, "code 2: 3"));
    CHECK(contains(text, "tristar-publisher   queue 1  requests 40"));
    CHECK(contains(text, "last error    none"));
    const auto json = status_json(status);
    CHECK(contains(json, R"("link_state":"connected")"));
    CHECK(contains(json, R"("queued":0)"));  // primitive fields are always printed
    CHECK_FALSE(contains(text, "failing reads"));
}

TEST_CASE("status: the reads the device keeps failing, one line each") {
    client::v1::Status status;
    status.mutable_counters()->set_read_failures(7);
    auto* failure = status.add_read_failures();
    failure->set_function(3);
    failure->set_address(0xE080);
    failure->set_count(78);
    failure->set_unit(1);
    failure->set_client_name("tristar-publisher");
    failure->set_answer("MODBUS_EXCEPTION 2: device exception 2");
    failure->set_failures(7);
    const auto text = status_text(status, 0);
    CHECK(contains(text,
                   "failing reads (1)\n  fc 3 0xe080+78 unit 1 for 'tristar-publisher': "
                   "MODBUS_EXCEPTION 2: device exception 2 (7 times since "));
    CHECK(contains(text, "read_failures          7"));
}

TEST_CASE("status: dropped messages and replies, and the clients left out") {
    client::v1::Status status;
    status.mutable_counters()->set_oversize_messages(3);
    status.mutable_counters()->set_dropped_replies(3680);
    status.mutable_counters()->set_unroutable_replies(2);
    status.add_clients()->set_client_name("tristar-bridge");
    status.set_clients_omitted(196);
    const auto text = status_text(status, 0);
    CHECK(contains(text, "oversize_msgs          3"));
    CHECK(contains(text, "dropped_replies     3680"));
    CHECK(contains(text, "unroutable             2"));
    CHECK(contains(text, "(196 less recent clients not listed)"));
    CHECK(contains(status_json(status), R"("dropped_replies":"3680")"));
}

TEST_CASE("status: connections, departed clients' requests, evictions and fair-share reads") {
    client::v1::Status status;
    status.set_connections(12);
    status.set_max_connections(256);
    status.mutable_counters()->set_departed_requests(4);
    status.mutable_counters()->set_evicted_connections(345);
    status.mutable_counters()->set_fair_share_reads(194);
    const auto text = status_text(status, 0);
    CHECK(contains(text, "clients (0), connections 12 of 256"));
    CHECK(contains(text, "departed               4"));
    CHECK(contains(text, "evicted_conns        345"));
    CHECK(contains(text, "fair_share           194"));
}

TEST_CASE("status: a gateway that lists its one device shows it as before") {
    auto status = ctl::test::two_device_status();
    const auto before = [&] {
        auto one = status;
        one.clear_devices();
        one.clear_links();
        one.mutable_read_failures(0)->clear_device();
        return status_text(one, 1733300060000ULL);
    }();
    status.mutable_devices()->DeleteSubrange(1, 1);
    status.mutable_links()->DeleteSubrange(1, 1);
    status.mutable_read_failures(0)->set_device("house");
    CHECK(status_text(status, 1733300060000ULL) == before);
    CHECK(contains(before, "link          connected (tcp, kept)\n"));
    CHECK_FALSE(contains(before, "device house"));
}

TEST_CASE("status: two devices, a section each, and the links") {
    const tristar::test::TzGuard utc("UTC");
    const auto text = status_text(ctl::test::two_device_status(), 1733300060000ULL);
    const std::string head =
        "gateway       tristar-gatewayd 0.1.0, up 1m 00s\n"
        "devices       2 (house, shed) on 2 links\n"
        "queued        1\n"
        "counters\n";
    CHECK(text.substr(0, head.size()) == head);
    const std::string tail =
        "failing reads (1)\n"
        "  fc 4 0x0018+1 unit 2 on shed for 'tristar-ctl': DEVICE_TIMEOUT (2 times since "
        "2024-12-04 08:13:21)\n"
        "clients (0), connections 1 of 256\n"
        "device time   no samples\n"
        "queue time    no samples\n"
        "device house\n"
        "  uri           tcp://10.0.0.2:502\n"
        "  unit          1\n"
        "  link          tcp://10.0.0.2:502\n"
        "  state         connected\n"
        "  answering     since 2024-12-04 08:13:20 (1m 00s)\n"
        "  queued        0\n"
        "  transactions  20   timeouts 0   read failures 0\n"
        "  last error    none\n"
        "device shed\n"
        "  uri           rtu:///dev/ttyUSB0?baud=9600&parity=N&stop=2&data=8\n"
        "  unit          2\n"
        "  link          rtu:///dev/ttyUSB0\n"
        "  state         backoff\n"
        "  answering     no\n"
        "  queued        1\n"
        "  transactions  5   timeouts 5   read failures 1\n"
        "  last error    no reply within 1000 ms\n"
        "links (2)\n"
        "  tcp://10.0.0.2:502  (tcp, kept)  devices house\n"
        "    transactions 20   reconnects 0   connected, idle\n"
        "  rtu:///dev/ttyUSB0  (rtu, serial)  devices shed\n"
        "    transactions 5   reconnects 1   not connected, busy\n";
    REQUIRE(text.size() > tail.size());
    CHECK(text.substr(text.size() - tail.size()) == tail);
    // The top level's first-device lines would say nothing of the second: left out.
    CHECK_FALSE(contains(text, "\nlink "));
    CHECK_FALSE(contains(text, "\nconnected "));
    CHECK_FALSE(contains(text, "\nlast error"));
}

TEST_CASE("status --device: the gateway, then that device alone with its link") {
    const auto status = ctl::test::two_device_status();
    const auto shed = status_text(status, 0, "shed");
    CHECK(contains(shed, "devices       2 (house, shed) on 2 links\n"));
    CHECK(contains(shed, "failing reads (1)\n  fc 4 0x0018+1 unit 2 for 'tristar-ctl'"));
    CHECK(contains(shed, "device shed\n  uri           rtu:///dev/ttyUSB0?"));
    CHECK(contains(shed, "\nlink\n  rtu:///dev/ttyUSB0  (rtu, serial)  devices shed\n"));
    CHECK_FALSE(contains(shed, "device house"));
    CHECK_FALSE(contains(shed, "tcp://10.0.0.2:502  (tcp"));

    const auto house = status_text(status, 0, "house");
    CHECK(contains(house, "device house\n"));
    CHECK_FALSE(contains(house, "device shed"));
    CHECK_FALSE(contains(house, "failing reads"));  // only shed's read fails

    // A gateway of one device, named: the summary and its section too.
    auto one = status;
    one.mutable_devices()->DeleteSubrange(1, 1);
    one.mutable_links()->DeleteSubrange(1, 1);
    const auto named = status_text(one, 0, "house");
    CHECK(contains(named, "devices       1 (house) on 1 link\n"));
    CHECK(contains(named, "device house\n"));
}

TEST_CASE("status --json: every device and link, failing reads with their device") {
    const auto json = status_json(ctl::test::two_device_status());
    CHECK(contains(json, R"("devices":[{"name":"house","device":"tcp://10.0.0.2:502","unit":1,)"));
    CHECK(contains(json, R"("links":[{"link":"tcp://10.0.0.2:502","transport":"tcp",)"));
    CHECK(contains(json, R"("last_unix_ms":"1733300002000","device":"shed"})"));
    // A device without histograms leaves them out, as protobuf does for unset messages.
    CHECK(contains(json, R"("state":"backoff","counters":{)"));
    CHECK(contains(json, R"(},"last_error":"no reply within 1000 ms","queued":1,)"));
}
