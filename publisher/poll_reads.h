#pragma once
// What each poll reads, and where its answer goes (design.md 8). One gateway request per poll,
// covering documented registers and coils only (spec tristar-modbus.md sections 3, 6): nothing
// documents what a TriStar answers for other addresses, and one that answers exception 2 for
// them would fail a read spanning them every time. So the identity is three spans sent together
// (counters 0xE080-0xE08C, serial 0xE0C0-0xE0C3, model and hardware 0xE0CC-0xE0CD), never one
// read across the undocumented 0xE08D-0xE0BF. The live block is one read: its reserved words read
// without exception (spec section 8). The one exception is coils 0-2: one read, as every TriStar
// seen answers it, split for good into coil 0 and coil 2 when a device refuses it (poll_plan.h,
// split_parts()), so a device that answers costs one transaction every 10 s, not two, and one
// that refuses costs one refusal per process. Pure.
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "gateway.pb.h"
#include "publisher/poll_plan.h"
#include "publisher/venus_snapshot.h"

namespace tristar::publisher {

namespace v1 = tristar::gateway::v1;

enum class ReadKind { registers, coils, status };

struct PollRead {
    Poll poll;
    ReadKind kind;
    std::uint16_t function;  // Modbus function code; 0 for the gateway's status
    std::uint16_t address;
    std::uint16_t count;
    bool cached;            // the gateway may answer from its cache (max_age)
    std::string_view what;  // for people: "serial"
};

// One row per Poll, in Poll order.
std::span<const PollRead> poll_reads();
const PollRead& read_of(Poll poll);

// "FC03 0xE0C0-0xE0C3 (serial)", "FC01 coil 2 (charge disconnect)", "FC01 coils 0-2 (...)",
// "the gateway's status".
std::string read_text(const PollRead& read);

// The gateway request of a read; `max_age` applies to the cached ones.
v1::Request request_for(const PollRead& read, std::chrono::milliseconds max_age);

// Stores a successful register or coil reply in the snapshot. False when the reply does not fit
// the read (a short or empty answer), and for the status poll, which has no place there.
bool store(Snapshot& snapshot, Poll poll, const v1::Reply& reply);

}  // namespace tristar::publisher
