#pragma once
// DailyCounter: what the TriStar's daily registers whc_daily (0x44) and fault_daily (0x49) say
// about a local calendar day, and which day that is (tristar-modbus.md 5 and 7). Pure: readings
// come in with their time, the zone is injected, the persisted part is a CounterState the caller
// owns (HistoryState); DailyHistory (history.h) applies the credits to its day records.
//
// The device's counter day runs from dawn to dawn: the registers stay frozen from local midnight
// until dawn, then reset to 0; a controller reset (coil 0xFF) clears them during the day too.
// whc_daily counts Wh in 10 Wh steps. So a local day's yield is
//     carried_wh + max(0, whc - base_wh)
// base_wh: the part of the counter that belongs to earlier days (the count frozen at midnight;
// 0 once the counter day is today's). carried_wh: today's energy counted before a reset of the
// counter during the day. fault_daily bits are credited alike: a bit is new to a day when it was
// not set in the last reading (last_faults), so the bits frozen at midnight stay yesterday's.
//
// The counter went down (dawn, controller reset): carried_wh += last - base_wh, base_wh = 0. A
// reading that means a reset, or a rise faster than max_power_w can make, is believed only when
// the next reading says so too (is still below the last value; is at least as high); until then
// the day keeps its value. One bad read must neither carry a day's energy twice nor add energy
// that was never made, and a charger faster than the bound (or a simulator with compressed
// days) is only one reading late.
//
// A local midnight seen (the last reading at most max_gap before it): the new day starts with
// base_wh = the last value (frozen, yesterday's) and nothing carried.
//
// A local midnight not seen (a restart or a link loss across it): whether the counter still holds
// an earlier day's count depends on whether dawn has come. It may not have when the charger is in
// a night state (START, NIGHT_CHECK, NIGHT) before local noon; DISCONNECT and FAULT occur by day
// and by night, and so do undocumented states, so they count as night too: mistaking a frozen
// count for today's would count yesterday's energy twice (in both days and in /Yield/System),
// mistaking today's count for a frozen one only leaves it out of today's yield. After noon a
// night state is dusk: the count is today's. Then:
//  - maybe frozen, one midnight since the last reading: the count is still that day's; it gets
//    carried_wh + max(0, whc - base_wh) (after a reset in the gap: see below), and today starts
//    with base_wh = whc.
//  - maybe frozen, two or more midnights: a dawn passed, the count is all of yesterday's; today
//    starts with base_wh = whc. The day of the last reading keeps what it had.
//  - day: the count is today's (base_wh 0); the last reading's day keeps what it had.
// A gap within one local day: a drop is a reset as above; a frozen count (base_wh > 0) that
// changed at all means the dawn reset came in the gap (the counter may have passed its old value
// since), so everything it shows is today's.
//
// The first reading ever (or from a history saved before this state existed): by the same rule,
// the count is today's unless it may be frozen.
//
// What cannot be seen: a controller reset in a gap after which the counter passed its old value
// again (that day's energy before the reset is missing from its yield).
#include <chrono>
#include <cstdint>
#include <optional>

#include "gateway/base/local_zone.h"

namespace tristar::publisher {

// The persisted part.
struct CounterState {
    double base_wh = 0;
    double carried_wh = 0;
    std::optional<double> last_wh;  // the last reading believed; absent before the first
    std::chrono::system_clock::time_point last_at;
    std::uint16_t last_faults = 0;  // fault_daily bits already credited
};

struct CounterReading {
    std::chrono::system_clock::time_point time;
    double whc_wh = 0;                    // whc_daily (0x44), Wh
    std::optional<std::uint16_t> faults;  // fault_daily (0x49)
    std::optional<int> charge_state;      // charge_state (0x32)
};

// A day's values according to the counter.
struct CounterCredit {
    // The day they belong to: 0 the reading's day (today; also when the clock was set back),
    // 1 the day before it.
    int days_back = 0;
    double yield_wh = 0;             // the day's whole yield by the counter: replaces, never adds
    std::uint16_t new_faults = 0;    // fault_daily bits first seen for that day
    bool counter_day_began = false;  // a reset or a new day: the state changed for good
};

class DailyCounter {
  public:
    DailyCounter(std::chrono::seconds max_gap, double max_power_w, const LocalZone& zone)
        : max_gap_(max_gap), max_power_w_(max_power_w), zone_(&zone) {}

    // Nothing when the reading is not believed (yet): an impossible rise, an unconfirmed drop.
    std::optional<CounterCredit> step(CounterState& state, const CounterReading& reading);

  private:
    CounterCredit first(CounterState& state, const CounterReading& reading) const;
    std::optional<CounterCredit> same_day(CounterState& state, const CounterReading& reading,
                                          bool seen);
    CounterCredit after_unseen_midnight(CounterState& state, const CounterReading& reading,
                                        std::chrono::days midnights);
    bool may_be_frozen(const CounterReading& reading) const;
    double possible_wh(const CounterState& state, const CounterReading& reading) const;
    static CounterCredit credit_today(CounterState& state, const CounterReading& reading,
                                      bool began);

    std::chrono::seconds max_gap_;
    double max_power_w_;
    const LocalZone* zone_;
    enum class Doubt { none, reset, rise };
    bool confirms(Doubt doubt, double whc_wh) const;

    Doubt doubt_ = Doubt::none;  // what the last reading said; the next one must say so too
    double doubted_wh_ = 0;
};

}  // namespace tristar::publisher
