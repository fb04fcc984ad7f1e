#include "publisher/dvcc_stop.h"

#include <fmt/format.h>

namespace tristar::publisher {

std::optional<DvccWrite> ChargeStop::due(bool want, std::optional<bool> coil, SteadyTime now) {
    if (!coil) return std::nullopt;
    if (!known_) {
        known_ = true;
        if (dvcc_ && !*coil)
            dvcc_ = false;  // released meanwhile (a controller reset clears coil 2)
        user_ = *coil && !dvcc_;
    }
    if (want && !dvcc_) {
        dvcc_ = true;
        if (*coil) {
            user_ = true;  // stopped already, for another reason that outlasts DVCC's
            target_.reset();
        } else {
            target_ = true;
        }
    } else if (!want && dvcc_) {
        dvcc_ = false;
        if (user_) {
            target_.reset();
        } else {
            target_ = false;
        }
    }
    if (!target_ || track_.busy(now) || track_.waiting_retry(now)) return std::nullopt;
    track_.sent = now;
    const char* why = *target_ ? "DVCC stops charging" : "DVCC allows charging again";
    return DvccWrite{DvccWrite::Target::coil, charge_disconnect_coil,
                     *target_ ? std::uint16_t{1} : std::uint16_t{0}, why, false};
}

WriteNote ChargeStop::finished(const DvccWrite& write, const std::optional<std::string>& failure,
                               SteadyTime now) {
    const WriteNote note = track_.finished(failure, now);
    if (!failure && target_ == (write.value != 0)) target_.reset();
    return note;
}

std::optional<bool> ChargeStop::user_switch(bool off) {
    user_ = off;
    if (off && target_ == false)
        target_.reset();             // a pending DVCC release must not undo the user's stop
    if (dvcc_) return std::nullopt;  // DVCC's stop holds the coil ON (or will)
    return off;
}

std::optional<bool> ChargeStop::user_off(std::optional<bool> coil) const {
    if (!coil) return std::nullopt;
    return *coil && (user_ || !dvcc_);
}

std::string ChargeStop::error() const {
    if (!track_.failed) return {};
    return fmt::format("coil 0x{:04X}: {}", charge_disconnect_coil, track_.error);
}

}  // namespace tristar::publisher
