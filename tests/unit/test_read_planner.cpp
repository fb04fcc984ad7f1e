// The read path's decisions: read-ahead over documented blocks only, learning from refusals and
// probing again later, merging, the cache; and the log of reads that keep failing.
#include <doctest/doctest.h>

#include "gateway/daemon/failure_log.h"
#include "gateway/daemon/read_planner.h"

namespace tristar::gateway {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
const Clock::time_point t0 = Clock::time_point{} + 1h;

Span holding(std::uint16_t address, std::uint16_t count) {
    return Span{Table::holding, 1, address, count};
}

ReadPlanner planner(ReadAhead mode = ReadAhead::block) {
    return ReadPlanner(tristar_device_profile(), mode, 3600s);
}

}  // namespace

TEST_CASE("read-ahead widens to the live block and to documented EEPROM runs only") {
    const auto p = planner();
    const auto live = p.plan(holding(0x18, 4), t0);
    CHECK(live.address == 0x0000);
    CHECK(live.count == 0x5C);
    // The identity span holds undocumented addresses 0xE08D-0xE0BF: never widened across them.
    const auto lifetime = p.plan(holding(0xE086, 2), t0);
    CHECK(lifetime.address == 0xE080);
    CHECK(lifetime.end() == 0xE08D);
    const auto serial = p.plan(holding(0xE0C0, 4), t0);
    CHECK(serial.address == 0xE0C0);
    CHECK(serial.count == 4);
    const auto model = p.plan(holding(0xE0CC, 1), t0);
    CHECK(model.address == 0xE0CC);
    CHECK(model.count == 2);
    // Coil 1 is undocumented: coils are read as asked.
    const Span coil{Table::coils, 1, 0, 1};
    CHECK(p.plan(coil, t0).count == 1);
}

TEST_CASE("a refused block is read as asked, then probed again after the re-probe time") {
    auto p = planner();
    const auto wide = p.plan(holding(0x18, 4), t0);
    REQUIRE(wide.count == 0x5C);
    CHECK(p.refused(wide, t0));
    CHECK_FALSE(p.refused(wide, t0 + 1s));  // already known: logged once
    CHECK(p.plan(holding(0x18, 4), t0 + 10min).count == 4);
    CHECK(p.refused_blocks(t0 + 10min) == 1);
    CHECK(p.plan(holding(0x18, 4), t0 + 1s + 3600s).count == 0x5C);
    CHECK(p.refused(wide, t0 + 2h));  // refused again after the probe: news again
}

TEST_CASE("small read-ahead widens only reads of at most a quarter of their block; off never") {
    const auto small = planner(ReadAhead::small);
    CHECK(small.plan(holding(0x18, 4), t0).count == 0x5C);
    CHECK(small.plan(holding(0x18, 56), t0).count == 56);
    CHECK(planner(ReadAhead::off).plan(holding(0x18, 4), t0).count == 4);
}

TEST_CASE("a transaction answers the reads it covers, of the same table and unit, not lone ones") {
    const auto wide = holding(0x00, 0x5C);
    CHECK(ReadPlanner::answers(wide, holding(0x18, 4), false));
    CHECK(ReadPlanner::answers(wide, holding(0x00, 0x5C), false));
    CHECK_FALSE(ReadPlanner::answers(wide, holding(0x58, 5), false));  // runs past the end
    CHECK_FALSE(ReadPlanner::answers(wide, holding(0x18, 4), true));   // rode in a refused range
    CHECK_FALSE(ReadPlanner::answers(wide, Span{Table::coils, 1, 0x18, 1}, false));
    CHECK_FALSE(ReadPlanner::answers(wide, Span{Table::holding, 2, 0x18, 1}, false));
    // FC04 reads the same registers as FC03 on the TriStar: one table.
    CHECK(planner().table_of(4) == Table::holding);
}

TEST_CASE("the cache answers fresh enough reads; a write drops the unit's cache") {
    auto p = planner();
    const std::vector<std::uint16_t> words{1, 2, 3, 4};
    p.store(holding(0x18, 4), words, t0);
    CHECK(p.cached(holding(0x19, 2), t0 + 500ms, 1000ms) == std::vector<std::uint16_t>{2, 3});
    CHECK_FALSE(p.cached(holding(0x19, 2), t0 + 1500ms, 1000ms));
    CHECK_FALSE(p.cached(holding(0x19, 2), t0, 0ms));  // max_age 0: a fresh read
    LinkRequest write;
    write.function = 5;
    write.address = 2;
    p.wrote(write);
    CHECK_FALSE(p.cached(holding(0x19, 2), t0 + 1ms, 1000ms));
}

TEST_CASE("a failing range is news once, counted every time, and ends with a covering success") {
    FailureLog log(2);
    CHECK(log.failed(3, holding(0xE080, 78), "MODBUS_EXCEPTION 2", "p", 1000));
    CHECK_FALSE(log.failed(3, holding(0xE080, 78), "MODBUS_EXCEPTION 2", "p", 2000));
    CHECK(log.failed(3, holding(0xE080, 78), "DEVICE_TIMEOUT", "p", 3000));  // another answer
    CHECK(log.total() == 3);
    REQUIRE(log.current().size() == 1);
    CHECK(log.current()[0].failures == 3);
    CHECK(log.current()[0].first_unix_ms == 1000);
    CHECK(log.failed(3, holding(0x18, 4), "DEVICE_TIMEOUT", "q", 4000));
    CHECK(log.failed(1, Span{Table::coils, 1, 0, 3}, "MODBUS_EXCEPTION 2", "q", 5000));
    CHECK(log.current().size() == 2);  // bounded: the oldest went
    const auto ended = log.succeeded(holding(0x00, 0x5C));
    REQUIRE(ended.size() == 1);
    CHECK(ended[0].span.address == 0x18);
    CHECK(log.current().size() == 1);
    CHECK(log.total() == 5);
}

}  // namespace tristar::gateway
