#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "gateway/daemon/scheduler.h"

using namespace std::chrono_literals;
using tristar::gateway::ClientId;
using tristar::gateway::Clock;
using tristar::gateway::Job;
using tristar::gateway::Lane;
using tristar::gateway::Scheduler;
using tristar::gateway::Ticket;

// Failed order checks print the orders, not {?}.
namespace doctest {
template <>
struct StringMaker<std::vector<Ticket>> {
    static String convert(const std::vector<Ticket>& tickets) {
        std::string text = "{";
        for (const Ticket t : tickets) text += (text.size() > 1 ? ", " : "") + std::to_string(t);
        return String((text + "}").c_str());
    }
};
}  // namespace doctest

namespace {

// A fake clock: time points are built from the epoch, nothing reads the real time.
const Clock::time_point t0{};

Job job(Ticket ticket, const ClientId& client, Lane lane = Lane::poll,
        Clock::duration deadline = 10s) {
    return Job{ticket, client, lane, t0 + deadline};
}

void submit_all(Scheduler& scheduler, const std::vector<Job>& jobs) {
    for (const Job& j : jobs) REQUIRE(scheduler.submit(j) == Scheduler::Admission::queued);
}

std::vector<Ticket> tickets(const std::vector<Job>& jobs) {
    std::vector<Ticket> result;
    for (const Job& j : jobs) result.push_back(j.ticket);
    return result;
}

// Serves everything, in serving order.
std::vector<Ticket> drain(Scheduler& scheduler) {
    std::vector<Ticket> order;
    while (auto next = scheduler.next()) order.push_back(next->ticket);
    CHECK(scheduler.empty());
    return order;
}

}  // namespace

TEST_CASE("scheduler: an empty scheduler serves nothing") {
    Scheduler scheduler(4);
    CHECK_FALSE(scheduler.next().has_value());
    CHECK(scheduler.expire(t0 + 1h).empty());
    CHECK_FALSE(scheduler.earliest_deadline().has_value());
    CHECK(scheduler.size() == 0);
    CHECK(scheduler.depths().empty());
}

TEST_CASE("scheduler: next returns the job as submitted") {
    Scheduler scheduler(4);
    REQUIRE(scheduler.submit(job(7, "ctl", Lane::interactive, 250ms)) ==
            Scheduler::Admission::queued);
    const auto served = scheduler.next();
    REQUIRE(served.has_value());
    CHECK(served->ticket == 7);
    CHECK(served->client == "ctl");
    CHECK(served->lane == Lane::interactive);
    CHECK(served->deadline == t0 + 250ms);
    CHECK(scheduler.empty());
}

TEST_CASE("scheduler: a write is served before reads queued earlier") {
    Scheduler scheduler(64);
    submit_all(scheduler, {job(1, "bridge", Lane::background), job(2, "publisher", Lane::poll),
                           job(3, "ctl", Lane::interactive), job(4, "ctl", Lane::write)});
    CHECK(drain(scheduler) == std::vector<Ticket>{4, 3, 2, 1});
}

TEST_CASE("scheduler: lanes are strict, even for work that arrives between calls") {
    Scheduler scheduler(64);
    submit_all(scheduler, {job(1, "a", Lane::background), job(2, "a", Lane::poll),
                           job(3, "b", Lane::poll), job(4, "b", Lane::interactive)});
    REQUIRE(scheduler.next()->ticket == 4);
    REQUIRE(scheduler.next()->ticket == 2);
    // A write arriving now overtakes the poll and background work still queued.
    REQUIRE(scheduler.submit(job(5, "c", Lane::write)) == Scheduler::Admission::queued);
    REQUIRE(scheduler.submit(job(6, "c", Lane::interactive)) == Scheduler::Admission::queued);
    CHECK(drain(scheduler) == std::vector<Ticket>{5, 6, 3, 1});
}

TEST_CASE("scheduler: a busy client cannot starve another in the same lane") {
    Scheduler scheduler(100);
    for (Ticket t = 1; t <= 50; ++t)
        REQUIRE(scheduler.submit(job(t, "busy")) == Scheduler::Admission::queued);
    REQUIRE(scheduler.submit(job(101, "quiet")) == Scheduler::Admission::queued);
    std::vector<Ticket> expected{1, 101};
    for (Ticket t = 2; t <= 50; ++t) expected.push_back(t);
    CHECK(drain(scheduler) == expected);
}

TEST_CASE("scheduler: round-robin across three clients, each FIFO") {
    Scheduler scheduler(64);
    submit_all(scheduler,
               {job(1, "a"), job(2, "a"), job(3, "a"), job(4, "b"), job(5, "b"), job(6, "c")});
    CHECK(drain(scheduler) == std::vector<Ticket>{1, 4, 6, 2, 5, 3});
}

TEST_CASE("scheduler: a client joining a lane waits behind the clients already in it") {
    Scheduler scheduler(64);
    submit_all(scheduler,
               {job(1, "a"), job(2, "a"), job(3, "a"), job(4, "b"), job(5, "b"), job(6, "b")});
    REQUIRE(scheduler.next()->ticket == 1);  // rotation is now b, a
    REQUIRE(scheduler.submit(job(7, "c")) == Scheduler::Admission::queued);
    CHECK(drain(scheduler) == std::vector<Ticket>{4, 2, 7, 5, 3, 6});
}

TEST_CASE("scheduler: round-robin is kept per lane") {
    Scheduler scheduler(64);
    submit_all(scheduler,
               {job(1, "a", Lane::poll), job(2, "a", Lane::poll), job(3, "b", Lane::interactive),
                job(4, "b", Lane::poll), job(5, "a", Lane::interactive)});
    // Interactive: b before a (b queued there first); poll: a before b.
    CHECK(drain(scheduler) == std::vector<Ticket>{3, 5, 1, 4, 2});
}

TEST_CASE("scheduler: jobs of one client in one lane are FIFO, not sorted by ticket") {
    Scheduler scheduler(64);
    submit_all(scheduler, {job(50, "a"), job(3, "a"), job(90, "a"), job(1, "a")});
    CHECK(drain(scheduler) == std::vector<Ticket>{50, 3, 90, 1});
}

TEST_CASE("scheduler: expire returns exactly the expired jobs, oldest deadline first") {
    Scheduler scheduler(64);
    submit_all(scheduler, {job(1, "a", Lane::poll, 30ms), job(2, "b", Lane::write, 10ms),
                           job(3, "a", Lane::poll, 20ms), job(4, "c", Lane::poll, 40ms),
                           job(5, "c", Lane::background, 10ms), job(6, "b", Lane::poll, 21ms)});
    // Equal deadlines come out in submission order; a deadline equal to now has expired.
    CHECK(tickets(scheduler.expire(t0 + 20ms)) == std::vector<Ticket>{2, 5, 3});
    CHECK(scheduler.size() == 3);
    CHECK(scheduler.expire(t0 + 20ms).empty());
    CHECK(scheduler.earliest_deadline() == t0 + 21ms);
    CHECK(tickets(scheduler.expire(t0 + 21ms - 1ns)).empty());
    CHECK(drain(scheduler) == std::vector<Ticket>{1, 4, 6});  // poll rotation: a, c, b
}

TEST_CASE("scheduler: next never yields a job that expired") {
    Scheduler scheduler(64);
    submit_all(scheduler, {job(1, "a", Lane::write, 5ms), job(2, "a", Lane::write, 50ms),
                           job(3, "b", Lane::poll, 5ms), job(4, "b", Lane::poll, 60ms)});
    const auto expired = scheduler.expire(t0 + 5ms);
    CHECK(tickets(expired) == std::vector<Ticket>{1, 3});
    CHECK(expired[0].client == "a");
    CHECK(expired[1].lane == Lane::poll);
    CHECK(drain(scheduler) == std::vector<Ticket>{2, 4});
}

TEST_CASE("scheduler: a full client is answered busy and accepted again after a job leaves") {
    Scheduler scheduler(2);
    submit_all(scheduler, {job(1, "a", Lane::write), job(2, "a", Lane::poll, 5ms)});
    // The bound covers all lanes together.
    CHECK(scheduler.submit(job(3, "a", Lane::background)) == Scheduler::Admission::busy);
    CHECK(scheduler.submit(job(3, "a", Lane::write)) == Scheduler::Admission::busy);
    CHECK(scheduler.size() == 2);
    CHECK_FALSE(scheduler.remove(3));                                      // a busy job is not kept
    CHECK(scheduler.submit(job(4, "b")) == Scheduler::Admission::queued);  // others unaffected

    SUBCASE("after next") {
        REQUIRE(scheduler.next()->ticket == 1);
        CHECK(scheduler.submit(job(5, "a")) == Scheduler::Admission::queued);
        CHECK(scheduler.submit(job(6, "a")) == Scheduler::Admission::busy);
    }
    SUBCASE("after remove") {
        REQUIRE(scheduler.remove(2));
        CHECK(scheduler.submit(job(5, "a")) == Scheduler::Admission::queued);
        CHECK(scheduler.submit(job(6, "a")) == Scheduler::Admission::busy);
    }
    SUBCASE("after expire") {
        REQUIRE(tickets(scheduler.expire(t0 + 5ms)) == std::vector<Ticket>{2});
        CHECK(scheduler.submit(job(5, "a")) == Scheduler::Admission::queued);
        CHECK(scheduler.submit(job(6, "a")) == Scheduler::Admission::busy);
    }
    CHECK(scheduler.depth("a") == 2);
}

TEST_CASE("scheduler: remove takes one job and keeps the rotation consistent") {
    Scheduler scheduler(64);
    submit_all(scheduler, {job(1, "a"), job(2, "a"), job(3, "b"), job(4, "c"), job(5, "c")});
    CHECK(scheduler.remove(3));  // b's only job: b leaves the rotation
    CHECK_FALSE(scheduler.remove(3));
    CHECK_FALSE(scheduler.remove(99));
    CHECK(scheduler.remove(5));  // c still has work, so it keeps its place
    CHECK(scheduler.depths() == std::map<ClientId, std::size_t>{{"a", 2}, {"c", 1}});
    CHECK(drain(scheduler) == std::vector<Ticket>{1, 4, 2});
}

TEST_CASE("scheduler: remove of a middle job keeps FIFO for the rest") {
    Scheduler scheduler(64);
    submit_all(scheduler, {job(1, "a"), job(2, "a"), job(3, "a"), job(4, "a")});
    CHECK(scheduler.remove(2));
    CHECK(scheduler.remove(4));
    CHECK(drain(scheduler) == std::vector<Ticket>{1, 3});
}

TEST_CASE("scheduler: drop_client returns all its jobs and leaves no ghost") {
    Scheduler scheduler(64);
    submit_all(scheduler, {job(1, "a"), job(2, "a"), job(3, "a"), job(4, "a", Lane::write),
                           job(5, "b"), job(6, "b"), job(7, "c")});
    const auto dropped = scheduler.drop_client("a");
    CHECK(tickets(dropped) == std::vector<Ticket>{4, 1, 2, 3});
    CHECK(scheduler.depth("a") == 0);
    CHECK(scheduler.depths() == std::map<ClientId, std::size_t>{{"b", 2}, {"c", 1}});
    CHECK(scheduler.size() == 3);
    CHECK(scheduler.drop_client("a").empty());
    CHECK(scheduler.drop_client("nobody").empty());

    REQUIRE(scheduler.next()->ticket == 5);  // rotation is now c, b
    // a comes back: a fresh entry at the back, not its old place.
    REQUIRE(scheduler.submit(job(8, "a")) == Scheduler::Admission::queued);
    CHECK(drain(scheduler) == std::vector<Ticket>{7, 6, 8});
}

TEST_CASE("scheduler: earliest_deadline follows submits and removals") {
    Scheduler scheduler(64);
    submit_all(scheduler, {job(1, "a", Lane::poll, 30ms), job(2, "b", Lane::poll, 10ms),
                           job(3, "b", Lane::poll, 20ms), job(4, "c", Lane::write, 40ms)});
    CHECK(scheduler.earliest_deadline() == t0 + 10ms);
    REQUIRE(scheduler.remove(2));
    CHECK(scheduler.earliest_deadline() == t0 + 20ms);
    REQUIRE(scheduler.drop_client("b").size() == 1);
    CHECK(scheduler.earliest_deadline() == t0 + 30ms);
    REQUIRE(scheduler.next()->ticket == 4);
    CHECK(scheduler.earliest_deadline() == t0 + 30ms);
    REQUIRE(scheduler.next()->ticket == 1);
    CHECK_FALSE(scheduler.earliest_deadline().has_value());
}

TEST_CASE("scheduler: depth, depths, size and for_each agree") {
    Scheduler scheduler(64);
    submit_all(scheduler,
               {job(1, "a", Lane::write), job(2, "a", Lane::background), job(3, "b"), job(4, "a")});
    CHECK(scheduler.depth("a") == 3);
    CHECK(scheduler.depth("b") == 1);
    CHECK(scheduler.depth("z") == 0);
    CHECK(scheduler.size() == 4);
    Ticket sum = 0;
    std::size_t count = 0;
    scheduler.for_each([&](const Job& j) {
        sum += j.ticket;
        ++count;
    });
    CHECK(count == 4);
    CHECK(sum == 10);
}

TEST_CASE("scheduler: misuse is refused loudly") {
    CHECK_THROWS_AS(Scheduler(0), std::invalid_argument);
    Scheduler scheduler(4);
    REQUIRE(scheduler.submit(job(1, "a")) == Scheduler::Admission::queued);
    CHECK_THROWS_AS(scheduler.submit(job(1, "b")), std::invalid_argument);
    CHECK_THROWS_AS(scheduler.submit(job(2, "a", static_cast<Lane>(9))), std::invalid_argument);
    CHECK(scheduler.size() == 1);
    CHECK(scheduler.depth("b") == 0);
}

TEST_CASE("scheduler: thousands of jobs are served fairly, FIFO, and all of them") {
    constexpr int clients = 100;
    constexpr int per_client = 100;
    Scheduler scheduler(per_client);
    for (int j = 0; j < per_client; ++j)
        for (int c = 0; c < clients; ++c) {
            const auto ticket = static_cast<Ticket>(c * per_client + j);
            const auto deadline = std::chrono::milliseconds(ticket % 2 == 0 ? 10 : 1000);
            REQUIRE(scheduler.submit(job(ticket, std::to_string(c), Lane::poll, deadline)) ==
                    Scheduler::Admission::queued);
        }
    REQUIRE(scheduler.size() == clients * per_client);
    CHECK(scheduler.expire(t0 + 10ms).size() == clients * per_client / 2);
    // The odd tickets remain: one per client per round, clients in order, each FIFO.
    const auto order = drain(scheduler);
    REQUIRE(order.size() == clients * per_client / 2);
    for (std::size_t i = 0; i < order.size(); ++i) {
        const auto client = i % clients;
        const auto round = i / clients;
        CHECK(order[i] == client * per_client + 2 * round + 1);
    }
}
