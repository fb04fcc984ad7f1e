#pragma once
// ReadPlanner: the read path's decisions (design.md 3.4). Which reads the cache answers; which
// span one transaction reads for a request (read-ahead: widened to the documented profile block
// around it); which other reads that transaction answers too (merging); and what the device
// taught: a block it refused as a whole is not widened to again until `reprobe_after` has
// passed, so one transient refusal does not cost read-ahead for good, and a device that always
// refuses costs one refused read per block per period. Pure: the caller passes the time.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "gateway/daemon/cache.h"
#include "gateway/daemon/config.h"
#include "gateway/daemon/device_profile.h"
#include "gateway/daemon/link_types.h"

namespace tristar::gateway {

class ReadPlanner {
  public:
    using Clock = std::chrono::steady_clock;

    // `mode` must be resolved (not automatic): see resolved_read_ahead.
    ReadPlanner(DeviceProfile profile, ReadAhead mode, std::chrono::milliseconds reprobe_after);

    Table table_of(int function) const { return gateway::table_of(function, profile_); }

    // The words of `span` when the cache holds all of them, none older than max_age.
    std::optional<std::vector<std::uint16_t>> cached(const Span& span, Clock::time_point now,
                                                     std::chrono::milliseconds max_age) const;

    // What one transaction reads to answer `span`: its profile block (or a 125-word window of
    // it) when read-ahead allows and the device has not refused that block lately; else `span`.
    Span plan(const Span& span, Clock::time_point now) const;

    // Whether a transaction reading `transaction` answers a read of `read` too. Reads marked
    // `alone` (they rode in a range the device refused as a whole) join nothing.
    static bool answers(const Span& transaction, const Span& read, bool alone) {
        return !alone && transaction.covers(read);
    }

    // The device refused (exception 2) the widened read `wide` at `now`. True the first time
    // since the block was last read widened (the caller logs it once).
    bool refused(const Span& wide, Clock::time_point now);

    void store(const Span& span, std::span<const std::uint16_t> words, Clock::time_point at);
    // A write ran (or may have): drop what it may have changed.
    void wrote(const LinkRequest& write);

    std::size_t refused_blocks(Clock::time_point now) const;
    const Cache& cache() const { return cache_; }

  private:
    static std::uint32_t key(const Span& s) {
        return (std::uint32_t{static_cast<std::uint8_t>(s.table)} << 24) |
               (std::uint32_t{s.unit} << 16) | s.address;
    }

    DeviceProfile profile_;
    ReadAhead mode_;
    std::chrono::milliseconds reprobe_after_;
    Cache cache_;
    std::map<std::uint32_t, Clock::time_point> refused_until_;  // widened spans, by first address
};

// "auto" read-ahead: whole blocks on TCP, where a bigger reply costs nothing; only small reads
// on a serial line, where every register costs 2.3 ms at 9600 baud.
ReadAhead resolved_read_ahead(const DeviceConfig& device);

}  // namespace tristar::gateway
