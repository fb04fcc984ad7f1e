#pragma once
// LinkState: whether the TriStar answers through the gateway, judged by the live reads, and the
// timing that follows from the gateway's read budget (Status.read_budget_ms): how long a request
// may take, when the values go stale, when the service leaves the bus. The link is up from the
// first live read that succeeds until no live read succeeds for stale_after(), or the gateway
// says it has no link to the TriStar. Pure: values and a clock, no I/O but its log lines.
#include <chrono>

#include "publisher/config.h"
#include "publisher/poll_plan.h"

namespace tristar::publisher {

class LinkState {
  public:
    // Keeps a reference to `config`: it must outlive this.
    explicit LinkState(const PublisherConfig& config);

    bool connected() const { return connected_; }
    // A live read is given this long: every retry the gateway makes of it fits.
    milliseconds request_deadline() const;
    // Beyond this the gateway is gone or stuck (gateway_requests.h).
    milliseconds give_up_after() const;
    milliseconds stale_after() const;

    // Up, but no live read succeeded for stale_after().
    bool stale(SteadyTime now) const;
    // Down for the config's release_after.
    bool release_due(SteadyTime now) const;
    // The earlier of `next` and the moment stale() or, while `on_bus`, release_due() turns true.
    SteadyTime next_check(SteadyTime next, bool on_bus) const;

    void live_read(SteadyTime now) { last_live_ok_ = now; }
    // Returns true when the link comes back after a loss: the device may have been reset or
    // replaced since.
    bool set_connected(bool connected, SteadyTime now);
    // The gateway's status names its read budget; true when it changed (logged).
    bool learn_read_budget(milliseconds budget);

  private:
    const PublisherConfig& config_;
    bool connected_ = false;     // the live block was read: the gateway and the TriStar answer
    SteadyTime last_live_ok_{};  // the last live read that succeeded
    SteadyTime down_since_{};    // when connected_ last went false
    milliseconds read_budget_;   // the gateway's Status.read_budget_ms
    bool had_link_ = false;      // connected at least once since start
};

}  // namespace tristar::publisher
