#pragma once
// Admission: what happens to a client's frame before it may queue (design.md 4): parsed, sized,
// validated, judged by the write policy, its client remembered for status. Every refusal is an
// answer the client gets at once; nothing refused reaches the scheduler or the device.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "gateway/daemon/client_table.h"
#include "gateway/daemon/config.h"
#include "gateway/daemon/health.h"
#include "gateway/daemon/pending.h"
#include "gateway/daemon/validation.h"
#include "gateway/daemon/write_policy.h"

namespace tristar::gateway {

class Admission {
  public:
    // `has_queued` tells which clients have work queued: those are never forgotten.
    using HasQueued = std::function<bool(const ClientId&)>;
    Admission(const Config& config, FrontCounters& counters, HasQueued has_queued);

    struct Drop {};        // not a Request at all: nobody to answer
    struct StatusWanted {  // answer with the gateway's status
        std::uint64_t id = 0;
    };
    using Verdict = std::variant<Drop, v1::Reply, StatusWanted, Pending>;
    // The verdict on one frame; `pending` in the result (or the refusal) carries `envelope`.
    // `authenticated_as`: the client's identity when it authenticated (zap.h); it then replaces
    // the request's client_name for the write policy, the log and status.
    Verdict admit(const std::vector<std::string>& envelope, std::span<const std::uint8_t> payload,
                  Clock::time_point now,
                  const std::optional<std::string>& authenticated_as = std::nullopt);

    // Clients seen lately, at most max_remembered_clients (every ctl run is a new one).
    const std::unordered_map<ClientId, ClientInfo>& clients() const { return clients_.clients(); }
    static constexpr std::size_t max_remembered_clients = 256;

  private:
    v1::Reply refusal(const v1::Request& request, v1::ErrorCode code, const std::string& message);

    const Config& config_;
    FrontCounters& counters_;
    HasQueued has_queued_;
    ValidationLimits limits_;
    WritePolicy write_policy_;
    ClientTable clients_{max_remembered_clients};
};

// How a write is logged: the values as the client sent them (not as a link would carry them),
// at most a few of a long FC16, e.g. "fc 16 address 88 values 1, 70000 (+198 more)".
std::string describe_write(const v1::Request& request);

// "a, b, c": the configured devices' names, for people.
std::string device_names(const std::vector<DeviceConfig>& devices);

}  // namespace tristar::gateway
