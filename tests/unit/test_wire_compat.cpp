// Wire compatibility: frames recorded from the gateway's protocol as clients and gateways
// built before the lite runtime encoded them (protobuf's full runtime, the same gateway.proto).
// The generated code must read each into the same fields and write the same bytes, so old and
// new clients and gateways interoperate; and `tristar-ctl status --json` prints what protobuf's
// own JSON printer printed for the same Status.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/client/client.h"
#include "gateway/ctl/status_json.h"
#include "tests/unit/ctl_test_support.h"

namespace tristar::ctl {
namespace {

namespace v1 = client::v1;

std::string from_hex(std::string_view hex) {
    std::string bytes;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        bytes += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
    return bytes;
}

template <typename Message>
Message parsed(std::string_view hex) {
    Message message;
    REQUIRE(message.ParseFromString(from_hex(hex)));
    CHECK(message.SerializeAsString() == from_hex(hex));  // the same bytes back
    return message;
}

constexpr std::string_view request_read_registers =
    "082a120b747269737461722d63746c180120882728e80730025206080410181838";
constexpr std::string_view request_read_bits = "08071201785a0408011803";
constexpr std::string_view request_write_coil =
    "08081211747269737461722d7075626c6973686572620408021001";
constexpr std::string_view request_write_register = "08096a070880c00310b314";
constexpr std::string_view request_write_registers = "080a72080859120401ffff03";
constexpr std::string_view request_status = "080b7a00";
constexpr std::string_view reply_registers = "082a1001180c20878e0252080a0600b424ffff03";
constexpr std::string_view reply_bits = "08075a050a03010001";
constexpr std::string_view reply_write_ok = "080820a09c016200";
constexpr std::string_view reply_error =
    "0809721a080710021a14696c6c6567616c20646174612061646472657373";
constexpr std::string_view reply_status =
    "080b6abc020a05302e312e3012037463701a137463703a2f2f3132372e302e302e313a3530322209636f6e6e"
    "65637465642a046b6570743080aaec85b93238c0dcea03424308c80b10f40718012001280332040802100338"
    "d403401f480250045805600668077003780880010988010a90010b98010ca0010da8010eb00116b80117c001"
    "18c801194a1f0a11747269737461722d7075626c69736865721205006b8b4567180120fa0a4a0f0a0b4bc3bc"
    "6865202271225c0a200152110a04e807904e1203050701180d20d5bb03620d74696d656f757420012063746c"
    "680272570804108020180220012a294d4f444255535f455843455054494f4e20322028696c6c6567616c2064"
    "6174612061646472657373293211747269737461722d7075626c697368657238034081aaec85b9324882aaec"
    "85b93278ac1ba00103a8018002";

// What protobuf's JsonPrintOptions{always_print_primitive_fields, preserve_proto_field_names}
// printed for recorded_status().
constexpr std::string_view recorded_status_json =
    R"json({"version":"0.1.0","transport":"tcp","device":"tcp://127.0.0.1:502","link_state":"connected",)json"
    R"json("connection_mode":"kept","connected_since_unix_ms":"1733300000000","uptime_ms":"8040000",)json"
    R"json("counters":{"requests":"1480","transactions":"1012","retries":"1","timeouts":"1",)json"
    R"json("exceptions":"3","exceptions_by_code":{"2":"3"},"cache_hits":"468","merged_reads":"31",)json"
    R"json("writes":"2","refused_writes":"4","deadline_misses":"5","busy_rejects":"6",)json"
    R"json("invalid_requests":"7","reconnects":"3","outcome_unknown":"8","corrupt_replies":"9",)json"
    R"json("read_failures":"10","read_ahead_refusals":"11","oversize_messages":"12",)json"
    R"json("dropped_replies":"13","unroutable_replies":"14","departed_requests":"23",)json"
    R"json("evicted_connections":"24","fair_share_reads":"25","refused_handshakes":"22"},)json"
    R"json("clients":[{"client_name":"tristar-publisher","routing_id":"AGuLRWc=","queue_depth":1,)json"
    R"json("requests":"1402"},{"client_name":"Kühe \"q\"\\\n","routing_id":"","queue_depth":0,)json"
    R"json("requests":"1"}],"device_time":{"bounds_us":["1000","10000"],"counts":["5",)json"
    R"json("7","1"],"total":"13","sum_us":"56789"},"last_error":"timeout \u0001 ctl",)json"
    R"json("queued":2,"read_failures":[{"function":4,"address":4096,"count":2,"unit":1,)json"
    R"json("answer":"MODBUS_EXCEPTION 2 (illegal data address)","client_name":"tristar-publisher",)json"
    R"json("failures":"3","first_unix_ms":"1733300000001","last_unix_ms":"1733300000002",)json"
    R"json("device":""}],"read_budget_ms":3500,"clients_omitted":0,"connections":3,)json"
    R"json("max_connections":256,"devices":[],"links":[]})json";
constexpr std::string_view recorded_empty_status_json =
    R"json({"version":"","transport":"","device":"","link_state":"","connection_mode":"",)json"
    R"json("connected_since_unix_ms":"0","uptime_ms":"0","clients":[],"last_error":"",)json"
    R"json("queued":0,"read_failures":[],"read_budget_ms":0,"clients_omitted":0,"connections":0,)json"
    R"json("max_connections":0,"devices":[],"links":[]})json";

// What the same printer printed for test::two_device_status() (ctl_test_support.h).
constexpr std::string_view recorded_two_device_status_json =
    R"json({"version":"0.1.0","transport":"tcp","device":"tcp://10.0.0.2:502",)json"
    R"json("link_state":"connected","connection_mode":"kept",)json"
    R"json("connected_since_unix_ms":"1733300000000","uptime_ms":"60000",)json"
    R"json("counters":{"requests":"30","transactions":"25","retries":"0","timeouts":"0",)json"
    R"json("exceptions":"0","exceptions_by_code":{},"cache_hits":"0","merged_reads":"0",)json"
    R"json("writes":"0","refused_writes":"0","deadline_misses":"0","busy_rejects":"0",)json"
    R"json("invalid_requests":"0","reconnects":"0","outcome_unknown":"0","corrupt_replies":"0",)json"
    R"json("read_failures":"0","read_ahead_refusals":"0","oversize_messages":"0",)json"
    R"json("dropped_replies":"0","unroutable_replies":"0","departed_requests":"0",)json"
    R"json("evicted_connections":"0","fair_share_reads":"0","refused_handshakes":"0"},)json"
    R"json("clients":[],"last_error":"","queued":1,"read_failures":[{"function":4,"address":24,)json"
    R"json("count":1,"unit":2,"answer":"DEVICE_TIMEOUT","client_name":"tristar-ctl",)json"
    R"json("failures":"2","first_unix_ms":"1733300001000","last_unix_ms":"1733300002000",)json"
    R"json("device":"shed"}],"read_budget_ms":3500,"clients_omitted":0,"connections":1,)json"
    R"json("max_connections":256,"devices":[{"name":"house","device":"tcp://10.0.0.2:502",)json"
    R"json("unit":1,"link":"tcp://10.0.0.2:502","state":"connected","counters":{"requests":"0",)json"
    R"json("transactions":"20","retries":"0","timeouts":"0","exceptions":"0",)json"
    R"json("exceptions_by_code":{},"cache_hits":"4","merged_reads":"0","writes":"0",)json"
    R"json("refused_writes":"0","deadline_misses":"0","busy_rejects":"0","invalid_requests":"0",)json"
    R"json("reconnects":"0","outcome_unknown":"0","corrupt_replies":"0","read_failures":"0",)json"
    R"json("read_ahead_refusals":"0","oversize_messages":"0","dropped_replies":"0",)json"
    R"json("unroutable_replies":"0","departed_requests":"0","evicted_connections":"0",)json"
    R"json("fair_share_reads":"0","refused_handshakes":"0"},"device_time":{"bounds_us":["1000"],)json"
    R"json("counts":["20","0"],"total":"20","sum_us":"9000"},"queue_time":{"bounds_us":[],)json"
    R"json("counts":[],"total":"0","sum_us":"0"},"last_error":"","queued":0,)json"
    R"json("read_budget_ms":3500,"answering_since_unix_ms":"1733300000000"},{"name":"shed",)json"
    R"json("device":"rtu:///dev/ttyUSB0?baud=9600&parity=N&stop=2&data=8","unit":2,)json"
    R"json("link":"rtu:///dev/ttyUSB0","state":"backoff","counters":{"requests":"0",)json"
    R"json("transactions":"5","retries":"0","timeouts":"5","exceptions":"0",)json"
    R"json("exceptions_by_code":{},"cache_hits":"0","merged_reads":"0","writes":"0",)json"
    R"json("refused_writes":"0","deadline_misses":"0","busy_rejects":"0","invalid_requests":"0",)json"
    R"json("reconnects":"0","outcome_unknown":"0","corrupt_replies":"0","read_failures":"1",)json"
    R"json("read_ahead_refusals":"0","oversize_messages":"0","dropped_replies":"0",)json"
    R"json("unroutable_replies":"0","departed_requests":"0","evicted_connections":"0",)json"
    R"json("fair_share_reads":"0","refused_handshakes":"0"},)json"
    R"json("last_error":"no reply within 1000 ms","queued":1,"read_budget_ms":7000,)json"
    R"json("answering_since_unix_ms":"0"}],"links":[{"link":"tcp://10.0.0.2:502",)json"
    R"json("transport":"tcp","connection_mode":"kept","devices":["house"],"transactions":"20",)json"
    R"json("reconnects":"0","connected":true,"busy":false},{"link":"rtu:///dev/ttyUSB0",)json"
    R"json("transport":"rtu","connection_mode":"serial","devices":["shed"],"transactions":"5",)json"
    R"json("reconnects":"1","connected":false,"busy":true}]})json";

v1::Status recorded_status() {
    v1::Status s;
    s.set_version("0.1.0");
    s.set_transport("tcp");
    s.set_device("tcp://127.0.0.1:502");
    s.set_link_state("connected");
    s.set_connection_mode("kept");
    s.set_connected_since_unix_ms(1733300000000ULL);
    s.set_uptime_ms(8040000);
    auto* c = s.mutable_counters();
    c->set_requests(1480);
    c->set_transactions(1012);
    c->set_retries(1);
    c->set_timeouts(1);
    c->set_exceptions(3);
    (*c->mutable_exceptions_by_code())[2] = 3;
    c->set_cache_hits(468);
    c->set_merged_reads(31);
    c->set_writes(2);
    c->set_refused_writes(4);
    c->set_deadline_misses(5);
    c->set_busy_rejects(6);
    c->set_invalid_requests(7);
    c->set_reconnects(3);
    c->set_outcome_unknown(8);
    c->set_corrupt_replies(9);
    c->set_read_failures(10);
    c->set_read_ahead_refusals(11);
    c->set_oversize_messages(12);
    c->set_dropped_replies(13);
    c->set_unroutable_replies(14);
    c->set_refused_handshakes(22);
    c->set_departed_requests(23);
    c->set_evicted_connections(24);
    c->set_fair_share_reads(25);
    auto* publisher = s.add_clients();
    publisher->set_client_name("tristar-publisher");
    publisher->set_routing_id(std::string("\x00\x6b\x8b\x45\x67", 5));
    publisher->set_queue_depth(1);
    publisher->set_requests(1402);
    auto* other = s.add_clients();
    other->set_client_name("K\xc3\xbche \"q\"\\\n");
    other->set_requests(1);
    auto* h = s.mutable_device_time();
    h->add_bounds_us(1000);
    h->add_bounds_us(10000);
    h->add_counts(5);
    h->add_counts(7);
    h->add_counts(1);
    h->set_total(13);
    h->set_sum_us(56789);
    s.set_last_error("timeout \x01 ctl");
    s.set_queued(2);
    auto* f = s.add_read_failures();
    f->set_function(4);
    f->set_address(0x1000);
    f->set_count(2);
    f->set_unit(1);
    f->set_answer("MODBUS_EXCEPTION 2 (illegal data address)");
    f->set_client_name("tristar-publisher");
    f->set_failures(3);
    f->set_first_unix_ms(1733300000001ULL);
    f->set_last_unix_ms(1733300000002ULL);
    s.set_read_budget_ms(3500);
    s.set_connections(3);
    s.set_max_connections(256);
    return s;
}

}  // namespace

TEST_CASE("recorded requests read into the same fields and write the same bytes") {
    const auto read = parsed<v1::Request>(request_read_registers);
    CHECK(read.id() == 42);
    CHECK(read.client_name() == "tristar-ctl");
    CHECK(read.unit() == 1);
    CHECK(read.deadline_ms() == 5000);
    CHECK(read.max_age_ms() == 1000);
    CHECK(read.priority() == v1::PRIORITY_POLL);
    REQUIRE(read.has_read_registers());
    CHECK(read.read_registers().function() == 4);
    CHECK(read.read_registers().address() == 0x18);
    CHECK(read.read_registers().count() == 56);

    const auto bits = parsed<v1::Request>(request_read_bits);
    REQUIRE(bits.has_read_bits());
    CHECK(bits.read_bits().function() == 1);
    CHECK(bits.read_bits().count() == 3);

    const auto coil = parsed<v1::Request>(request_write_coil);
    REQUIRE(coil.has_write_coil());
    CHECK(coil.client_name() == "tristar-publisher");
    CHECK(coil.write_coil().address() == 2);
    CHECK(coil.write_coil().value());

    const auto reg = parsed<v1::Request>(request_write_register);
    REQUIRE(reg.has_write_register());
    CHECK(reg.write_register().address() == 0xE000);
    CHECK(reg.write_register().value() == 2611);

    const auto regs = parsed<v1::Request>(request_write_registers);
    REQUIRE(regs.has_write_registers());
    CHECK(regs.write_registers().address() == 0x59);
    REQUIRE(regs.write_registers().values_size() == 2);
    CHECK(regs.write_registers().values(1) == 65535);

    const auto status = parsed<v1::Request>(request_status);
    CHECK(status.id() == 11);
    CHECK(status.has_status());
}

TEST_CASE("recorded replies read into the same fields and write the same bytes") {
    const auto registers = parsed<v1::Reply>(reply_registers);
    CHECK(registers.id() == 42);
    CHECK(registers.from_cache());
    CHECK(registers.queue_us() == 12);
    CHECK(registers.device_us() == 34567);
    REQUIRE(registers.registers().values_size() == 3);
    CHECK(registers.registers().values(1) == 0x1234);

    const auto bits = parsed<v1::Reply>(reply_bits);
    REQUIRE(bits.bits().values_size() == 3);
    CHECK_FALSE(bits.bits().values(1));

    const auto ok = parsed<v1::Reply>(reply_write_ok);
    CHECK(ok.has_write_ok());
    CHECK(ok.device_us() == 20000);

    const auto error = parsed<v1::Reply>(reply_error);
    REQUIRE(error.has_error());
    CHECK(error.error().code() == v1::MODBUS_EXCEPTION);
    CHECK(error.error().modbus_exception() == 2);
    CHECK(error.error().message() == "illegal data address");

    const auto status = parsed<v1::Reply>(reply_status);
    REQUIRE(status.has_status());
    CHECK(status.status().SerializeAsString() == recorded_status().SerializeAsString());
}

TEST_CASE("messages built today encode as the recorded frames") {
    v1::Reply reply;
    reply.set_id(11);
    *reply.mutable_status() = recorded_status();
    CHECK(reply.SerializeAsString() == from_hex(reply_status));
    v1::Request request;
    request.set_id(11);
    request.mutable_status();
    CHECK(request.SerializeAsString() == from_hex(request_status));
}

TEST_CASE("status --json prints what protobuf's JSON printer printed") {
    CHECK(status_json(recorded_status()) == std::string(recorded_status_json) + "\n");
    CHECK(status_json(v1::Status{}) == std::string(recorded_empty_status_json) + "\n");
}

TEST_CASE("status --json of two devices on two links as protobuf's JSON printer prints it") {
    CHECK(status_json(test::two_device_status()) ==
          std::string(recorded_two_device_status_json) + "\n");
}

TEST_CASE("base64 as protobuf's JSON writes bytes") {
    CHECK(base64("") == "");
    CHECK(base64("f") == "Zg==");
    CHECK(base64("fo") == "Zm8=");
    CHECK(base64("foo") == "Zm9v");
    CHECK(base64("foob") == "Zm9vYg==");
    CHECK(base64(std::string("\x00\xff\xfe", 3)) == "AP/+");
}

}  // namespace tristar::ctl
