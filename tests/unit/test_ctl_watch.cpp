// tristar-ctl watch: the screen of one device or several, and its redraw
// (gateway/ctl/watch_view.h).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "gateway/ctl/readings.h"
#include "gateway/ctl/status_view.h"
#include "gateway/ctl/watch_view.h"
#include "tests/unit/ctl_test_support.h"

using namespace tristar;
using namespace tristar::ctl;
using ctl::test::contains;
using ctl::test::night_image;

namespace {

// The values the watch screen shows at night, battery current and temperature read too.
std::vector<Reading> watch_readings() {
    auto image = night_image();
    image.add(0x1C, {0, 0});
    image.add(0x25, {5});
    Wanted wanted;
    for (const auto* row : watch_registers()) wanted.items.emplace_back(row);
    return readings_of(wanted, image, {});
}

bool has_line(const std::vector<std::string>& lines, std::string_view line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
}

}  // namespace

TEST_CASE("watch: the main values, or a clear line when the gateway is gone") {
    WatchFrame frame;
    frame.endpoint = "tcp://127.0.0.1:5555";
    frame.answering = false;
    const auto gone = watch_lines(frame);
    CHECK(gone.back() == "gateway not answering at tcp://127.0.0.1:5555 (still trying)");

    frame.answering = true;
    Wanted wanted;
    for (const auto* row : watch_registers()) wanted.items.emplace_back(row);
    auto image = night_image();
    image.add(0x1C, {0, 0});
    image.add(0x25, {5});
    frame.readings = readings_of(wanted, image, {});
    frame.status_error = "DEVICE_UNAVAILABLE: no link";
    const auto lines = watch_lines(frame);
    CHECK(std::find(lines.begin(), lines.end(), "battery   13.43 V   0.00 A   5 degC") !=
          lines.end());
    CHECK(std::find(lines.begin(), lines.end(), "PV        0.33 V   0.00 A") != lines.end());
    CHECK(lines.back() == "gateway   status failed: DEVICE_UNAVAILABLE: no link");

    // Who uses the gateway, added up per client name: shows that the publisher and bridge are up.
    client::v1::Status status;
    for (const auto& [name, requests] :
         {std::pair{"tristar-publisher", 40u}, {"tristar-ctl", 2u}, {"tristar-ctl", 3u}}) {
        auto* c = status.add_clients();
        c->set_client_name(name);
        c->set_requests(requests);
    }
    frame.status = status;
    CHECK(watch_lines(frame).back() ==
          "clients   tristar-ctl 5 requests   tristar-publisher 40 requests");
}

TEST_CASE("watch: one device, listed by the gateway or not, the same screen") {
    WatchFrame frame;
    frame.endpoint = "tcp://127.0.0.1:5555";
    frame.readings = watch_readings();
    auto status = ctl::test::two_device_status();
    status.clear_devices();
    status.clear_links();
    frame.status = status;
    const auto before = watch_lines(frame);
    CHECK(before.front().starts_with("tristar-ctl watch  tcp://127.0.0.1:5555  "));
    CHECK(has_line(before, "battery   13.43 V   0.00 A   5 degC"));
    CHECK(before[before.size() - 2] ==
          "gateway   connected (tcp, kept)   transactions 25   cache hits 0   merged 0   "
          "timeouts 0   exceptions 0   clients 0");
    status = ctl::test::two_device_status();
    status.mutable_devices()->DeleteSubrange(1, 1);
    status.mutable_links()->DeleteSubrange(1, 1);
    frame.status = status;
    CHECK(watch_lines(frame) == before);
}

TEST_CASE("watch: several devices, a named block each, then the gateway's totals") {
    WatchFrame frame;
    frame.endpoint = "tcp://127.0.0.1:5555";
    frame.devices.push_back({"house", watch_readings(), std::nullopt});
    frame.devices.push_back({"shed", {}, "DEVICE_TIMEOUT: no reply within 1000 ms"});
    frame.status = ctl::test::two_device_status();
    const auto lines = watch_lines(frame);
    const auto house = std::find(lines.begin(), lines.end(),
                                 "device    house   connected   tcp://10.0.0.2:502 unit 1   "
                                 "transactions 20   timeouts 0");
    REQUIRE(house != lines.end());
    CHECK(*(house + 1) == "battery   13.43 V   0.00 A   5 degC");
    const auto shed = std::find(lines.begin(), lines.end(),
                                "device    shed   backoff   rtu:///dev/ttyUSB0 unit 2   "
                                "transactions 5   timeouts 5");
    REQUIRE(shed != lines.end());
    CHECK(house < shed);
    CHECK(*(shed - 1) == "");
    CHECK(*(shed + 1) == "error     DEVICE_TIMEOUT: no reply within 1000 ms");
    CHECK(std::count(lines.begin(), lines.end(), "battery   13.43 V   0.00 A   5 degC") == 1);
    CHECK(lines[lines.size() - 2] ==
          "gateway   2 devices on 2 links   transactions 25   cache hits 0   merged 0   "
          "timeouts 0   exceptions 0   clients 0");

    // Without a status the blocks are still named.
    frame.status.reset();
    frame.status_error = "NO_REPLY: no reply";
    CHECK(has_line(watch_lines(frame), "device    shed"));
}

TEST_CASE("watch --device: that device alone, its state and counts") {
    WatchFrame frame;
    frame.endpoint = "tcp://127.0.0.1:5555";
    frame.device = "shed";
    frame.readings = watch_readings();
    frame.status = ctl::test::two_device_status();
    const auto lines = watch_lines(frame);
    CHECK(lines.front().starts_with("tristar-ctl watch  tcp://127.0.0.1:5555  device shed  "));
    CHECK(lines[2] == "battery   13.43 V   0.00 A   5 degC");
    CHECK_FALSE(contains(lines[2], "device"));
    CHECK(lines[lines.size() - 2] ==
          "gateway   backoff (rtu, serial)   transactions 5   cache hits 0   merged 0   "
          "timeouts 5   exceptions 0   clients 0");
}

TEST_CASE("watch: every register the screen names exists and reads in one request") {
    const auto registers = watch_registers();
    CHECK(registers.size() == 12);
    CHECK(plan_register_reads(ranges_for(registers)).size() == 1);
}

TEST_CASE("watch: redraw in place on a TTY") {
    CHECK(tty_frame({"a", "b"}, true) ==
          "\x1b[?25l\x1b[2J\x1b[H"
          "a\x1b[K\nb\x1b[K\n\x1b[J");
    CHECK(tty_frame({"a"}, false) ==
          "\x1b[H"
          "a\x1b[K\n\x1b[J");
    CHECK(plain_frame({"a", "b"}) == "a\nb\n\n");
}
