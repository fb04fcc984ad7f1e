#pragma once
// DailyHistory: the publisher's own daily history and yield totals (design.md 8, venus-dbus.md 8
// and 5). Pure: the caller passes one Sample per poll, each with its time; the zone is injected.
// No I/O here; HistoryStore (history_store.h) persists the HistoryState.
//
// Where the energy comes from. The TriStar's own day counter whc_daily (0x44) cannot be the
// daily yield: its day runs from dawn to dawn, it stays frozen from midnight until dawn, it has
// 10 Wh steps and a controller reset clears it (tristar-modbus.md 5). So the publisher integrates
// the output power itself (trapezoids between consecutive samples, at 1 s polling accurate to a
// fraction of a Wh per interval) and every interval is credited exactly once, to the local day
// it falls in (an interval across midnight is split at midnight). The device counters are used
// only where the publisher has no power of its own:
//  - an interval without power readings, or a gap longer than max_gap (link loss, restart), is
//    credited with the increase of whc_daily when both ends have it, both lie in today's local
//    day, the counter did not go down (a dawn or controller reset) and the increase is possible
//    at max_power_w. Otherwise the gap is not credited to any day (under-count, never double).
//  - /Yield/System is max(own running total, device kwhc_t). The max, never a sum, so the
//    device's lifetime counter seeds the total on the first start and catches it up after the
//    publisher was away, without counting anything twice; kwhc_t is only believed when two
//    consecutive samples agree, so one bad read cannot inflate a total that never goes down.
//  - /Yield/User is System minus the System value at the user's last reset.
//
// Days. days().front() is today (Daily/0). A sample in a later local day rolls over: one record
// per calendar day is added, including days without samples (zero yield, no extremes), so
// Daily/<n> always means "n days ago"; at most max_days are kept. A sample dated before today
// (the clock was set back) is counted into today: the history never goes back a day.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

#include "publisher/local_zone.h"

namespace tristar::publisher {

using TimePoint = std::chrono::system_clock::time_point;

// One poll of the live registers; a value is empty when it was not read or not valid.
struct Sample {
    TimePoint time;
    std::optional<double> battery_v;     // V
    std::optional<double> battery_a;     // A, charge current
    std::optional<double> pv_v;          // V
    std::optional<double> power_w;       // W, output power (0x3A)
    std::optional<int> charge_state;     // TriStar charge_state (0x32): 5 MPPT, 6 absorption, 7 float
    std::optional<double> whc_daily_wh;  // Wh (0x44)
    std::optional<double> kwh_total;     // kWh (0x39, kwhc_t)
};

struct DayRecord {
    std::chrono::sys_days date;  // the local calendar date
    std::int64_t nr = 0;         // day sequence number: the first day is 0, +1 per calendar day
    double yield_wh = 0;
    std::optional<double> max_power_w;
    std::optional<double> max_pv_v;
    std::optional<double> min_battery_v;
    std::optional<double> max_battery_v;
    std::optional<double> max_battery_a;
    double bulk_s = 0;
    double absorption_s = 0;
    double float_s = 0;
};

// Whole minutes of `seconds` as Venus wants them: 0..1439 (a 25 h day still reports 1439).
int day_minutes(double seconds);

// Lifetime extremes (/History/Overall), kept beyond the days held.
struct Overall {
    std::optional<double> max_pv_v;
    std::optional<double> max_battery_v;
    std::optional<double> min_battery_v;
};

// What the next interval needs of the previous sample.
struct LastSample {
    TimePoint time;
    std::optional<double> power_w;
    std::optional<int> charge_state;
    std::optional<double> whc_daily_wh;
    std::optional<double> kwh_total;
};

// Everything that persists across restarts.
struct HistoryState {
    std::deque<DayRecord> days;  // front() = today
    Overall overall;
    double system_wh = 0;
    double user_base_wh = 0;  // system_wh at the last user reset
    std::optional<LastSample> last;
};

struct Totals {
    double system_kwh = 0;
    double user_kwh = 0;
};

struct HistoryConfig {
    std::size_t max_days = 30;
    // Longer intervals are not integrated: the power at both ends says nothing about the middle.
    std::chrono::seconds max_gap{60};
    // Plausibility bound for counter increases: a TS-MPPT-60 delivers 60 A, 3.2 kW at 48 V
    // nominal (more in equalize), so 4 kW with margin.
    double max_power_w = 4000;
    const LocalZone* zone = &system_zone();  // not owned; must outlive the history
};

class DailyHistory {
public:
    explicit DailyHistory(HistoryConfig config, HistoryState restored = {});

    // Accounts one poll; rolls over first when the sample is in a later local day.
    void add(const Sample& sample);
    // /Yield/User back to 0; /Yield/System is unaffected.
    void reset_user_yield();

    const std::deque<DayRecord>& days() const { return state_.days; }
    const Overall& overall() const { return state_.overall; }
    Totals totals() const;
    // /History/Overall/DaysAvailable: the days held, 1..max_days once a sample was added.
    int days_available() const { return static_cast<int>(state_.days.size()); }
    // Local days begun since construction: a save is due when this changes.
    std::uint64_t rollovers() const { return rollovers_; }
    const HistoryState& state() const { return state_; }
    const HistoryConfig& config() const { return config_; }

private:
    void roll_to(std::chrono::sys_days date);
    void account_interval(const LastSample& prev, const Sample& now);
    void account_short(const LastSample& prev, const Sample& now, double dt_s);
    void account_gap(const LastSample& prev, const Sample& now, double dt_s);
    void credit(DayRecord& day, double wh, std::optional<int> charge_state, double dt_s);
    void reconcile_device_total(const Sample& now);
    std::optional<double> counter_wh(const LastSample& prev, const Sample& now, double dt_s) const;

    HistoryConfig config_;
    HistoryState state_;
    std::uint64_t rollovers_ = 0;
};

}  // namespace tristar::publisher
