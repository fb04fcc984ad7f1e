#include "gateway/sim/counters.h"

#include <algorithm>

namespace tristar::sim {

void Totals::accumulate(const Sample& sample, double seconds) {
    const double ah = sample.point.ib * seconds / 3600.0;
    const double kwh = sample.point.p_out * seconds / 3600.0 / 1000.0;
    ah_resettable += ah;
    ah_total += ah;
    kwh_resettable += kwh;
    kwh_total += kwh;
    hours += seconds / 3600.0;
    const double vb = sample.point.vb;
    vb_min = vb_min <= 0.0 ? vb : std::min(vb_min, vb);
    vb_max = std::max(vb_max, vb);
}

void DailyLog::record(const Sample& sample, double seconds) {
    if (frozen) return;
    const auto& p = sample.point;
    if (!seeded) {
        vb_min = vb_max = p.vb;
        tb_min = tb_max = sample.battery_temp_c;
        seeded = true;
    }
    vb_min = std::min(vb_min, p.vb);
    vb_max = std::max(vb_max, p.vb);
    va_max = std::max(va_max, p.va);
    tb_min = std::min(tb_min, sample.battery_temp_c);
    tb_max = std::max(tb_max, sample.battery_temp_c);
    pout_max = std::max(pout_max, p.p_out);
    ah += p.ib * seconds / 3600.0;
    wh += p.p_out * seconds / 3600.0;
    faults |= sample.faults;
    alarms |= sample.alarms;
    if (sample.faults != 0) flags |= daily_flag::fault_occurred;
    if (sample.alarms != 0) flags |= daily_flag::alarm_occurred;
    if (sample.state == ChargeState::absorption) absorption_s += seconds;
    if (sample.state == ChargeState::equalize) equalize_s += seconds;
    if (sample.state == ChargeState::floating) float_s += seconds;
}

DailyLog yesterday_log(double battery_scale) {
    DailyLog log;
    log.vb_min = 12.52 * battery_scale;
    log.vb_max = 14.40 * battery_scale;
    log.va_max = 43.1 * battery_scale;
    log.ah = 187.3;
    log.wh = 2547.0 * battery_scale;
    log.pout_max = 712.0 * battery_scale;
    log.tb_min = 9.0;
    log.tb_max = 24.0;
    log.flags = daily_flag::entered_float;
    log.absorption_s = 7200.0;
    log.float_s = 17460.0;
    log.frozen = true;
    log.seeded = true;
    return log;
}

}  // namespace tristar::sim
