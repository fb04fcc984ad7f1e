#pragma once
// Load generators for the mixed-load and write-flood benchmarks: each Actor owns one gateway
// client (its own DEALER socket and client name) and one thread polls them all (run_actors).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>
#include <zmq.hpp>

#include "gateway/client/client.h"
#include "tests/bench/stats.h"

namespace tristar::bench {

namespace v1 = tristar::gateway::v1;
using Clock = std::chrono::steady_clock;

// What an actor saw of its replies.
struct Tally {
    std::uint64_t sent = 0;
    std::uint64_t replies = 0;
    std::uint64_t from_cache = 0;
    std::uint64_t errors = 0;
    std::string last_error;
};

class Actor {
  public:
    Actor(zmq::context_t& context, client::Options options)
        : client_(context, std::move(options)) {}
    virtual ~Actor() = default;
    Actor(const Actor&) = delete;
    Actor& operator=(const Actor&) = delete;

    client::GatewayClient& client() { return client_; }
    const Tally& tally() const { return tally_; }
    // When on_due wants to run next; time_point::max() for never.
    virtual Clock::time_point next_due() const = 0;
    virtual void on_due(Clock::time_point now) = 0;
    void on_reply(const v1::Reply& reply, Clock::time_point now);

  protected:
    std::uint64_t send(v1::Request request, Clock::time_point now);
    // Called for each reply after the tally; `rtt` is the client-side round trip.
    virtual void replied(const v1::Reply& /*reply*/, std::chrono::nanoseconds /*rtt*/) {}

  private:
    client::GatewayClient client_;
    Tally tally_;
    std::unordered_map<std::uint64_t, Clock::time_point> sent_at_;
};

// A register read as the benchmarks send it.
v1::Request read_request(std::uint16_t address, std::uint16_t count, std::uint32_t max_age_ms);

// Sends `request` every `period`, starting at `first`.
class PeriodicReader : public Actor {
  public:
    PeriodicReader(zmq::context_t& context, client::Options options, v1::Request request,
                   std::chrono::milliseconds period, Clock::time_point first);
    Clock::time_point next_due() const override { return due_; }
    void on_due(Clock::time_point now) override;

  private:
    v1::Request request_;
    std::chrono::milliseconds period_;
    Clock::time_point due_;
};

// Keeps `depth` fresh reads in flight from the start; records each reply's device time.
class FloodReader : public Actor {
  public:
    FloodReader(zmq::context_t& context, client::Options options, v1::Request request, int depth);
    Clock::time_point next_due() const override;
    void on_due(Clock::time_point now) override;
    const Samples& device_us() const { return device_us_; }
    void stop_sending() { stopped_ = true; }

  protected:
    void replied(const v1::Reply& reply, std::chrono::nanoseconds rtt) override;

  private:
    v1::Request request_;
    int depth_;
    bool started_ = false;
    bool stopped_ = false;
    Samples device_us_;
};

// Writes coil `coil` ON, OFF, ON... one at a time, each `interval` plus a pseudo-random part of
// it after the previous reply (so writes land at every phase of the transaction in flight).
class CoilWriter : public Actor {
  public:
    CoilWriter(zmq::context_t& context, client::Options options, std::uint16_t coil,
               std::chrono::milliseconds interval, int writes, Clock::time_point first);
    Clock::time_point next_due() const override;
    void on_due(Clock::time_point now) override;
    bool done() const { return static_cast<int>(tally().replies) >= writes_; }
    // Round trip minus the write's own device time, per write.
    const Samples& wait_us() const { return wait_us_; }
    const Samples& rtt_us() const { return rtt_us_; }

  protected:
    void replied(const v1::Reply& reply, std::chrono::nanoseconds rtt) override;

  private:
    std::uint16_t coil_;
    std::chrono::milliseconds interval_;
    int writes_;
    bool waiting_ = false;
    Clock::time_point due_;
    std::uint32_t rng_ = 12345;
    Samples wait_us_;
    Samples rtt_us_;
};

// Polls every actor's socket until `until` (or earlier, once `stop` returns true), calling
// on_due and on_reply. Bounded by `until` whatever the actors do.
void run_actors(const std::vector<Actor*>& actors, Clock::time_point until,
                const std::function<bool()>& stop = {});

// Takes the replies still due to `actors`, sending nothing, until all came or `until`.
void drain_actors(const std::vector<Actor*>& actors, Clock::time_point until);

}  // namespace tristar::bench
