#pragma once
// A Status to show tristar-ctl's views of a gateway with several devices, shared by the ctl unit
// tests: two devices ("house" on TCP, answering; "shed" on a serial line, in backoff with a
// failing read) on two links; and the helpers the ctl unit tests share.
#include <string>
#include <string_view>

#include "gateway/client/client.h"
#include "gateway/ctl/read_plan.h"

namespace tristar::ctl::test {

namespace v1 = client::v1;

inline bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

// The spec's real 12 V unit at night (tristar-modbus.md 9.1): scale words and 0x18.
inline RegisterImage night_image() {
    RegisterImage image;
    image.add(0x0000, {180, 0, 80, 0});
    image.add(0x0018, {2445, 2446, 2440, 60});
    return image;
}

// A gateway with two devices on two links: one answering, one in backoff with a failing read.
inline v1::Status two_device_status() {
    v1::Status s;
    s.set_version("0.1.0");
    s.set_transport("tcp");
    s.set_device("tcp://10.0.0.2:502");
    s.set_link_state("connected");
    s.set_connection_mode("kept");
    s.set_connected_since_unix_ms(1733300000000ULL);
    s.set_uptime_ms(60000);
    s.mutable_counters()->set_requests(30);
    s.mutable_counters()->set_transactions(25);
    s.set_last_error("");
    s.set_queued(1);
    auto* f = s.add_read_failures();
    f->set_function(4);
    f->set_address(0x18);
    f->set_count(1);
    f->set_unit(2);
    f->set_answer("DEVICE_TIMEOUT");
    f->set_client_name("tristar-ctl");
    f->set_failures(2);
    f->set_first_unix_ms(1733300001000ULL);
    f->set_last_unix_ms(1733300002000ULL);
    f->set_device("shed");
    s.set_read_budget_ms(3500);
    s.set_connections(1);
    s.set_max_connections(256);
    auto* a = s.add_devices();
    a->set_name("house");
    a->set_device("tcp://10.0.0.2:502");
    a->set_unit(1);
    a->set_link("tcp://10.0.0.2:502");
    a->set_state("connected");
    a->mutable_counters()->set_transactions(20);
    a->mutable_counters()->set_cache_hits(4);
    a->mutable_device_time()->add_bounds_us(1000);
    a->mutable_device_time()->add_counts(20);
    a->mutable_device_time()->add_counts(0);
    a->mutable_device_time()->set_total(20);
    a->mutable_device_time()->set_sum_us(9000);
    a->mutable_queue_time();
    a->set_read_budget_ms(3500);
    a->set_answering_since_unix_ms(1733300000000ULL);
    auto* b = s.add_devices();
    b->set_name("shed");
    b->set_device("rtu:///dev/ttyUSB0?baud=9600&parity=N&stop=2&data=8");
    b->set_unit(2);
    b->set_link("rtu:///dev/ttyUSB0");
    b->set_state("backoff");
    b->mutable_counters()->set_transactions(5);
    b->mutable_counters()->set_timeouts(5);
    b->mutable_counters()->set_read_failures(1);
    b->set_last_error("no reply within 1000 ms");
    b->set_queued(1);
    b->set_read_budget_ms(7000);
    auto* tcp = s.add_links();
    tcp->set_link("tcp://10.0.0.2:502");
    tcp->set_transport("tcp");
    tcp->set_connection_mode("kept");
    tcp->add_devices("house");
    tcp->set_transactions(20);
    tcp->set_connected(true);
    auto* rtu = s.add_links();
    rtu->set_link("rtu:///dev/ttyUSB0");
    rtu->set_transport("rtu");
    rtu->set_connection_mode("serial");
    rtu->add_devices("shed");
    rtu->set_transactions(5);
    rtu->set_reconnects(1);
    rtu->set_busy(true);
    return s;
}

}  // namespace tristar::ctl::test
