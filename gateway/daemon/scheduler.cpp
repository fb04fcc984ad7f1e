#include "gateway/daemon/scheduler.h"

#include <iterator>
#include <stdexcept>
#include <utility>

namespace tristar::gateway {

namespace {

std::size_t lane_index(Lane lane) {
    const auto index = static_cast<std::size_t>(lane);
    // The lane usually comes from a protobuf enum cast; an unknown value must not index past
    // the lane arrays.
    if (index >= lane_count) throw std::invalid_argument("scheduler: unknown lane");
    return index;
}

}  // namespace

std::size_t Scheduler::queue_of(Lane lane) {
    const std::size_t index = lane_index(lane);
    return index == 0 ? 0 : index + 1;  // the fair-share queue sits between writes and lanes
}

Scheduler::Scheduler(std::size_t max_queue_per_client, std::chrono::milliseconds fair_after)
    : max_per_client_(max_queue_per_client), fair_after_(fair_after) {
    if (max_per_client_ == 0) throw std::invalid_argument("scheduler: max_queue_per_client is 0");
}

Scheduler::Admission Scheduler::submit(Job job) {
    (void)lane_index(job.lane);
    if (slots_.contains(job.ticket))
        throw std::invalid_argument("scheduler: ticket already queued");
    const auto client = clients_.find(job.client);
    if (client != clients_.end() && client->second.total >= max_per_client_) return Admission::busy;
    link(std::move(job), false, false);
    return Admission::queued;
}

void Scheduler::submit_front(Job job, std::optional<Clock::time_point> now) {
    (void)lane_index(job.lane);
    if (slots_.contains(job.ticket))
        throw std::invalid_argument("scheduler: ticket already queued");
    const bool promoted = fair_after_.count() > 0 && job.lane != Lane::write && now &&
                          job.queued + fair_after_ <= *now;
    link(std::move(job), true, promoted);
}

std::size_t Scheduler::promote(Clock::time_point now) {
    std::size_t moved = 0;
    while (!waiting_.empty() && waiting_.begin()->first + fair_after_ <= now) {
        Job job = take(slots_.find(waiting_.begin()->second));
        link(std::move(job), false, true);
        ++moved;
    }
    return moved;
}

void Scheduler::link(Job job, bool front, bool promoted) {
    const std::size_t lane = promoted ? fair_queue : queue_of(job.lane);
    auto client = clients_.try_emplace(job.client).first;
    ClientQueues& queues = client->second;
    auto& fifo = queues.lanes[lane];
    // A client joining a lane goes to the back of the rotation, behind everybody waiting; a
    // retry, with its client, to the front.
    auto& rotation = rotation_[lane];
    if (fifo.empty())
        queues.turn[lane] = rotation.insert(front ? rotation.begin() : rotation.end(), job.client);
    else if (front)
        rotation.splice(rotation.begin(), rotation, queues.turn[lane]);
    const Ticket ticket = job.ticket;
    const auto deadline = deadlines_.emplace(job.deadline, ticket);
    std::optional<Waiting::iterator> waiting;
    if (fair_after_.count() > 0 && !promoted && job.lane != Lane::write)
        waiting = waiting_.emplace(job.queued, ticket);
    const auto where = fifo.insert(front ? fifo.begin() : fifo.end(), std::move(job));
    slots_.emplace(ticket, Slot{client, lane, where, deadline, waiting});
    ++queues.total;
}

Job Scheduler::take(Slots::iterator where) {
    const Slot slot = where->second;
    slots_.erase(where);
    deadlines_.erase(slot.deadline);
    if (slot.waiting) waiting_.erase(*slot.waiting);
    ClientQueues& queues = slot.client->second;
    auto& fifo = queues.lanes[slot.lane];
    Job job = std::move(*slot.job);
    fifo.erase(slot.job);
    if (fifo.empty()) rotation_[slot.lane].erase(queues.turn[slot.lane]);
    // Forget idle clients: depths() lists only clients with work, and ids do not pile up.
    if (--queues.total == 0) clients_.erase(slot.client);
    return job;
}

std::vector<Job> Scheduler::expire(Clock::time_point now) {
    std::vector<Job> expired;
    while (!deadlines_.empty() && deadlines_.begin()->first <= now)
        expired.push_back(take(slots_.find(deadlines_.begin()->second)));
    return expired;
}

std::optional<Job> Scheduler::next() {
    for (std::size_t lane = 0; lane < queue_count; ++lane) {
        Rotation& rotation = rotation_[lane];
        if (rotation.empty()) continue;
        const ClientQueues& queues = clients_.find(rotation.front())->second;
        const Ticket ticket = queues.lanes[lane].front().ticket;
        // The served client moves to the back; take() drops it if this was its last job here.
        rotation.splice(rotation.end(), rotation, rotation.begin());
        return take(slots_.find(ticket));
    }
    return std::nullopt;
}

bool Scheduler::remove(Ticket ticket) {
    const auto where = slots_.find(ticket);
    if (where == slots_.end()) return false;
    take(where);
    return true;
}

std::vector<Job> Scheduler::drop_client(const ClientId& client) {
    std::vector<Job> dropped;
    const auto found = clients_.find(client);
    if (found == clients_.end()) return dropped;
    std::vector<Ticket> tickets;
    for (const auto& fifo : found->second.lanes)
        for (const auto& job : fifo) tickets.push_back(job.ticket);
    // take() erases the client entry with its last job, so iterate over the copied tickets.
    dropped.reserve(tickets.size());
    for (const Ticket ticket : tickets) dropped.push_back(take(slots_.find(ticket)));
    return dropped;
}

std::optional<Clock::time_point> Scheduler::earliest_deadline() const {
    if (deadlines_.empty()) return std::nullopt;
    return deadlines_.begin()->first;
}

std::size_t Scheduler::depth(const ClientId& client) const {
    const auto found = clients_.find(client);
    return found == clients_.end() ? 0 : found->second.total;
}

std::map<ClientId, std::size_t> Scheduler::depths() const {
    std::map<ClientId, std::size_t> result;
    for (const auto& [id, queues] : clients_) result.emplace_hint(result.end(), id, queues.total);
    return result;
}

std::size_t Scheduler::size() const {
    return slots_.size();
}

}  // namespace tristar::gateway
