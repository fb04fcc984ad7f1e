#pragma once
// Scheduler: decides which queued request goes on the wire next (design.md 3.3).
//
// Pure: no I/O, no clock of its own; every time-dependent call takes `now`. Exactly one
// transaction is on the wire at a time, so the caller asks for `next()` only when the link is idle.
// Order: lanes by priority (writes first), round-robin across clients within a lane, FIFO
// within a client's lane. Queues are bounded per client (all lanes together).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
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
    explicit Scheduler(std::size_t max_queue_per_client);

    enum class Admission { queued, busy };
    // busy (and the job not kept) when the client already has max_queue_per_client jobs queued.
    Admission submit(Job job);

    // Removes and returns, oldest deadline first, every queued job whose deadline is <= now.
    std::vector<Job> expire(Clock::time_point now);

    // Removes and returns the job to serve next, or nothing when every queue is empty.
    // Call expire(now) first: next() does not look at deadlines.
    std::optional<Job> next();

    // Removes one queued job (e.g. merged into another transaction); false if not queued.
    bool remove(Ticket ticket);

    // Removes and returns every job of a client (the client went away).
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
    struct ClientQueues {
        std::deque<Job> lanes[lane_count];
        std::size_t total = 0;
    };
    std::size_t max_per_client_;
    std::map<ClientId, ClientQueues> clients_;
    std::deque<ClientId> rotation_[lane_count];  // clients with work in the lane, next first
    std::size_t size_ = 0;
};

template <typename Fn>
void Scheduler::for_each(Fn&& fn) const {
    for (const auto& [id, queues] : clients_)
        for (const auto& lane : queues.lanes)
            for (const auto& job : lane) fn(job);
}

}  // namespace tristar::gateway
