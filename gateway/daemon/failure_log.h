#pragma once
// FailureLog: the reads the device keeps failing (an exception, or no valid answer after every
// try), so that a persistent failure is never silent: the first failure of a range is news (the
// caller logs it once at warning, with the range and the answer), later ones only count, and
// the first success of that range ends it (logged at info). Status lists what is failing now.
// Bounded: at most `capacity` ranges, the one failing longest ago forgotten first.
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "gateway/daemon/device_profile.h"

namespace tristar::gateway {

struct ReadFailure {
    std::uint8_t function = 0;
    Span span;
    std::string answer;
    std::string client;
    std::uint64_t failures = 0;
    std::int64_t first_unix_ms = 0;
    std::int64_t last_unix_ms = 0;
};

class FailureLog {
  public:
    explicit FailureLog(std::size_t capacity = 32) : capacity_(capacity) {}

    // A read failed. True when this starts a failure of the range (or changes its answer).
    bool failed(std::uint8_t function, const Span& span, const std::string& answer,
                const std::string& client, std::int64_t unix_ms);
    // A read of `span` succeeded: ends every failure it covers; returns them.
    std::vector<ReadFailure> succeeded(const Span& span);

    std::vector<ReadFailure> current() const;  // oldest last failure first
    std::uint64_t total() const { return total_; }

  private:
    using Key = std::tuple<std::uint8_t, std::uint8_t, std::uint16_t, std::uint16_t>;
    static Key key(const Span& s) {
        return {static_cast<std::uint8_t>(s.table), s.unit, s.address, s.count};
    }
    void make_room();

    std::size_t capacity_;
    std::map<Key, ReadFailure> failing_;
    std::uint64_t total_ = 0;
};

}  // namespace tristar::gateway
