#pragma once
// DailyHistory: the publisher's daily history and yield totals (design.md 8, venus-dbus.md 8
// and 5). Pure: the caller passes one Sample per poll, each with its time; the zone is injected.
// No I/O here; HistoryStore (history_store.h) persists the HistoryState.
//
// Where the energy comes from: the device, not the publisher. A day's yield is what the TriStar's
// daily counter whc_daily (0x44) counted for that local day; DailyCounter (history_counter.h)
// turns the counter, which runs from dawn to dawn, freezes at midnight and is cleared by a
// controller reset, into local days. Whatever the device keeps therefore survives a crash or a
// restart of the publisher: after one, today's yield is again what the counter says, whenever
// the state was last saved. The live block always holds 0x44; a sample without it (not read, not
// valid) adds no energy and no errors. The publisher does not integrate power: two sources for
// one day would count the overlap twice.
//
// /Yield/System = max(the total published so far, day_start_wh + today's yield). day_start_wh is
// the lifetime energy before today: at a rollover it grows by the day that ended, when an earlier
// day is credited late (a restart across midnight) by that credit, and it is raised to
// kwhc_t - today's yield whenever that is higher. kwhc_t (0x39) is a lifetime counter in whole
// kWh; whether it includes today's energy (a running total, truncated) or steps once a day is
// not documented (tristar-modbus.md 5). It never exceeds the energy really delivered, and today's
// yield only counts energy delivered today, so kwhc_t - today (as of any sample) plus what the
// counter added since is never more than the real lifetime total (give or take one 10 Wh step of
// whc_daily): the base is pulled up to the device's total without ever counting today twice
// under either behaviour (a running kwhc_t brings it to within 1 kWh; one that steps once a day
// leaves it where the days put it, at most today behind until the next dawn). The same rule
// covers a first start mid-day: kwhc_t - today. Taking kwhc_t only once, when the counter day
// begins, would not do: that moment is lost to a crash at dawn, and a kwhc_t that steps shortly
// after the reset would be read before its step. kwhc_t is only believed when two consecutive
// samples agree (the last sample before a restart counts), so one bad read cannot inflate a
// total that never goes down. The total never decreases; it is persisted. /Yield/User is System
// minus the System value at the user's last reset.
//
// Restarts. The state is saved at every change save_points() counts (a day begun, a counter reset,
// the base raised) and every few minutes; what a crash loses in between (the counter's progress)
// the device still has. Until the first believed counter reading after a start, today's yield
// and the totals are the saved ones, possibly below what was published before the crash, so
// history_items publishes them invalid until then (sampled()).
//
// Errors: fault_daily (0x49) bits new to a day become /ErrorCode codes through the same table as
// /ErrorCode (venus_rules.h, error_code()); a day keeps the last 4 distinct codes, most recent
// first, and Overall the last 4 over all days. Bits set together count in table order, the code
// /ErrorCode would show most recent.
//
// Days. days().front() is today (Daily/0). A sample in a later local day rolls over: one record
// per calendar day is added, including days without samples (zero yield, no extremes), so
// Daily/<n> always means "n days ago"; at most max_days are kept. A sample dated before today
// (the clock was set back) is counted into today: the history never goes back a day. Time in
// bulk/absorption/float and the extremes come from the samples: an interval up to max_gap long
// counts in the charge state at its start, split at local midnight.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

#include "gateway/base/local_zone.h"
#include "publisher/history_counter.h"

namespace tristar::publisher {

using TimePoint = std::chrono::system_clock::time_point;

// One poll of the live registers; a value is empty when it was not read or not valid.
struct Sample {
    TimePoint time;
    std::optional<double> battery_v;  // V
    std::optional<double> battery_a;  // A, charge current
    std::optional<double> pv_v;       // V
    std::optional<double> power_w;    // W, output power (0x3A)
    std::optional<int> charge_state;  // TriStar charge_state (0x32): 5 MPPT, 6 absorption, 7 float
    std::optional<double> whc_daily_wh;         // Wh (0x44)
    std::optional<std::uint16_t> faults_daily;  // fault_daily (0x49)
    std::optional<double> kwh_total;            // kWh (0x39, kwhc_t)
};

// /History/.../LastError1..4: /ErrorCode values, most recent first, 0 = none.
using LastErrors = std::array<std::int32_t, 4>;

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
    LastErrors last_errors{};
};

// Whole minutes of `seconds` as Venus wants them: 0..1439 (a 25 h day still reports 1439).
int day_minutes(double seconds);

// Lifetime extremes and errors (/History/Overall), kept beyond the days held.
struct Overall {
    std::optional<double> max_pv_v;
    std::optional<double> max_battery_v;
    std::optional<double> min_battery_v;
    LastErrors last_errors{};
};

// What the next sample needs of the previous one.
struct LastSample {
    TimePoint time;
    std::optional<int> charge_state;
    std::optional<double> kwh_total;
};

// Everything that persists across restarts.
struct HistoryState {
    std::deque<DayRecord> days;  // front() = today
    Overall overall;
    double system_wh = 0;     // /Yield/System as published, never less
    double user_base_wh = 0;  // system_wh at the last user reset
    double day_start_wh = 0;  // the lifetime energy before today (see the header)
    std::optional<LastSample> last;
    CounterState counter;
};

struct Totals {
    double system_kwh = 0;
    double user_kwh = 0;
};

struct HistoryConfig {
    std::size_t max_days = 30;
    // Longer intervals add no time in a charge state (nothing is known of the middle), and a
    // local midnight inside one was not seen by the day counter.
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
    // Since construction a sample was added whose day counter was believed (or which had none).
    // Until then today's yield and the totals are those of the last save, which the device may
    // have passed since: history_items publishes them invalid rather than lower than before a
    // restart.
    bool sampled() const { return sampled_; }
    // /History/Overall/DaysAvailable: the days held, 1..max_days once a sample was added.
    int days_available() const { return static_cast<int>(state_.days.size()); }
    // Changes a save must not wait for, counted since construction: local days begun, the device
    // counter's days begun (a dawn or controller reset), the total's base raised by kwhc_t. A
    // save is due when this changes.
    std::uint64_t save_points() const { return save_points_; }
    const HistoryState& state() const { return state_; }
    const HistoryConfig& config() const { return config_; }

  private:
    void roll_to(std::chrono::sys_days date);
    void account_time(const LastSample& prev, const Sample& now);
    bool account_counter(const Sample& now);
    void apply(const CounterCredit& credit);
    void update_totals(const Sample& now, const std::optional<LastSample>& prev);

    HistoryConfig config_;
    HistoryState state_;
    DailyCounter counter_;
    std::uint64_t save_points_ = 0;
    bool sampled_ = false;
};

}  // namespace tristar::publisher
