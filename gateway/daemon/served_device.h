#pragma once
// What the front keeps per configured device and per link (docs/architecture.md, "Several
// devices"). A device has its own cache and read-ahead (ReadPlanner), read path, failure log,
// health figures and answering state; a link has the mailbox to its worker, the LinkScheduler
// (the wire's time, and each device's queues and breaker), the one try on the wire and the
// worker's view of the wire. With one device there is one of each, as there always was.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/daemon/config.h"
#include "gateway/daemon/failure_log.h"
#include "gateway/daemon/health.h"
#include "gateway/daemon/in_flight.h"
#include "gateway/daemon/link_health.h"
#include "gateway/daemon/link_mailbox.h"
#include "gateway/daemon/link_scheduler.h"
#include "gateway/daemon/read_path.h"
#include "gateway/daemon/read_planner.h"

namespace tristar::gateway {

// Tries on the wire for one device, counted by the front from their results.
struct TryCounts {
    std::uint64_t transactions = 0;
    std::uint64_t timeouts = 0;
    std::uint64_t corrupt = 0;
};

struct ServedLink {
    ServedLink(std::string key_, LinkMailbox& mailbox_, LinkScheduler scheduler_)
        : key(std::move(key_)), mailbox(mailbox_), scheduler(std::move(scheduler_)) {}

    std::string key;  // link_key of its devices
    LinkMailbox& mailbox;
    LinkScheduler scheduler;
    std::vector<std::size_t> devices;  // indexes into the front's devices, in config order
    std::optional<InFlight> in_flight;
    std::size_t on_wire = 0;  // the device of in_flight
    LinkInfo info;            // the worker's, from its latest result
};

struct ServedDevice {
    // `named`: several devices are served, so log lines name this one.
    ServedDevice(const DeviceConfig& config_, std::size_t link_, std::size_t slot_, bool named);
    ServedDevice(const ServedDevice&) = delete;  // its read path holds references to its parts
    ServedDevice& operator=(const ServedDevice&) = delete;

    // The read path, once the front's shared parts exist.
    void wire(ServedLink& link, PendingMap& pending, Replies& replies);

    const DeviceConfig& config;
    std::size_t link;  // index into the front's links
    std::size_t slot;  // its place in its link's scheduler
    std::string log_prefix;
    Health health;
    LinkHealth answering;
    ReadPlanner planner;
    FailureLog failures;
    TryCounts tries;
    std::optional<ReadPath> reads;
};

}  // namespace tristar::gateway
