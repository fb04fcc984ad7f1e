#include "publisher/dvcc_slave.h"

#include <fmt/format.h>

namespace tristar::publisher {

std::string write_text(const DvccWrite& write) {
    if (write.target == DvccWrite::Target::coil)
        return fmt::format("coil 0x{:04X} {}", write.address, write.value != 0 ? "ON" : "OFF");
    return fmt::format("register 0x{:04X} <- 0x{:04X}", write.address, write.value);
}

bool WriteTrack::busy(SteadyTime now) const {
    return sent && now - *sent < write_reply_timeout;
}

bool WriteTrack::waiting_retry(SteadyTime now) const {
    return failed && now - *failed < write_retry_after;
}

WriteNote WriteTrack::finished(const std::optional<std::string>& failure, SteadyTime now) {
    sent.reset();
    const bool was_failing = failed.has_value();
    if (failure) {
        failed = now;
        error = *failure;
        return was_failing ? WriteNote::none : WriteNote::failing;
    }
    failed.reset();
    error.clear();
    return was_failing ? WriteNote::recovered : WriteNote::none;
}

std::vector<DvccWrite> SlaveRegisters::due(const std::optional<SlaveTarget>& want,
                                           bool device_in_slave, bool may_exit, SteadyTime now) {
    std::vector<DvccWrite> out;
    if (want) {
        add_if_due(current_, want->current, want->current_why, now, out);
        if (want->voltage) add_if_due(voltage_, *want->voltage, want->voltage_why, now, out);
        return out;
    }
    if (!entered_ && !(device_in_slave && may_exit)) return out;
    for (const Register* reg : {&current_, &voltage_}) {
        if (reg->track.busy(now) || reg->track.waiting_retry(now)) return out;
    }
    if (exit_sent_ && now - *exit_sent_ < exit_retry) return out;
    return exit(now);
}

void SlaveRegisters::add_if_due(Register& reg, std::uint16_t value, const std::string& why,
                                SteadyTime now, std::vector<DvccWrite>& out) {
    if (reg.track.busy(now) || reg.track.waiting_retry(now)) return;
    const bool same = reg.taken == value;
    if (same && now - reg.taken_at < refresh_every) return;
    out.push_back({DvccWrite::Target::holding_register, reg.address, value, why, same});
    reg.track.sent = now;
    entered_ = true;
    exit_sent_.reset();
}

std::vector<DvccWrite> SlaveRegisters::exit(SteadyTime now) {
    exit_sent_ = now;
    std::vector<DvccWrite> out;
    for (Register* reg : {&current_, &voltage_}) {
        out.push_back({DvccWrite::Target::holding_register, reg->address, slave_exit_value,
                       "leave slave mode", false});
        reg->track.sent = now;
    }
    return out;
}

std::vector<DvccWrite> SlaveRegisters::leave(bool device_in_slave) const {
    if (!entered_ && !device_in_slave) return {};
    std::vector<DvccWrite> out;
    for (const Register* reg : {&current_, &voltage_})
        out.push_back({DvccWrite::Target::holding_register, reg->address, slave_exit_value,
                       "leave slave mode", false});
    return out;
}

WriteNote SlaveRegisters::finished(const DvccWrite& write,
                                   const std::optional<std::string>& failure, SteadyTime now) {
    Register& reg = of(write.address);
    const WriteNote note = reg.track.finished(failure, now);
    if (failure) {
        if (write.value == slave_exit_value) exit_sent_.reset();
        return note;
    }
    reg.taken = write.value;
    reg.taken_at = now;
    // One negative value is enough to leave slave mode (tristar-modbus.md 4).
    if (write.value == slave_exit_value) entered_ = false;
    return note;
}

std::string SlaveRegisters::error() const {
    for (const Register* reg : {&current_, &voltage_}) {
        if (reg->track.failed)
            return fmt::format("register 0x{:04X}: {}", reg->address, reg->track.error);
    }
    return {};
}

}  // namespace tristar::publisher
