#pragma once
// Scheduler: decides which queued request goes on the wire next (design.md 3.3).
//
// Pure: no I/O, no clock of its own; every time-dependent call takes `now`. Exactly one
// transaction is on the wire at a time, so the caller asks for `next()` only when the link is idle.
// Order: lanes by priority (writes first), round-robin across clients within a lane, FIFO
// within a client's lane. Queues are bounded per client (all lanes together).
//
// Fair share: lanes alone would let one client that keeps the interactive lane full starve
// every poller below it for ever. A read that has waited `fair_after` (promote()) moves to the
// fair-share queue, served after writes and before the lanes, round robin across clients: a
// client whose read has waited that long gets every other turn at worst (with two clients),
// however many requests the others keep queued, in any lane.
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
    Clock::time_point queued{};  // arrival: when it has waited fair_after, it is promoted
};

class Scheduler {
  public:
    // Throws std::invalid_argument when max_queue_per_client is 0 (nothing could ever queue).
    // A fair_after of 0 turns the fair-share queue off (strict lanes).
    explicit Scheduler(std::size_t max_queue_per_client,
                       std::chrono::milliseconds fair_after = std::chrono::milliseconds{0});
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
    // bounded by max_queue_per_client: the job held its place before. A read that had already
    // waited fair_after at `now` goes to the head of its client's fair-share queue instead.
    void submit_front(Job job, std::optional<Clock::time_point> now = std::nullopt);

    // Moves every read that has waited fair_after by `now` to the fair-share queue (oldest
    // first); returns how many moved. Call before next().
    std::size_t promote(Clock::time_point now);

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
    // Queues in serving order: writes, the fair-share queue, then the read lanes.
    static constexpr std::size_t queue_count = lane_count + 1;
    static constexpr std::size_t fair_queue = 1;
    static std::size_t queue_of(Lane lane);

    using Rotation = std::list<ClientId>;  // clients with work in a queue, next first
    struct ClientQueues {
        std::list<Job> lanes[queue_count];     // FIFO; a list so remove/expire unlink in O(1)
        Rotation::iterator turn[queue_count];  // place in rotation_, valid while the queue has jobs
        std::size_t total = 0;
    };
    using Clients = std::map<ClientId, ClientQueues>;
    // multimap keeps equal deadlines in submission order, so expire() is stable.
    using Deadlines = std::multimap<Clock::time_point, Ticket>;
    using Waiting = std::multimap<Clock::time_point, Ticket>;  // reads not yet promoted, by arrival
    struct Slot {  // where a ticket's job lives in every index
        Clients::iterator client;
        std::size_t lane;  // queue index
        std::list<Job>::iterator job;
        Deadlines::iterator deadline;
        std::optional<Waiting::iterator> waiting;
    };
    using Slots = std::unordered_map<Ticket, Slot>;

    Job take(Slots::iterator slot);  // unlinks a job from every index
    void link(Job job, bool front, bool promoted);

    std::size_t max_per_client_;
    std::chrono::milliseconds fair_after_;
    Clients clients_;  // only clients with at least one queued job
    Rotation rotation_[queue_count];
    Deadlines deadlines_;
    Waiting waiting_;
    Slots slots_;
};

template <typename Fn>
void Scheduler::for_each(Fn&& fn) const {
    for (const auto& [id, queues] : clients_)
        for (const auto& lane : queues.lanes)
            for (const auto& job : lane) fn(job);
}

}  // namespace tristar::gateway
