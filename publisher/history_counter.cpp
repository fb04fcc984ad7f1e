#include "publisher/history_counter.h"

#include <algorithm>

namespace tristar::publisher {
namespace {

using std::chrono::days;
using std::chrono::duration;
using std::chrono::floor;
using std::chrono::seconds;

// whc_daily steps in 10 Wh (tristar-modbus.md 5): a rise may be one step more than the power
// allows.
constexpr double counter_step_wh = 10.0;
constexpr double seconds_per_hour = 3600.0;
constexpr auto noon = std::chrono::hours{12};

// charge_state (tristar-modbus.md 6.6): MPPT 5 .. SLAVE 9 only happen while the sun is up.
constexpr int first_charging_state = 5;
constexpr int last_charging_state = 9;

bool charging(const std::optional<int>& state) {
    return state && *state >= first_charging_state && *state <= last_charging_state;
}

// Bits not set in the last reading; the reading's bits become the last ones.
std::uint16_t new_faults(CounterState& s, const std::optional<std::uint16_t>& faults) {
    if (!faults) return 0;
    const auto fresh = static_cast<std::uint16_t>(*faults & ~s.last_faults);
    s.last_faults = *faults;
    return fresh;
}

// The counter went back to 0: what it had counted for today is carried.
void restart(CounterState& s) {
    s.carried_wh += std::max(0.0, s.last_wh.value_or(0.0) - s.base_wh);
    s.base_wh = 0;
    s.last_faults = 0;
}

}  // namespace

std::optional<CounterCredit> DailyCounter::step(CounterState& s, const CounterReading& r) {
    if (!s.last_wh) return first(s, r);
    const days midnights = local_day(r.time, *zone_) - local_day(s.last_at, *zone_);
    const auto since = r.time - s.last_at;
    const bool seen = since >= seconds{0} && since <= max_gap_;
    if (midnights <= days{0}) return same_day(s, r, seen);  // a clock set back counts into today
    if (!seen) return after_unseen_midnight(s, r, midnights);
    s.base_wh = *s.last_wh;  // frozen at midnight: yesterday's
    s.carried_wh = 0;
    auto credit = same_day(s, r, true);
    if (credit) credit->counter_day_began = true;
    return credit;
}

CounterCredit DailyCounter::first(CounterState& s, const CounterReading& r) const {
    s = CounterState{};
    if (may_be_frozen(r)) {
        s.base_wh = r.whc_wh;
        s.last_faults = r.faults.value_or(0);
    }
    return credit_today(s, r, true);
}

std::optional<CounterCredit> DailyCounter::same_day(CounterState& s, const CounterReading& r,
                                                    bool seen) {
    const double last = *s.last_wh;
    // A frozen count that changed at all was reset at dawn, when nobody watched (or the last
    // reading already said so).
    const bool frozen_changed =
        s.base_wh > 0 && r.whc_wh != last && (!seen || doubt_ == Doubt::reset);
    const bool reset = r.whc_wh < last || frozen_changed;
    const bool too_fast = !reset && r.whc_wh - last > possible_wh(s, r);
    const Doubt doubt = reset ? Doubt::reset : too_fast ? Doubt::rise : Doubt::none;
    if (doubt != Doubt::none && !confirms(doubt, r.whc_wh)) {
        doubt_ = doubt;
        doubted_wh_ = r.whc_wh;
        return std::nullopt;
    }
    doubt_ = Doubt::none;
    if (reset) restart(s);
    return credit_today(s, r, reset);
}

bool DailyCounter::confirms(Doubt doubt, double whc_wh) const {
    return doubt == doubt_ && (doubt == Doubt::reset || whc_wh >= doubted_wh_);
}

CounterCredit DailyCounter::after_unseen_midnight(CounterState& s, const CounterReading& r,
                                                  days midnights) {
    doubt_ = Doubt::none;
    if (!may_be_frozen(r)) {  // dawn has come: the count is today's
        s.base_wh = 0;
        s.carried_wh = 0;
        s.last_faults = 0;
        return credit_today(s, r, true);
    }
    CounterCredit credit{1, r.whc_wh, r.faults.value_or(0), true};
    if (midnights == days{1}) {  // still the counter day of the last reading
        if (r.whc_wh < *s.last_wh || (s.base_wh > 0 && r.whc_wh != *s.last_wh)) restart(s);
        credit.yield_wh = s.carried_wh + std::max(0.0, r.whc_wh - s.base_wh);
        credit.new_faults = new_faults(s, r.faults);
    }
    s.base_wh = r.whc_wh;
    s.carried_wh = 0;
    s.last_wh = r.whc_wh;
    s.last_at = r.time;
    if (r.faults) s.last_faults = *r.faults;
    return credit;
}

CounterCredit DailyCounter::credit_today(CounterState& s, const CounterReading& r, bool began) {
    const double yield_wh = s.carried_wh + std::max(0.0, r.whc_wh - s.base_wh);
    CounterCredit credit{0, yield_wh, new_faults(s, r.faults), began};
    s.last_wh = r.whc_wh;
    s.last_at = r.time;
    return credit;
}

// Night states, and the states seen by day and by night, before local noon (see the header).
bool DailyCounter::may_be_frozen(const CounterReading& r) const {
    if (charging(r.charge_state)) return false;
    const auto t = floor<seconds>(r.time);
    const auto local = t + zone_->utc_offset(t);
    return local - floor<days>(local) < noon;
}

double DailyCounter::possible_wh(const CounterState& s, const CounterReading& r) const {
    const double dt_s = std::max(0.0, duration<double>(r.time - s.last_at).count());
    return max_power_w_ * dt_s / seconds_per_hour + counter_step_wh;
}

}  // namespace tristar::publisher
