#include "gateway/sim/slave_mode.h"

#include <algorithm>

namespace tristar::sim {

namespace {

constexpr double slave_timeout_s = 60.0;  // spec section 4: rewrite at least every 60 s

}  // namespace

bool SlaveMode::check_timeout(double now) {
    if (!active_ || timed_out_) return false;
    if (now - written_at_ <= slave_timeout_s) return false;
    timed_out_ = true;
    return true;
}

bool SlaveMode::on_write(std::int16_t raw, double now) {
    ++log_.writes;
    if (active_) log_.longest_gap_s = std::max(log_.longest_gap_s, now - written_at_);
    if (raw == 0) return false;  // neither enters nor leaves slave mode (UNCERTAIN on real units)
    ++(raw > 0 ? log_.refreshes : log_.exits);
    active_ = raw > 0;  // negative exits (0xFFF0 is the value reported to work)
    timed_out_ = false;
    written_at_ = now;
    return true;
}

void SlaveMode::clear_timeout() {
    if (timed_out_) active_ = timed_out_ = false;
}

SlaveStatus SlaveMode::status(double now) const {
    SlaveStatus status = log_;
    status.active = active_;
    if (active_) status.longest_gap_s = std::max(status.longest_gap_s, now - written_at_);
    return status;
}

}  // namespace tristar::sim
