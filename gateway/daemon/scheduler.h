#pragma once
// Scheduler: decides which queued request goes on the wire next (design.md 3.3).
//
// Pure: no I/O, no clock of its own; every time-dependent call takes `now`. Exactly one
// transaction is on the wire at a time, so the caller asks for `next()` only when the link is idle.
// Order: lanes by priority (writes first), round-robin across clients within a lane, FIFO
// within a client's lane. Queues are bounded per client (all lanes together).
// Every call is O(log n) in the number of queued jobs (plus what it returns), so a flood of
// thousands of queued reads costs the front loop nothing noticeable.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace tristar::gateway {

using Clock = std::chrono::steady_clock;
using ClientId = std::string;  // the ROUTER routing id, as bytes
using Ticket = std::uint64_t;  // the caller's handle on a queued request

// Lanes in the order they are served.
enum class Lane : std::uint8_t { write = 0, interactive = 1, poll = 2, background = 3 };
inline constexpr std::size_t lane_count = 4;

struct Job {
    Ticket ticket = 0;
    ClientId client;
    Lane lane = Lane::interactive;
    Clock::time_point deadline;
};

class Scheduler {
public:
    // Throws std::invalid_argument when max_queue_per_client is 0 (nothing could ever queue).
    explicit Scheduler(std::size_t max_queue_per_client);
    // Not copyable: the indexes hold iterators into the queues. Moving keeps them valid.
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;
    Scheduler(Scheduler&&) = default;
    Scheduler& operator=(Scheduler&&) = default;

    enum class Admission { queued, busy };
    // busy (and the job not kept) when the client already has max_queue_per_client jobs queued.
    // A ticket must not be queued twice and the lane must be a Lane value (std::invalid_argument).
    Admission submit(Job job);

    // Puts back a job that was already admitted (a retry): at the head of its client's lane,
    // and its client at the head of the lane's rotation: it is served next in its lane. Not
    // bounded by max_queue_per_client: the job held its place before.
    void submit_front(Job job);

    // Removes and returns, oldest deadline first, every queued job whose deadline is <= now.
    std::vector<Job> expire(Clock::time_point now);

    // Removes and returns the job to serve next, or nothing when every queue is empty.
    // Call expire(now) first: next() does not look at deadlines.
    std::optional<Job> next();

    // Removes one queued job (e.g. merged into another transaction); false if not queued.
    bool remove(Ticket ticket);

    // Removes and returns every job of a client (the client went away), lane by lane, FIFO.
    std::vector<Job> drop_client(const ClientId& client);

    std::optional<Clock::time_point> earliest_deadline() const;
    std::size_t depth(const ClientId& client) const;
    std::map<ClientId, std::size_t> depths() const;  // clients with at least one queued job
    std::size_t size() const;
    bool empty() const { return size() == 0; }

    // Queued jobs in serving order is not needed; this visits all queued jobs (any order).
    template <typename Fn>
    void for_each(Fn&& fn) const;

private:
    using Rotation = std::list<ClientId>;  // clients with work in a lane, next first
    struct ClientQueues {
        std::list<Job> lanes[lane_count];     // FIFO; a list so remove/expire unlink in O(1)
        Rotation::iterator turn[lane_count];  // place in rotation_, valid while the lane has jobs
        std::size_t total = 0;
    };
    using Clients = std::map<ClientId, ClientQueues>;
    // multimap keeps equal deadlines in submission order, so expire() is stable.
    using Deadlines = std::multimap<Clock::time_point, Ticket>;
    struct Slot {  // where a ticket's job lives in every index
        Clients::iterator client;
        std::size_t lane;
        std::list<Job>::iterator job;
        Deadlines::iterator deadline;
    };
    using Slots = std::unordered_map<Ticket, Slot>;

    Job take(Slots::iterator slot);  // unlinks a job from every index
    void link(Job job, bool front);

    std::size_t max_per_client_;
    Clients clients_;  // only clients with at least one queued job
    Rotation rotation_[lane_count];
    Deadlines deadlines_;
    Slots slots_;
};

template <typename Fn>
void Scheduler::for_each(Fn&& fn) const {
    for (const auto& [id, queues] : clients_)
        for (const auto& lane : queues.lanes)
            for (const auto& job : lane) fn(job);
}

}  // namespace tristar::gateway
