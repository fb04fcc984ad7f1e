// The simulator's transaction engine: overlaps, unit ids and the fault switches (busy, drop, slow,
// corrupt replies).
#include <doctest/doctest.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

#include "gateway/sim/addresses.h"
#include "gateway/sim/device_model.h"
#include "gateway/sim/modbus_service.h"
#include "gateway/sim/rtu_framer.h"
#include "gateway/sim/scaling.h"
#include "gateway/sim/transaction_engine.h"
#include "proto/modbus/framing.h"
#include "proto/modbus/pdu.h"
#include "tests/unit/sim_model_test_support.h"

using namespace tristar::sim;
using namespace tristar::sim::model_test;
using tristar::modbus::ExceptionCode;
namespace modbus = tristar::modbus;

namespace {

struct EngineFixture {
    explicit EngineFixture(QuirkConfig q = {}) : quirks(q, 7), engine(model, quirks, stats, {}) {
        spdlog::set_level(spdlog::level::off);  // the engine logs overlaps and writes at info
    }

    Incoming tcp_read(std::uint64_t connection, std::uint16_t tid) const {
        return {{Transport::tcp, connection}, tid, 1, read_pdu(3, 0x18, 4)};
    }

    DeviceModel model{config_at(3.0, true)};
    Quirks quirks;
    Stats stats{Clock::now()};
    TransactionEngine engine;
};

}  // namespace

TEST_CASE("engine: requests arriving while one is served are overlaps, served in order") {
    EngineFixture f(delayed(std::chrono::milliseconds(200)));
    const auto t0 = Clock::now();
    f.engine.submit(f.tcp_read(1, 10));
    CHECK(f.engine.run_due(t0).empty());
    CHECK(f.engine.serving());
    f.engine.submit(f.tcp_read(2, 20));
    f.engine.submit(f.tcp_read(3, 30));
    CHECK(f.stats.overlaps == 2);
    CHECK(f.stats.max_queue == 2);
    CHECK(f.engine.next_deadline() == t0 + std::chrono::milliseconds(200));
    auto done = f.engine.run_due(t0 + std::chrono::milliseconds(200));
    REQUIRE(done.size() == 1);
    CHECK(done[0].origin.connection == 1);
    REQUIRE(done[0].frame);
    CHECK((*done[0].frame)[1] == 10);  // transaction id echoed
    done = f.engine.run_due(t0 + std::chrono::milliseconds(400));
    REQUIRE(done.size() == 1);
    CHECK(done[0].origin.connection == 2);
    done = f.engine.run_due(t0 + std::chrono::milliseconds(600));
    REQUIRE(done.size() == 1);
    CHECK(done[0].origin.connection == 3);
    CHECK(f.stats.transactions == 3);
    CHECK(f.stats.reads == 3);
}

TEST_CASE("engine: one request at a time without delay is never an overlap") {
    EngineFixture f;
    for (std::uint16_t i = 0; i < 5; ++i) {
        f.engine.submit(f.tcp_read(1, i));
        CHECK(f.engine.run_due(Clock::now()).size() == 1);
    }
    CHECK(f.stats.overlaps == 0);
    CHECK(f.stats.transactions == 5);
}

TEST_CASE("engine: wrong unit id on TCP is exception 0x0B") {
    EngineFixture f;
    Incoming r = f.tcp_read(1, 1);
    r.unit_id = 9;
    f.engine.submit(r);
    const auto done = f.engine.run_due(Clock::now());
    REQUIRE(done.size() == 1);
    const modbus::Bytes expected{0, 1, 0, 0, 0, 3, 9, 0x83, 0x0B};
    CHECK(*done[0].frame == expected);
    CHECK(f.stats.exceptions[0x0B] == 1);
}

TEST_CASE("engine: busy answers 0x06 without executing; drop executes without a reply") {
    QuirkConfig busy;
    busy.busy_rate = 1.0;
    EngineFixture b(busy);
    b.engine.submit({{Transport::rtu, 0}, 0, 1, {0x05, 0x00, 0x02, 0xFF, 0x00}});
    auto done = b.engine.run_due(Clock::now());
    CHECK(*done[0].frame == modbus::build_rtu_frame(1, modbus::Bytes{0x85, 0x06}));
    CHECK_FALSE(coil_on(b.model, 2));
    CHECK(b.stats.write_log.empty());
    CHECK(b.stats.exceptions[6] == 1);

    QuirkConfig drop;
    drop.drop_rate = 1.0;
    EngineFixture d(drop);
    d.engine.submit({{Transport::rtu, 0}, 0, 1, {0x05, 0x00, 0x02, 0xFF, 0x00}});
    done = d.engine.run_due(Clock::now());
    REQUIRE(done.size() == 1);
    CHECK_FALSE(done[0].frame);
    CHECK(coil_on(d.model, 2));
    CHECK(d.stats.dropped == 1);
    REQUIRE(d.stats.write_log.size() == 1);
    CHECK(d.stats.write_log[0].function == 5);
    CHECK(d.stats.write_log[0].value == 0xFF00);
}

TEST_CASE("engine: --slow-every delays only every Nth reply, by --slow-ms on top of the delay") {
    QuirkConfig q;
    q.delay = std::chrono::milliseconds(10);
    q.slow_every = 3;
    q.slow_delay = std::chrono::milliseconds(500);
    EngineFixture f(q);
    auto now = Clock::now();
    std::vector<Clock::duration> delays;
    for (std::uint16_t i = 1; i <= 7; ++i) {
        f.engine.submit(f.tcp_read(1, i));
        CHECK(f.engine.run_due(now).empty());
        const auto due = *f.engine.next_deadline();
        delays.push_back(due - now);
        const auto done = f.engine.run_due(due);
        REQUIRE(done.size() == 1);
        CHECK(modbus::decode_mbap(*done[0].frame)->transaction_id == i);  // late, not lost
        now = due;
    }
    const auto normal = std::chrono::milliseconds(10);
    const auto slow = std::chrono::milliseconds(510);
    const std::vector<Clock::duration> expected{normal, normal, slow, normal, normal, slow, normal};
    CHECK(delays == expected);
    CHECK(f.stats.overlaps == 0);
}

TEST_CASE("engine: --drop-write-replies executes writes silently and still answers reads") {
    QuirkConfig q;
    q.drop_write_replies = true;
    EngineFixture f(q);
    f.engine.submit({{Transport::tcp, 1}, 1, 1, {0x05, 0x00, 0x02, 0xFF, 0x00}});
    auto done = f.engine.run_due(Clock::now());
    REQUIRE(done.size() == 1);
    CHECK_FALSE(done[0].frame);
    CHECK(coil_on(f.model, 2));
    CHECK(f.stats.dropped == 1);
    CHECK(f.stats.writes == 1);
    REQUIRE(f.stats.write_log.size() == 1);
    CHECK(f.stats.write_log[0].address == 2);
    // A refused write executed nothing: its exception is answered.
    f.engine.submit({{Transport::tcp, 1}, 2, 1, {0x05, 0x00, 0x01, 0xFF, 0x00}});
    done = f.engine.run_due(Clock::now());
    REQUIRE(done[0].frame);
    f.engine.submit(f.tcp_read(1, 3));
    done = f.engine.run_due(Clock::now());
    REQUIRE(done[0].frame);
    CHECK(f.stats.dropped == 1);
}

TEST_CASE("engine: corrupt replies have a bad CRC on RTU and a wrong transaction id on TCP") {
    QuirkConfig q;
    q.corrupt_rate = 1.0;
    EngineFixture f(q);
    f.engine.submit({{Transport::rtu, 0}, 0, 1, read_pdu(3, 0, 2)});
    auto done = f.engine.run_due(Clock::now());
    CHECK_FALSE(modbus::rtu_crc_ok(*done[0].frame));
    f.engine.submit(f.tcp_read(1, 0x0102));
    done = f.engine.run_due(Clock::now());
    CHECK(modbus::decode_mbap(*done[0].frame)->transaction_id != 0x0102);
    CHECK(f.stats.corrupted == 2);
}

TEST_CASE("engine: the comm server hangs after N transactions") {
    QuirkConfig q;
    q.hang_after = 2;
    EngineFixture f(q);
    for (std::uint16_t i = 0; i < 4; ++i) {
        f.engine.submit(f.tcp_read(1, i));
        const auto done = f.engine.run_due(Clock::now());
        CHECK(done.size() == (i < 2 ? 1U : 0U));
    }
    CHECK(f.stats.hung);
    CHECK(f.stats.transactions == 2);
    CHECK(f.stats.ignored == 2);
}

TEST_CASE("engine: --wire-time delays the reply by its serial wire time") {
    QuirkConfig q;
    q.wire_time = true;
    EngineFixture f(q);
    const auto t0 = Clock::now();
    f.engine.submit({{Transport::rtu, 0}, 0, 1, read_pdu(4, 0x18, 56)});
    CHECK(f.engine.run_due(t0).empty());
    // 117-byte reply at 9600 8N2: 134 ms
    CHECK(*f.engine.next_deadline() - t0 == std::chrono::microseconds(134063));
}

TEST_CASE("engine: a discarded origin's queue goes, its in-flight reply goes nowhere") {
    EngineFixture f(delayed(std::chrono::milliseconds(100)));
    const auto t0 = Clock::now();
    f.engine.submit(f.tcp_read(1, 1));
    f.engine.run_due(t0);
    f.engine.submit(f.tcp_read(1, 2));
    f.engine.discard({Transport::tcp, 1});
    const auto done = f.engine.run_due(t0 + std::chrono::seconds(1));
    REQUIRE(done.size() == 1);
    CHECK_FALSE(done[0].frame);
    CHECK(f.engine.queued() == 0);
    CHECK_FALSE(f.engine.serving());
}

TEST_CASE("stats JSON carries the counters and the write log") {
    Stats s(Clock::now());
    s.transactions = 3;
    s.exceptions[6] = 2;
    s.record_write({5, 0, 0xFF00});
    const std::string json = s.to_json(s.started + std::chrono::milliseconds(1500));
    CHECK(json.find("\"transactions\":3") != std::string::npos);
    CHECK(json.find("\"exceptions\":{\"6\":2}") != std::string::npos);
    CHECK(json.find("\"write_log\":[[5,0,65280]]") != std::string::npos);
    CHECK(json.find("\"uptime_s\":1.500") != std::string::npos);
    CHECK(json.find("\"slave\":{\"active\":false,\"writes\":0,") != std::string::npos);
    s.slave.active = true;
    s.slave.refreshes = 4;
    s.slave.longest_gap_s = 15.25;
    s.slave.ib_ref_raw = 819;
    const std::string slave = s.to_json(s.started);
    CHECK(slave.find("\"active\":true") != std::string::npos);
    CHECK(slave.find("\"refreshes\":4") != std::string::npos);
    CHECK(slave.find("\"longest_gap_s\":15.250") != std::string::npos);
    CHECK(slave.find("\"ib_ref_raw\":819") != std::string::npos);
    for (int i = 0; i < 1100; ++i) s.record_write({6, 0x59, static_cast<std::uint16_t>(i)});
    CHECK(s.write_log.size() == 1000);
    CHECK(s.write_log.front().value == 100);
}

// ---------------------------------------------------------------------------------- RTU framer

TEST_CASE("RTU framer: frames by expected length, several per read, byte by byte") {
    RtuFramer framer(std::chrono::microseconds(4010));
    const auto t = Clock::now();
    const auto a = modbus::build_rtu_frame(1, read_pdu(4, 0x18, 56));
    const auto b = modbus::build_rtu_frame(1, modbus::encode_request({0x10, 0x58, 2, 0, {1, 2}}));
    modbus::Bytes both = a;
    both.insert(both.end(), b.begin(), b.end());
    const auto frames = framer.feed(both, t);
    REQUIRE(frames.size() == 2);
    CHECK(frames[1].pdu[0] == 0x10);
    std::size_t got = 0;
    for (const auto byte : a) got += framer.feed(std::span(&byte, 1), t).size();
    CHECK(got == 1);
    CHECK_FALSE(framer.deadline());
}

TEST_CASE("RTU framer: a bad CRC discards until silence, then framing resumes") {
    RtuFramer framer(std::chrono::microseconds(4010));
    const auto t = Clock::now();
    auto bad = modbus::build_rtu_frame(1, read_pdu(3, 0, 1));
    bad[7] ^= 0xFF;
    CHECK(framer.feed(bad, t).empty());
    const auto good = modbus::build_rtu_frame(1, read_pdu(3, 0, 1));
    CHECK(framer.feed(good, t).empty());  // still inside the garbage burst
    CHECK(framer.on_silence(t + std::chrono::milliseconds(2)).empty());
    CHECK(framer.on_silence(t + std::chrono::milliseconds(5)).empty());
    CHECK(framer.feed(good, t + std::chrono::milliseconds(6)).size() == 1);
    CHECK(framer.bad_frames() == 1);
}

TEST_CASE("RTU framer: unknown function codes end at the silence") {
    RtuFramer framer(std::chrono::microseconds(4010));
    const auto t = Clock::now();
    const auto frame = modbus::build_rtu_frame(1, modbus::Bytes{0x41, 0x01, 0x02});
    CHECK(framer.feed(frame, t).empty());
    REQUIRE(framer.deadline());
    const auto frames = framer.on_silence(*framer.deadline());
    REQUIRE(frames.size() == 1);
    CHECK(frames[0].pdu == modbus::Bytes{0x41, 0x01, 0x02});
}
