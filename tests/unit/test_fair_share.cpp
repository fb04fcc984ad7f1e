// The scheduler's fair-share queue: a read that has waited fair_after is served before every
// lane, round robin across clients, so one client's full interactive lane cannot starve another
// client's polls or background reads.
#include <doctest/doctest.h>

#include <chrono>
#include <vector>

#include "gateway/daemon/scheduler.h"

using namespace std::chrono_literals;
using namespace tristar::gateway;

namespace {

const Clock::time_point t0{};

Job job(Ticket ticket, const ClientId& client, Lane lane, Clock::time_point queued) {
    return Job{ticket, client, lane, queued + 60s, queued};
}

// The clients of the next `n` jobs served at `now` (promoting first, as the link does).
std::vector<ClientId> serve(Scheduler& scheduler, Clock::time_point now, int n) {
    std::vector<ClientId> served;
    for (int i = 0; i < n; ++i) {
        scheduler.promote(now);
        const auto next = scheduler.next();
        if (!next) break;
        served.push_back(next->client);
    }
    return served;
}

}  // namespace

TEST_CASE(
    "strict lanes starve a background reader while another client keeps its interactive lane "
    "full") {
    Scheduler strict(64);  // fair share off
    REQUIRE(strict.submit(job(1, "bridge", Lane::background, t0)) == Scheduler::Admission::queued);
    Ticket ticket = 100;
    for (int i = 0; i < 32; ++i) strict.submit(job(ticket++, "script", Lane::interactive, t0));
    for (int i = 0; i < 200; ++i) {  // the script refills as it is served
        const auto next = strict.next();
        REQUIRE(next);
        CHECK(next->client == "script");
        strict.submit(job(ticket++, "script", Lane::interactive, t0 + 1ms * i));
    }
}

TEST_CASE("a read that waited fair_after is served before the lanes, round robin across clients") {
    Scheduler fair(64, 500ms);
    fair.submit(job(1, "bridge", Lane::background, t0));
    fair.submit(job(2, "bridge", Lane::background, t0 + 15ms));
    for (Ticket t = 100; t < 132; ++t) fair.submit(job(t, "script", Lane::interactive, t0 + 10ms));
    // Before the bridge's reads have waited 500 ms the lanes decide.
    CHECK(serve(fair, t0 + 499ms, 3) == std::vector<ClientId>{"script", "script", "script"});
    // At 500 ms the bridge's first read is promoted and served; by 520 ms the script's reads
    // (queued at 10 ms) and the bridge's second (15 ms) are too, and the clients alternate.
    CHECK(serve(fair, t0 + 500ms, 1) == std::vector<ClientId>{"bridge"});
    CHECK(serve(fair, t0 + 520ms, 4) ==
          std::vector<ClientId>{"script", "bridge", "script", "script"});
}

TEST_CASE("writes still go first, and a retried read keeps its promoted place") {
    Scheduler fair(64, 500ms);
    fair.submit(job(1, "publisher", Lane::poll, t0));
    fair.submit(job(2, "script", Lane::interactive, t0 + 100ms));
    CHECK(fair.promote(t0 + 600ms) == 2);
    fair.submit(job(3, "ctl", Lane::write, t0 + 600ms));
    auto first = fair.next();
    REQUIRE(first);
    CHECK(first->ticket == 3);
    auto second = fair.next();
    REQUIRE(second);
    CHECK(second->ticket == 1);
    fair.submit_front(*second, t0 + 700ms);  // its try failed: back at the head of the fair queue
    CHECK(fair.promote(t0 + 700ms) == 0);
    auto third = fair.next();
    REQUIRE(third);
    CHECK(third->ticket == 1);
}

TEST_CASE("promotion follows arrival order and never counts a job twice") {
    Scheduler fair(64, 100ms);
    fair.submit(job(1, "a", Lane::background, t0 + 30ms));
    fair.submit(job(2, "b", Lane::poll, t0));
    fair.submit(job(3, "c", Lane::interactive, t0 + 60ms));
    CHECK(fair.promote(t0 + 129ms) == 1);
    CHECK(fair.promote(t0 + 129ms) == 0);
    CHECK(fair.promote(t0 + 200ms) == 2);
    CHECK(fair.size() == 3);
    // Served round robin in the order the clients were promoted: b, then a, then c.
    CHECK(serve(fair, t0 + 200ms, 3) == std::vector<ClientId>{"b", "a", "c"});
    CHECK(fair.empty());
}

TEST_CASE("removing, expiring and dropping a client also forget the waiting index") {
    Scheduler fair(64, 100ms);
    fair.submit(job(1, "a", Lane::poll, t0));
    fair.submit(job(2, "a", Lane::poll, t0));
    fair.submit(job(3, "b", Lane::poll, t0));
    CHECK(fair.remove(1));
    CHECK(fair.drop_client("b").size() == 1);
    CHECK(fair.promote(t0 + 1s) == 1);
    CHECK(fair.expire(t0 + 2min).size() == 1);
    CHECK(fair.promote(t0 + 3min) == 0);
    CHECK(fair.empty());
}
