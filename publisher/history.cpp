#include "publisher/history.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "publisher/venus_rules.h"

namespace tristar::publisher {
namespace {

using std::chrono::duration;
using std::chrono::sys_days;

constexpr int minutes_per_day_max = 1439;  // venus-dbus.md 8

// TriStar charge_state values (tristar-modbus.md 6.6).
constexpr int state_mppt = 5;
constexpr int state_absorption = 6;
constexpr int state_float = 7;

bool usable(const std::optional<double>& v) {
    return v && std::isfinite(*v);
}

void raise_max(std::optional<double>& slot, const std::optional<double>& v) {
    if (usable(v) && (!slot || *v > *slot)) slot = *v;
}

// A controller powered from its battery never reads 0 V, so 0 means "no reading", not a minimum.
void lower_min_voltage(std::optional<double>& slot, const std::optional<double>& v) {
    if (usable(v) && *v > 0 && (!slot || *v < *slot)) slot = *v;
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

void add_state_time(DayRecord& day, std::optional<int> charge_state, double seconds) {
    if (!charge_state) return;
    if (*charge_state == state_mppt) day.bulk_s += seconds;
    if (*charge_state == state_absorption) day.absorption_s += seconds;
    if (*charge_state == state_float) day.float_s += seconds;
}

// `code` becomes the most recent; a code already listed moves up rather than repeating.
void note_error(LastErrors& list, std::int32_t code) {
    LastErrors out{code};
    std::size_t n = 1;
    for (const auto e : list) {
        if (e != 0 && e != code && n < out.size()) out[n++] = e;
    }
    list = out;
}

// The /ErrorCode of each bit, in the table's order of precedence.
std::vector<std::int32_t> error_codes(std::uint16_t bits) {
    std::vector<std::int32_t> codes;
    while (const auto bit = error_bit(bits)) {
        const auto one = static_cast<std::uint16_t>(1U << *bit);
        codes.push_back(error_code(one));
        bits = static_cast<std::uint16_t>(bits & ~one);
    }
    return codes;
}

LastSample remember(const Sample& s) {
    return LastSample{s.time, s.charge_state, s.kwh_total};
}

HistoryConfig normalized(HistoryConfig config) {
    config.max_days = std::max<std::size_t>(config.max_days, 1);
    if (config.zone == nullptr) config.zone = &system_zone();
    return config;
}

}  // namespace

int day_minutes(double seconds) {
    if (!std::isfinite(seconds) || seconds <= 0) return 0;
    return static_cast<int>(std::min(std::floor(seconds / 60.0), double{minutes_per_day_max}));
}

DailyHistory::DailyHistory(HistoryConfig config, HistoryState restored)
    : config_(normalized(config)),
      state_(std::move(restored)),
      counter_(config_.max_gap, config_.max_power_w, *config_.zone) {
    while (state_.days.size() > config_.max_days) state_.days.pop_back();
}

void DailyHistory::add(const Sample& sample) {
    const auto prev = state_.last;
    roll_to(local_day(sample.time, *config_.zone));
    if (prev) account_time(*prev, sample);
    const bool believed = account_counter(sample);
    update_extremes(state_.days.front(), sample);
    update_overall(state_.overall, sample);
    update_totals(sample, prev);
    state_.last = remember(sample);
    sampled_ = sampled_ || believed;
}

void DailyHistory::reset_user_yield() {
    state_.user_base_wh = state_.system_wh;
}

Totals DailyHistory::totals() const {
    const double user_wh = std::max(0.0, state_.system_wh - state_.user_base_wh);
    return Totals{state_.system_wh / 1000.0, user_wh / 1000.0};
}

// Adds one record per calendar day up to `date`; a jump longer than the history only keeps the
// newest max_days of them, numbered as if all had been added. The day that ends joins the
// lifetime energy before today.
void DailyHistory::roll_to(sys_days date) {
    auto& held = state_.days;
    if (!held.empty() && date <= held.front().date) return;
    if (!held.empty()) state_.day_start_wh += held.front().yield_wh;
    const std::int64_t ahead = held.empty() ? 1 : (date - held.front().date).count();
    const std::int64_t first_nr = held.empty() ? 0 : held.front().nr + 1;
    const std::int64_t keep =
        std::min<std::int64_t>(ahead, static_cast<std::int64_t>(config_.max_days));
    for (std::int64_t back = keep - 1; back >= 0; --back) {
        DayRecord day;
        day.date = date - std::chrono::days{back};
        day.nr = first_nr + (ahead - 1 - back);
        held.push_front(day);
    }
    while (held.size() > config_.max_days) held.pop_back();
    ++save_points_;
}

// An interval that began yesterday is split at local midnight by time, so each day gets the
// charge-state time of its own part. Longer intervals say nothing about the middle.
void DailyHistory::account_time(const LastSample& prev, const Sample& now) {
    const double dt_s = duration<double>(now.time - prev.time).count();
    if (!(dt_s > 0) || dt_s > static_cast<double>(config_.max_gap.count())) return;
    auto& held = state_.days;
    const sys_days today = held.front().date;
    const bool across_midnight = local_day(now.time, *config_.zone) == today && held.size() > 1 &&
                                 held[1].date == today - std::chrono::days{1} &&
                                 local_day(prev.time, *config_.zone) == held[1].date;
    if (!across_midnight) {
        add_state_time(held.front(), prev.charge_state, dt_s);
        return;
    }
    const auto midnight = local_midnight(today, *config_.zone);
    const double before_s = std::clamp(duration<double>(midnight - prev.time).count(), 0.0, dt_s);
    add_state_time(held[1], prev.charge_state, before_s);
    add_state_time(held.front(), prev.charge_state, dt_s - before_s);
}

// False when the sample's counter reading is not believed (yet).
bool DailyHistory::account_counter(const Sample& now) {
    if (!usable(now.whc_daily_wh)) return true;
    const CounterReading reading{now.time, std::max(0.0, *now.whc_daily_wh), now.faults_daily,
                                 now.charge_state};
    const auto credit = counter_.step(state_.counter, reading);
    if (credit) apply(*credit);
    return credit.has_value();
}

// The credit's day is counted from today as held (a sample dated before it counts into it).
void DailyHistory::apply(const CounterCredit& credit) {
    if (credit.counter_day_began) ++save_points_;
    const auto back = static_cast<std::size_t>(credit.days_back);
    if (back >= state_.days.size()) return;
    DayRecord& day = state_.days[back];
    if (back > 0) state_.day_start_wh += credit.yield_wh - day.yield_wh;
    day.yield_wh = credit.yield_wh;
    const auto codes = error_codes(credit.new_faults);
    for (auto code = codes.rbegin(); code != codes.rend(); ++code) {
        note_error(day.last_errors, *code);
        note_error(state_.overall.last_errors, *code);
    }
}

// kwhc_t is believed when the previous sample read the same value (see the header).
void DailyHistory::update_totals(const Sample& now, const std::optional<LastSample>& prev) {
    const double today_wh = state_.days.front().yield_wh;
    const bool agreed = usable(now.kwh_total) && prev && prev->kwh_total == now.kwh_total;
    if (agreed && *now.kwh_total * 1000.0 - today_wh > state_.day_start_wh) {
        state_.day_start_wh = *now.kwh_total * 1000.0 - today_wh;
        ++save_points_;
    }
    state_.system_wh = std::max(state_.system_wh, state_.day_start_wh + today_wh);
}

}  // namespace tristar::publisher
