// Unit tests for tristar-sim's reply faults in the transaction engine: refusals counted by range,
// --bad-exception-rate, --swallow-reads, --cut-rate, their repeatability for a seed, late replies
// under --delay-ms, the new stats keys and the command line of all the new switches.
#include <doctest/doctest.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "gateway/sim/address_range.h"
#include "gateway/sim/options.h"
#include "gateway/sim/refusals.h"
#include "gateway/sim/transaction_engine.h"
#include "proto/modbus/framing.h"
#include "proto/modbus/pdu.h"
#include "tests/unit/sim_model_test_support.h"

using namespace tristar::sim;
namespace modbus = tristar::modbus;

namespace {

using tristar::sim::model_test::delayed;
using tristar::sim::model_test::pdu;
using tristar::sim::model_test::request;
using tristar::sim::model_test::single_write;

struct Fixture {
    explicit Fixture(QuirkConfig q = {}, RefusalConfig r = {}, std::uint32_t seed = 7)
        : quirks(q, seed), engine(model, quirks, stats, {ServiceOptions{false, r}, {}}) {
        spdlog::set_level(spdlog::level::off);
    }

    // Submits and serves one request now; the finished transaction.
    Outgoing serve(Incoming in) {
        engine.submit(std::move(in));
        auto done = engine.run_due(Clock::time_point{});
        REQUIRE(done.size() == 1);
        return std::move(done[0]);
    }
    Outgoing serve_tcp(const modbus::Request& r) {
        return serve({{Transport::tcp, 1}, 9, 1, pdu(r)});
    }
    Outgoing serve_rtu(const modbus::Request& r) {
        return serve({{Transport::rtu, 0}, 0, 1, pdu(r)});
    }
    // Queues a one-word TCP read of 0x18 on `connection` (not served yet).
    void submit_tcp_read(std::uint64_t connection, std::uint16_t transaction_id) {
        engine.submit({{Transport::tcp, connection}, transaction_id, 1, pdu(request(3, 0x18, 1))});
    }

    DeviceModel model{[] {
        ModelConfig c;
        c.frozen = true;
        return c;
    }()};
    Quirks quirks;
    Stats stats{Clock::now()};
    TransactionEngine engine;
};

modbus::Bytes tcp_pdu(const Outgoing& out) {
    REQUIRE(out.frame);
    return modbus::Bytes(out.frame->begin() + 7, out.frame->end());
}

}  // namespace

// ------------------------------------------------------------------------------- the engine

TEST_CASE("engine: refusals are counted, by request range") {
    RefusalConfig r;
    r.undocumented = true;
    Fixture f({}, r);
    CHECK(tcp_pdu(f.serve_tcp(request(3, 0xE080, 78))) == modbus::Bytes{0x83, 0x02});
    f.serve_tcp(request(3, 0xE080, 78));
    f.serve_rtu(single_write(5, 0x0001, 0xFF00));
    CHECK(tcp_pdu(f.serve_tcp(request(3, 0xE080, 13)))[0] == 0x03);
    CHECK(f.stats.refused == 3);
    CHECK(f.stats.exceptions[2] == 3);
    CHECK(f.stats.refused_by_range ==
          std::map<std::string, std::uint64_t>{{"fc3 0xe080+78", 2}, {"fc5 0x0001+1", 1}});
}

TEST_CASE("engine: --bad-exception-rate answers reads with the code, writes are executed") {
    QuirkConfig q;
    q.bad_exception_rate = 1.0;
    q.bad_exception_code = 0x55;
    Fixture f(q);
    CHECK(tcp_pdu(f.serve_tcp(request(4, 0x18, 4))) == modbus::Bytes{0x84, 0x55});
    CHECK(f.serve_rtu(request(1, 0, 1)).frame ==
          modbus::build_rtu_frame(1, modbus::Bytes{0x81, 0x55}));
    CHECK(tcp_pdu(f.serve_tcp(single_write(5, 0x0002, 0xFF00))) == modbus::Bytes{5, 0, 2, 0xFF, 0});
    CHECK(f.stats.bad_exceptions == 2);
    CHECK(f.stats.exceptions[0x55] == 2);
    CHECK(f.stats.reads == 0);
    CHECK(f.stats.writes == 1);
}

TEST_CASE("engine: --swallow-reads executes reads containing ADDR and never answers them") {
    QuirkConfig q;
    q.swallow_register = 0x1A;
    q.swallow_coil = 0x02;
    Fixture f(q);
    CHECK_FALSE(f.serve_tcp(request(3, 0x18, 4)).frame);
    CHECK_FALSE(f.serve_rtu(request(4, 0x1A, 1)).frame);
    CHECK_FALSE(f.serve_tcp(request(1, 0x00, 3)).frame);
    CHECK(f.serve_tcp(request(3, 0x1B, 4)).frame);
    CHECK(f.serve_tcp(request(3, 0x10, 10)).frame);  // 0x10-0x19
    CHECK(f.serve_tcp(request(1, 0x00, 2)).frame);
    CHECK(f.serve_tcp(single_write(6, 0x1A, 0)).frame);  // not a read (and refused by the image)
    CHECK(f.stats.swallowed == 3);
    CHECK(f.stats.reads == 6);
    CHECK(f.stats.dropped == 0);
}

TEST_CASE("engine: --cut-rate sends the first half of the reply and marks it cut") {
    QuirkConfig q;
    q.cut_rate = 1.0;
    Fixture f(q);
    const auto full_tcp = modbus::encode_tcp_adu(
        9, 1, modbus::read_registers_response(3, *f.model.read_registers(0x18, 4)));
    const Outgoing tcp = f.serve_tcp(request(3, 0x18, 4));
    CHECK(tcp.cut);
    CHECK(*tcp.frame == modbus::Bytes(full_tcp.begin(), full_tcp.begin() + 8));  // 17 -> 8 bytes
    const Outgoing rtu = f.serve_rtu(request(3, 0x18, 4));
    CHECK(rtu.cut);
    CHECK(rtu.frame->size() == 6);  // of 13
    CHECK(f.stats.cut == 2);
}

TEST_CASE("engine: the random reply faults repeat for a given seed") {
    QuirkConfig q;
    q.cut_rate = 0.5;
    q.bad_exception_rate = 0.3;
    auto pattern = [&](std::uint32_t seed) {
        Fixture f(q, {}, seed);
        std::string out;
        for (int i = 0; i < 40; ++i) {
            const Outgoing o = f.serve_tcp(request(3, 0x18, 1));
            out += o.cut ? 'c' : (*o.frame)[8] == 0x55 ? 'x' : '.';
        }
        return out;
    };
    CHECK(pattern(11) == pattern(11));
    CHECK(pattern(11) != pattern(12));
    CHECK(pattern(11).find('c') != std::string::npos);
    CHECK(pattern(11).find('x') != std::string::npos);
    CHECK(pattern(11).find('.') != std::string::npos);
}

TEST_CASE("engine: an RTU request arriving while a late reply is pending is served after it") {
    Fixture f(delayed(std::chrono::milliseconds(3000)));  // longer than any master's timeout
    const Clock::time_point t0{};
    using std::chrono::milliseconds;
    f.engine.submit({{Transport::rtu, 0}, 0, 1, pdu(request(3, 0x18, 1))});
    CHECK(f.engine.run_due(t0).empty());
    f.engine.submit({{Transport::rtu, 0}, 0, 1, pdu(request(3, 0x19, 2))});  // the retry
    CHECK(f.stats.overlaps == 1);
    CHECK(f.engine.run_due(t0 + milliseconds(2999)).empty());
    auto done = f.engine.run_due(t0 + milliseconds(3000));
    REQUIRE(done.size() == 1);
    CHECK((*done[0].frame)[2] == 2);  // the late reply to the first: one word
    CHECK(f.engine.next_deadline() == t0 + milliseconds(3000));  // the retry may start now
    CHECK(f.engine.run_due(t0 + milliseconds(3000)).empty());
    CHECK(f.engine.next_deadline() == t0 + milliseconds(6000));
    done = f.engine.run_due(t0 + milliseconds(6000));
    REQUIRE(done.size() == 1);
    CHECK((*done[0].frame)[2] == 4);  // then the second: two words
    CHECK(f.stats.transactions == 2);
    CHECK(f.stats.overlaps == 1);
}

TEST_CASE("engine: a late reply whose TCP client left keeps the device busy until it is due") {
    Fixture f(delayed(std::chrono::milliseconds(3000)));
    const Clock::time_point t0{};
    f.submit_tcp_read(1, 1);
    f.engine.run_due(t0);
    f.engine.discard({Transport::tcp, 1});  // the master timed out and closed
    f.submit_tcp_read(2, 2);
    CHECK(f.stats.overlaps == 1);  // the device was still working on the first
    auto done = f.engine.run_due(t0 + std::chrono::milliseconds(3000));
    REQUIRE(done.size() == 1);
    CHECK_FALSE(done[0].frame);
    done = f.engine.run_due(t0 + std::chrono::milliseconds(6000));
    REQUIRE(done.size() == 1);
    CHECK(done[0].origin.connection == 2);
}

TEST_CASE("engine: a request queued on a connection that closes with its reply never runs") {
    Fixture f(delayed(std::chrono::milliseconds(1000)));
    const Clock::time_point t0{};
    f.submit_tcp_read(1, 1);
    f.engine.run_due(t0);
    f.engine.submit({{Transport::tcp, 1}, 2, 1, pdu(single_write(5, 0x0002, 0xFF00))});
    auto done = f.engine.run_due(t0 + std::chrono::milliseconds(1000));
    REQUIRE(done.size() == 1);              // returned before the write starts...
    f.engine.discard({Transport::tcp, 1});  // ...so the socket closing after it takes it along
    CHECK(f.engine.run_due(t0 + std::chrono::milliseconds(3000)).empty());
    CHECK(f.stats.transactions == 1);
    CHECK(f.stats.write_log.empty());
    CHECK_FALSE(f.model.read_coils(0x0002, 1)->at(0));
}

TEST_CASE("engine: a waiting request starts when the device became free, not when polled") {
    Fixture f(delayed(std::chrono::milliseconds(100)));
    const Clock::time_point t0{};
    f.submit_tcp_read(1, 1);
    f.engine.run_due(t0);
    f.submit_tcp_read(2, 2);
    const auto late = t0 + std::chrono::milliseconds(250);  // the loop woke late
    CHECK(f.engine.run_due(late).size() == 1);
    const auto second = f.engine.run_due(late);  // started at 100 ms, due at 200 ms
    REQUIRE(second.size() == 1);
    CHECK(second[0].origin.connection == 2);
    CHECK(f.engine.run_due(late).empty());
}

// ------------------------------------------------------------------------------------ stats

TEST_CASE("stats JSON: the new counters and the bounded refusal breakdown") {
    Stats s(Clock::now());
    s.swallowed = 2;
    s.cut = 3;
    s.bad_exceptions = 4;
    for (std::uint16_t i = 0; i < 70; ++i) s.record_refusal({3, i, 1});
    s.record_refusal({3, 0, 1});
    CHECK(s.refused == 71);
    CHECK(s.refused_by_range.size() == Stats::refused_keys_max + 1);
    CHECK(s.refused_by_range["other"] == 6);
    CHECK(s.refused_by_range["fc3 0x0000+1"] == 2);
    const std::string json = s.to_json(s.started);
    for (const char* key : {"\"refused\":71", "\"swallowed\":2", "\"cut\":3",
                            "\"bad_exceptions\":4", "\"refused_by_range\":{\"fc3 0x0000+1\":2,",
                            "\"other\":6}", "\"overlaps\":0", "\"refused_connections\":0"}) {
        CAPTURE(key);
        CHECK(json.find(key) != std::string::npos);
    }
}

// ------------------------------------------------------------------------------ command line

TEST_CASE("command line: the refusal and reply-fault switches") {
    CLI::App app;
    DeviceOptions o;
    add_device_options(app, o);
    app.parse(
        "--refuse-undocumented --refuse 0xE0C0-0xE0C3,0xE0CC --swallow-reads 0x1A "
        "--swallow-coil-reads 0x00 --cut-rate 0.1 --bad-exception-rate 0.25 "
        "--bad-exception-code 0x7F",
        false);
    CHECK(o.refusals.undocumented);
    CHECK(o.refusals.registers == std::vector<AddressRange>{{0xE0C0, 0xE0C3}, {0xE0CC, 0xE0CC}});
    CHECK(o.quirks.swallow_register == 0x1A);
    CHECK(o.quirks.swallow_coil == 0);
    CHECK(o.quirks.cut_rate == 0.1);
    CHECK(o.quirks.bad_exception_rate == 0.25);
    CHECK(o.quirks.bad_exception_code == 0x7F);
}

TEST_CASE("command line: bad values are usage errors") {
    for (const char* args :
         {"--refuse 0xE0C3-0xE0C0", "--refuse 0xE0C0,", "--swallow-reads 0x10000", "--cut-rate 1.5",
          "--bad-exception-rate 1 --bad-exception-code 6", "--bad-exception-code 0x55"}) {
        CAPTURE(args);
        CLI::App app;
        DeviceOptions o;
        add_device_options(app, o);
        CHECK_THROWS_AS(app.parse(args, false), CLI::ParseError);
    }
}
