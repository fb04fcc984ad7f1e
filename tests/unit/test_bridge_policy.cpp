// tristar-bridge's connection policy and log rate limit, pure (bridge/connection_policy.h,
// gateway/base/rate_limiter.h): whom a new connection evicts, when a connection times out, and how
// many lines a flood of one event leaves in the log.
#include <doctest/doctest.h>

#include <vector>

#include "gateway/base/log_limit.h"
#include "gateway/base/rate_limiter.h"
#include "gateway/bridge/connection_policy.h"

using namespace std::chrono_literals;
using namespace tristar::bridge;
using tristar::RateLimiter;

namespace {

const SteadyTime t0{};

ConnectionLimits limits(std::size_t total, std::size_t per_address) {
    return {total, per_address, 60000ms, 5000ms};
}

}  // namespace

TEST_CASE("policy: below both caps nothing is evicted") {
    const std::vector<ConnectionActivity> open{{1, "10.0.0.1", t0, {}}, {2, "10.0.0.2", t0, {}}};
    const auto a = admit(open, "10.0.0.3", limits(3, 2));
    CHECK_FALSE(a.evict);
}

TEST_CASE("policy: a full table evicts the longest-idle connection, not the newest") {
    const std::vector<ConnectionActivity> open{
        {1, "10.0.0.1", t0 + 5s, {}}, {2, "10.0.0.2", t0 + 1s, {}}, {3, "10.0.0.3", t0 + 9s, {}}};
    const auto a = admit(open, "10.0.0.4", limits(3, 3));
    REQUIRE(a.evict);
    CHECK(*a.evict == 2);
    CHECK_FALSE(a.per_address);
}

TEST_CASE("policy: a connection that never sent a request goes before a quieter master") {
    // The master (1) last asked 5 s ago; the silent connections arrived after that.
    const std::vector<ConnectionActivity> open{{1, "10.0.0.1", t0, {}, true},
                                               {2, "10.0.0.2", t0 + 6s, {}, false},
                                               {3, "10.0.0.2", t0 + 7s, t0 + 7s, false},
                                               {4, "10.0.0.3", t0 + 1s, {}, true}};
    CHECK(admit(open, "10.0.0.4", limits(4, 4)).evict == 2u);
    // Among masters that all asked something, the longest idle.
    const std::vector<ConnectionActivity> masters{{1, "10.0.0.1", t0 + 2s, {}, true},
                                                  {4, "10.0.0.3", t0 + 1s, {}, true}};
    CHECK(admit(masters, "10.0.0.4", limits(2, 2)).evict == 4u);
}

TEST_CASE("policy: of two equally idle connections the older goes") {
    const std::vector<ConnectionActivity> open{{7, "10.0.0.1", t0, {}}, {4, "10.0.0.2", t0, {}}};
    CHECK(admit(open, "10.0.0.3", limits(2, 2)).evict == 4u);
}

TEST_CASE("policy: an address at its cap evicts its own longest-idle, never another host's") {
    // Host .9 has the idlest connection of all, but host .1 is the one over its share.
    const std::vector<ConnectionActivity> open{
        {1, "10.0.0.9", t0, {}}, {2, "10.0.0.1", t0 + 3s, {}}, {3, "10.0.0.1", t0 + 2s, {}}};
    const auto a = admit(open, "10.0.0.1", limits(64, 2));
    REQUIRE(a.evict);
    CHECK(*a.evict == 3);
    CHECK(a.per_address);
}

TEST_CASE("policy: a per-address cap above the total acts as the total") {
    const std::vector<ConnectionActivity> open{{1, "10.0.0.1", t0 + 1s, {}},
                                               {2, "10.0.0.1", t0, {}}};
    const auto a = admit(open, "10.0.0.1", limits(2, 16));
    CHECK(a.evict == 2u);
}

TEST_CASE("policy: idle and partial-frame timeouts") {
    const auto l = limits(64, 16);
    const ConnectionActivity quiet{1, "a", t0, {}};
    CHECK(expiry(quiet, l, t0 + 59999ms) == Expiry::none);
    CHECK(expiry(quiet, l, t0 + 60s) == Expiry::idle);
    CHECK(deadline(quiet, l) == t0 + 60s);
    const ConnectionActivity half{2, "a", t0 + 10s, t0 + 8s};
    CHECK(expiry(half, l, t0 + 12999ms) == Expiry::none);
    CHECK(expiry(half, l, t0 + 13s) == Expiry::partial_frame);
    CHECK(deadline(half, l) == t0 + 13s);
}

TEST_CASE("policy: an idle timeout of 0 never closes a quiet connection") {
    auto l = limits(64, 16);
    l.idle_timeout = 0ms;
    const ConnectionActivity quiet{1, "a", t0, {}};
    CHECK(expiry(quiet, l, t0 + 24h) == Expiry::none);
    CHECK_FALSE(deadline(quiet, l));
    const ConnectionActivity half{1, "a", t0, t0};
    CHECK(expiry(half, l, t0 + 5s) == Expiry::partial_frame);
}

TEST_CASE("rate limiter: a flood is its first line and one summary per interval") {
    RateLimiter limiter(2, 60s);
    int logged = 0;
    for (int i = 0; i < 500; ++i) logged += limiter.record(0, t0 + i * 10ms) ? 1 : 0;
    CHECK(logged == 1);
    CHECK(limiter.due(t0 + 59s).empty());
    REQUIRE(limiter.next_due() == t0 + 60s);
    const auto summaries = limiter.due(t0 + 60s);
    REQUIRE(summaries.size() == 1);
    CHECK(summaries[0].cause == 0);
    CHECK(summaries[0].suppressed == 499);
    CHECK(summaries[0].total == 500);
    CHECK(limiter.total(1) == 0);
}

TEST_CASE("rate limiter: causes are limited separately") {
    RateLimiter limiter(2, 60s);
    CHECK(limiter.record(0, t0));
    CHECK(limiter.record(1, t0 + 1s));
    CHECK_FALSE(limiter.record(0, t0 + 2s));
    CHECK_FALSE(limiter.record(1, t0 + 3s));
}

TEST_CASE("rate limiter: during a flood, one line per interval; after a quiet one, in full") {
    RateLimiter limiter(1, 60s);
    CHECK(limiter.record(0, t0));
    CHECK_FALSE(limiter.record(0, t0 + 30s));
    CHECK(limiter.due(t0 + 60s).size() == 1);
    // The next interval runs from the summary: still suppressed, summarised 60 s later.
    CHECK_FALSE(limiter.record(0, t0 + 70s));
    CHECK(limiter.due(t0 + 100s).empty());
    CHECK(limiter.due(t0 + 120s).size() == 1);
    // A whole quiet interval: nothing to say, and the next occurrence is logged in full.
    CHECK(limiter.due(t0 + 180s).empty());
    CHECK_FALSE(limiter.next_due());
    CHECK(limiter.record(0, t0 + 200s));
    CHECK(limiter.total(0) == 4);
}

TEST_CASE("log limit: the first line of a window is logged, the rest counted until it ends") {
    tristar::LogLimit limit("[test] lines", 60s);
    CHECK(limit.allow(t0));
    for (int i = 1; i < 100; ++i) CHECK_FALSE(limit.allow(t0 + i * 100ms));
    limit.flush(t0 + 59s);  // the window is still open: nothing yet
    CHECK_FALSE(limit.allow(t0 + 59s));
    limit.flush(t0 + 61s);  // summarised; the next window starts
    CHECK_FALSE(limit.allow(t0 + 62s));
    limit.flush(t0 + 122s);  // summarised again
    limit.flush(t0 + 200s);  // a quiet window ends the limit
    CHECK(limit.allow(t0 + 201s));
}
