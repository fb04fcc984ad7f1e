#pragma once
// Shared helpers of the daily history tests: instants from calendar dates, zones, samples.
#include <stdlib.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "gateway/base/local_zone.h"
#include "publisher/history.h"
#include "publisher/history_items.h"
#include "tests/support/tz_guard.h"

namespace tristar::publisher::test {

using namespace std::chrono;

// A UTC instant from a calendar date and a time of day.
inline TimePoint utc(int y, unsigned m, unsigned d, int h = 0, int min = 0, int s = 0) {
    return sys_days{year{y} / month{m} / day{d}} + hours{h} + minutes{min} + seconds{s};
}

inline sys_days date(int y, unsigned m, unsigned d) {
    return sys_days{year{y} / month{m} / day{d}};
}

// A zone with one fixed offset.
struct FixedZone final : LocalZone {
    explicit FixedZone(seconds offset = seconds{0}) : offset_(offset) {}
    seconds utc_offset(sys_seconds) const override { return offset_; }
    seconds offset_;
};

inline const LocalZone& utc_zone() {
    static const FixedZone zone;
    return zone;
}

inline HistoryConfig config_in(const LocalZone& zone) {
    HistoryConfig config;
    config.zone = &zone;
    return config;
}

// A sample with only power and charge state (5 = MPPT/bulk).
inline Sample power_at(TimePoint t, double watts, int charge_state = 5) {
    Sample s;
    s.time = t;
    s.power_w = watts;
    s.charge_state = charge_state;
    return s;
}

// A sample in absorption (charge state 6) with every live value the history keeps a daily
// extreme of, and 1230 Wh yield so far today.
inline Sample absorbing_at(TimePoint t, double watts, double pv_v, double battery_v,
                           double battery_a) {
    Sample s = power_at(t, watts, 6);
    s.pv_v = pv_v;
    s.battery_v = battery_v;
    s.battery_a = battery_a;
    s.whc_daily_wh = 1230;
    return s;
}

// The value of `path` among `items`; nothing when no item has that path.
inline const HistoryValue* find(const std::vector<HistoryItem>& items, const std::string& path) {
    const auto it =
        std::find_if(items.begin(), items.end(), [&](const auto& i) { return i.path == path; });
    return it == items.end() ? nullptr : &it->value;
}

// What the device's registers say: whc_daily (Wh), the charge state (5 MPPT, 3 NIGHT), and
// optionally kwhc_t (kWh) and fault_daily.
inline Sample device_at(TimePoint t, double whc_wh, int charge_state = 5,
                        std::optional<double> kwh_total = {},
                        std::optional<std::uint16_t> faults_daily = {}) {
    Sample s;
    s.time = t;
    s.whc_daily_wh = whc_wh;
    s.charge_state = charge_state;
    s.kwh_total = kwh_total;
    s.faults_daily = faults_daily;
    return s;
}

// The same counter value every `step` from `from` to `to` inclusive (a frozen night).
inline void hold(DailyHistory& h, TimePoint from, TimePoint to, seconds step, double whc_wh,
                 int charge_state = 3) {
    for (TimePoint t = from; t <= to; t += step) h.add(device_at(t, whc_wh, charge_state));
}

// A counter counting at `watts` since `since` (plus `start_wh`), in 10 Wh steps, sampled every
// 30 s from `from` to `to` inclusive, the charger in MPPT.
inline void counting(DailyHistory& h, TimePoint from, TimePoint to, TimePoint since, double watts,
                     double start_wh = 0) {
    for (TimePoint t = from; t <= to; t += seconds{30}) {
        const double wh = start_wh + watts * duration<double>(t - since).count() / 3600;
        h.add(device_at(t, 10 * std::floor(wh / 10)));
    }
}

// Constant power from `from` to `to` inclusive, one sample per `step`.
inline void feed(DailyHistory& h, TimePoint from, TimePoint to, seconds step, double watts,
                 int charge_state = 5) {
    for (TimePoint t = from; t <= to; t += step) h.add(power_at(t, watts, charge_state));
}

using ::tristar::test::TzGuard;  // tests/support/tz_guard.h

}  // namespace tristar::publisher::test
