#include "publisher/history.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace tristar::publisher {
namespace {

using std::chrono::duration;
using std::chrono::sys_days;

// whc_daily steps in 10 Wh (tristar-modbus.md 5): an increase may be one step more than the
// power allows.
constexpr double counter_step_wh = 10.0;
constexpr double seconds_per_hour = 3600.0;
constexpr int minutes_per_day_max = 1439;  // venus-dbus.md 8

// TriStar charge_state values (tristar-modbus.md 6.6).
constexpr int state_mppt = 5;
constexpr int state_absorption = 6;
constexpr int state_float = 7;

bool usable(const std::optional<double>& v) { return v && std::isfinite(*v); }

void raise_max(std::optional<double>& slot, const std::optional<double>& v) {
    if (usable(v) && (!slot || *v > *slot)) slot = *v;
}

// A controller powered from its battery never reads 0 V, so 0 means "no reading", not a minimum.
void lower_min_voltage(std::optional<double>& slot, const std::optional<double>& v) {
    if (usable(v) && *v > 0 && (!slot || *v < *slot)) slot = *v;
}

double non_negative(double w) { return std::max(0.0, w); }

std::optional<double> integrated_wh(const LastSample& prev, const Sample& now, double dt_s) {
    if (!usable(prev.power_w) || !usable(now.power_w)) return std::nullopt;
    const double mean_w = (non_negative(*prev.power_w) + non_negative(*now.power_w)) / 2;
    return mean_w * dt_s / seconds_per_hour;
}

void update_extremes(DayRecord& day, const Sample& s) {
    raise_max(day.max_power_w, s.power_w);
    raise_max(day.max_pv_v, s.pv_v);
    raise_max(day.max_battery_v, s.battery_v);
    lower_min_voltage(day.min_battery_v, s.battery_v);
    raise_max(day.max_battery_a, s.battery_a);
}

void update_overall(Overall& overall, const Sample& s) {
    raise_max(overall.max_pv_v, s.pv_v);
    raise_max(overall.max_battery_v, s.battery_v);
    lower_min_voltage(overall.min_battery_v, s.battery_v);
}

LastSample remember(const Sample& s) {
    return LastSample{s.time, s.power_w, s.charge_state, s.whc_daily_wh, s.kwh_total};
}

}  // namespace

int day_minutes(double seconds) {
    if (!std::isfinite(seconds) || seconds <= 0) return 0;
    return static_cast<int>(std::min(std::floor(seconds / 60.0), double{minutes_per_day_max}));
}

DailyHistory::DailyHistory(HistoryConfig config, HistoryState restored)
    : config_(config), state_(std::move(restored)) {
    config_.max_days = std::max<std::size_t>(config_.max_days, 1);
    if (config_.zone == nullptr) config_.zone = &system_zone();
    while (state_.days.size() > config_.max_days) state_.days.pop_back();
}

void DailyHistory::add(const Sample& sample) {
    roll_to(local_day(sample.time, *config_.zone));
    if (state_.last) account_interval(*state_.last, sample);
    update_extremes(state_.days.front(), sample);
    update_overall(state_.overall, sample);
    reconcile_device_total(sample);
    state_.last = remember(sample);
}

void DailyHistory::reset_user_yield() { state_.user_base_wh = state_.system_wh; }

Totals DailyHistory::totals() const {
    const double user_wh = std::max(0.0, state_.system_wh - state_.user_base_wh);
    return Totals{state_.system_wh / 1000.0, user_wh / 1000.0};
}

// Adds one record per calendar day up to `date`; a jump longer than the history only keeps the
// newest max_days of them, numbered as if all had been added.
void DailyHistory::roll_to(sys_days date) {
    auto& held = state_.days;
    if (!held.empty() && date <= held.front().date) return;
    const std::int64_t ahead = held.empty() ? 1 : (date - held.front().date).count();
    const std::int64_t first_nr = held.empty() ? 0 : held.front().nr + 1;
    const std::int64_t keep = std::min<std::int64_t>(ahead, static_cast<std::int64_t>(config_.max_days));
    for (std::int64_t back = keep - 1; back >= 0; --back) {
        DayRecord day;
        day.date = date - std::chrono::days{back};
        day.nr = first_nr + (ahead - 1 - back);
        held.push_front(day);
    }
    while (held.size() > config_.max_days) held.pop_back();
    ++rollovers_;
}

void DailyHistory::account_interval(const LastSample& prev, const Sample& now) {
    const double dt_s = duration<double>(now.time - prev.time).count();
    if (!(dt_s > 0)) return;  // clock set back, or a repeated sample
    if (dt_s <= static_cast<double>(config_.max_gap.count())) {
        account_short(prev, now, dt_s);
    } else {
        account_gap(prev, now, dt_s);
    }
}

// An interval that began yesterday is split at local midnight by time, so each day gets the
// energy and the charge-state time of its own part.
void DailyHistory::account_short(const LastSample& prev, const Sample& now, double dt_s) {
    const double wh = integrated_wh(prev, now, dt_s).value_or(counter_wh(prev, now, dt_s).value_or(0.0));
    auto& held = state_.days;
    const sys_days today = held.front().date;
    const bool across_midnight = local_day(now.time, *config_.zone) == today && held.size() > 1 &&
                                 held[1].date == today - std::chrono::days{1} &&
                                 local_day(prev.time, *config_.zone) == held[1].date;
    if (!across_midnight) {
        credit(held.front(), wh, prev.charge_state, dt_s);
        return;
    }
    const auto midnight = local_midnight(today, *config_.zone);
    const double before_s = std::clamp(duration<double>(midnight - prev.time).count(), 0.0, dt_s);
    const double share = before_s / dt_s;
    credit(held[1], wh * share, prev.charge_state, before_s);
    credit(held.front(), wh * (1 - share), prev.charge_state, dt_s - before_s);
}

// Nothing is known about the time in each charge state during a gap; its energy is credited only
// when the device counter vouches for it within today (see the header).
void DailyHistory::account_gap(const LastSample& prev, const Sample& now, double dt_s) {
    const sys_days today = state_.days.front().date;
    if (local_day(prev.time, *config_.zone) != today || local_day(now.time, *config_.zone) != today) return;
    if (const auto wh = counter_wh(prev, now, dt_s)) credit(state_.days.front(), *wh, std::nullopt, 0);
}

void DailyHistory::credit(DayRecord& day, double wh, std::optional<int> charge_state, double dt_s) {
    day.yield_wh += wh;
    state_.system_wh += wh;
    if (!charge_state) return;
    if (*charge_state == state_mppt) day.bulk_s += dt_s;
    if (*charge_state == state_absorption) day.absorption_s += dt_s;
    if (*charge_state == state_float) day.float_s += dt_s;
}

// The whc_daily increase over an interval, when it can be trusted: it went down at a dawn or
// controller reset (then the increase since is unknown), and a jump the charger cannot have
// produced is a bad read.
std::optional<double> DailyHistory::counter_wh(const LastSample& prev, const Sample& now,
                                               double dt_s) const {
    if (!usable(prev.whc_daily_wh) || !usable(now.whc_daily_wh)) return std::nullopt;
    const double delta = *now.whc_daily_wh - *prev.whc_daily_wh;
    const double possible = config_.max_power_w * dt_s / seconds_per_hour + counter_step_wh;
    if (delta < 0 || delta > possible) return std::nullopt;
    return delta;
}

void DailyHistory::reconcile_device_total(const Sample& now) {
    const auto& prev = state_.last;
    if (!usable(now.kwh_total) || !prev || !prev->kwh_total || *prev->kwh_total != *now.kwh_total) return;
    state_.system_wh = std::max(state_.system_wh, *now.kwh_total * 1000.0);
}

}  // namespace tristar::publisher
