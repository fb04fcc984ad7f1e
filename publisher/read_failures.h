#pragma once
// ReadFailures: when a failing read is worth a log line (docs/venus.md, "When the TriStar does
// not answer a read"). A failure is persistent when asking again will get the same answer (the
// device refused the read with a Modbus exception, or the gateway refused the request as
// invalid), or when the read failed `threshold` times in a row; the live read is the link, so its
// first failure counts. Each persistent failure is logged once, as a warning naming the read and
// the answer, and counted; its recovery once, at info. Nothing in between: a read failing every
// second logs one line. Pure.
#include <array>
#include <cstdint>
#include <string>

#include "gateway/client/client.h"
#include "publisher/poll_plan.h"
#include "publisher/poll_reads.h"

namespace tristar::publisher {

class ReadFailures {
  public:
    enum class Note { none, warning, recovery };

    explicit ReadFailures(unsigned threshold = 3) : threshold_(threshold) {}

    // A failed read: Note::warning when this failure makes it persistent.
    Note failed(Poll poll, const client::Failure& failure);
    // A read answered: Note::recovery when it had failed persistently.
    Note succeeded(Poll poll);

    bool persistent(Poll poll) const { return track(poll).persistent; }
    unsigned in_a_row(Poll poll) const { return track(poll).in_a_row; }
    // Persistent failures so far, over every read and every episode.
    std::uint64_t persistent_failures() const { return persistent_failures_; }

  private:
    struct Track {
        unsigned in_a_row = 0;
        bool persistent = false;
    };
    Track& track(Poll poll) { return tracks_[static_cast<std::size_t>(poll)]; }
    const Track& track(Poll poll) const { return tracks_[static_cast<std::size_t>(poll)]; }

    unsigned threshold_;
    std::array<Track, poll_kinds> tracks_{};
    std::uint64_t persistent_failures_ = 0;
};

// Whether the failure says the gateway or the device cannot be reached at all (a timeout, no
// link, a full queue, a passed deadline, no reply) rather than anything about this read. While
// the link is down such failures of the other reads are the link's, and not theirs to report.
bool link_failure(const client::Failure& failure);

// The device answered exception 2, illegal data address: it has no data at some address of the
// span (a poll with split_parts() is then split rather than reported).
bool refused_addresses(const client::Failure& failure);

// "MODBUS_EXCEPTION 2 (illegal data address): <the gateway's message>", "DEVICE_TIMEOUT: ...".
std::string answer_text(const client::Failure& failure);

// The warning of a persistent failure, number `number` of the process:
// "[reads] FC03 0xE0C0-0xE0C3 (serial) fails: MODBUS_EXCEPTION 2 (illegal data address): ...;
// persistent read failure #1, not logged again until it reads"
std::string failure_warning(const PollRead& read, const client::Failure& failure, unsigned in_a_row,
                            std::uint64_t number);
// "[reads] FC01 coils 0-2 (...) refused: MODBUS_EXCEPTION 2 (...): ...; reading FC01 coil 0
// (equalize) and FC01 coil 2 (charge disconnect) apart from now on"
std::string split_info(Poll poll, const client::Failure& failure);
// "[reads] FC03 0xE0C0-0xE0C3 (serial) reads again after 4 failures"
std::string recovery_info(const PollRead& read, unsigned failures);

}  // namespace tristar::publisher
