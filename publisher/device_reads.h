#pragma once
// DeviceReads: what the publisher knows of the TriStar and how it keeps it current. The reads
// (poll_reads.h) go out when PollPlan says they are due; their answers fill the Snapshot the
// mapping publishes, and the gateway's status names the transport and the device; a read that
// keeps failing is logged once, and its recovery once (ReadFailures); a span the device refuses
// is split for good. From this it tells when the service's identity is known (identity_inputs()).
// The link's state is LinkState's: callers say whether it is up.
#include <optional>
#include <string>
#include <vector>

#include "gateway/client/client.h"
#include "publisher/config.h"
#include "publisher/device_status.h"
#include "publisher/gateway_requests.h"
#include "publisher/poll_plan.h"
#include "publisher/poll_reads.h"
#include "publisher/read_failures.h"
#include "publisher/service_identity.h"
#include "publisher/venus_mapping.h"
#include "publisher/venus_snapshot.h"

namespace tristar::publisher {

class DeviceReads {
  public:
    DeviceReads(const PublisherConfig& config, SteadyTime start);

    // Sends every read due at `now`.
    void send_due(GatewayRequests& requests, SteadyTime now);
    SteadyTime next_due() const { return plan_.next_due(); }

    // Stores a successful answer: false when it does not fit the read. The status is remembered:
    // what it says of this publisher's device (device_status.h); false when it does not list it.
    bool take(Poll poll, const v1::Reply& reply);
    // The gateway's read budget for this device, from its last status; 0 before one.
    milliseconds read_budget() const { return read_budget_; }
    // A read answered (`failure` empty) or failed, while the link is `connected` or not.
    void finished(Poll poll, const std::optional<client::Failure>& failure, bool connected,
                  SteadyTime now);
    // A read given up on with the gateway (gateway_requests.h).
    void given_up(Poll poll, SteadyTime now) { plan_.finished(poll, Outcome::failed, now); }
    // The link came back: who the device is gets read again.
    void reconnected(SteadyTime now) { plan_.reconnected(now); }
    // The link is down: measured values go invalid; identity (serial, model, firmware) stays.
    void forget_measurements();

    Snapshot& snapshot() { return snapshot_; }
    const Snapshot& snapshot() const { return snapshot_; }
    Mapping mapping() const { return map_snapshot(snapshot_, mapping_options_); }
    IdentityInputs identity_inputs() const;

  private:
    Outcome note_failure(Poll poll, const client::Failure& failure, bool connected);
    Outcome note_success(Poll poll);

    std::string device_;  // the gateway's name of the device; "": its first
    milliseconds max_age_;
    PollPlan plan_;
    ReadFailures failures_;  // persistent read failures: logged once each, and counted
    Snapshot snapshot_;
    MappingOptions mapping_options_;
    std::optional<std::string> device_uri_;  // the gateway's device, for a fallback id
    milliseconds read_budget_{0};
};

}  // namespace tristar::publisher
