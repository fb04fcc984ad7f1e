#pragma once
// SlaveRegisters: keeps the TriStar's slave registers where DVCC wants them
// (tristar-modbus.md 4). In slave mode 0x58 (current) and, when there is a voltage, 0x59 are
// written at once when their value changes and rewritten every refresh_every (the unit faults
// 60 s after its last write; 30 s is known to work, so 15 s leaves room for a failed write and
// its retry). Out of it, slave mode is left with 0xFFF0 to both registers: when this class put
// the unit there, or when the unit reports SLAVE and the caller says it may leave it (never
// more often than every exit_retry). Pure.
#include <optional>
#include <vector>

#include "publisher/dvcc_write.h"

namespace tristar::publisher {

inline constexpr std::chrono::seconds refresh_every{15};
inline constexpr std::chrono::seconds exit_retry{30};

// The raw words for slave mode; no voltage: 0x59 is left alone.
struct SlaveTarget {
    std::uint16_t current;
    std::optional<std::uint16_t> voltage;
    std::string current_why;
    std::string voltage_why;
};

class SlaveRegisters {
  public:
    // The writes due now. `want`: the words slave mode should hold, or nothing to be out of it;
    // `device_in_slave`: charge_state reads SLAVE; `may_exit`: leaving a slave mode this class did
    // not enter is allowed. Each write returned counts as sent.
    std::vector<DvccWrite> due(const std::optional<SlaveTarget>& want, bool device_in_slave,
                               bool may_exit, SteadyTime now);
    // The outcome of a write due() returned: nothing when the device took it.
    WriteNote finished(const DvccWrite& write, const std::optional<std::string>& failure,
                       SteadyTime now);

    bool entered() const { return entered_; }
    // "register 0x0058: DEVICE_TIMEOUT: ..." while a register's writes fail; "" otherwise.
    std::string error() const;
    // The exit writes (both registers), for a clean stop; nothing when slave mode is not ours and
    // the unit does not report it.
    std::vector<DvccWrite> leave(bool device_in_slave) const;

  private:
    struct Register {
        std::uint16_t address;
        std::optional<std::uint16_t> taken;  // the value the device last took
        SteadyTime taken_at{};
        WriteTrack track;
    };
    void add_if_due(Register& reg, std::uint16_t value, const std::string& why, SteadyTime now,
                    std::vector<DvccWrite>& out);
    std::vector<DvccWrite> exit(SteadyTime now);
    Register& of(std::uint16_t address) {
        return address == current_.address ? current_ : voltage_;
    }

    Register current_{slave_current_address, {}, {}, {}};
    Register voltage_{slave_voltage_address, {}, {}, {}};
    bool entered_ = false;                 // a positive value was sent and no exit taken since
    std::optional<SteadyTime> exit_sent_;  // the last exit
};

}  // namespace tristar::publisher
