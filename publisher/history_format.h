#pragma once
// The history file's text format, written and parsed here by hand (no new dependency):
//
//   tristar-history 2
//   totals <system_wh> <user_base_wh> <day_start_wh>
//   overall <max_pv_v> <max_battery_v> <min_battery_v> <error1> <error2> <error3> <error4>
//   last <unix_ms> <charge_state> <kwh_total>                                  or   last -
//   counter <base_wh> <carried_wh> <last_wh> <last_unix_ms> <last_faults>
//   day <date> <nr> <yield_wh> <max_power_w> <max_pv_v> <min_battery_v> <max_battery_v>
//       <max_battery_a> <bulk_s> <absorption_s> <float_s> <error1> .. <error4>
//                                                          (one line each, today first)
//   end <number of day lines> <FNV-1a 64 of every byte before "end", 16 hex digits>
//
// "-" is an absent value; <date> is days since 1970-01-01 of the local calendar date; doubles
// are written shortest-round-trip (std::to_chars), so a load gives back exactly what was saved.
// The end line makes truncation and corruption detectable: a file that does not end with a
// matching end line is rejected as a whole, never half-loaded.
//
// Version 1 files (written before the yield came from the device counter) still load: totals
// without <day_start_wh> (taken as system_wh minus today's yield), overall and day lines without
// errors (none), "last <unix_ms> <power_w> <charge_state> <whc_daily_wh> <kwh_total>" and no
// counter line (the counter starts afresh, as on a first start).
#include <optional>
#include <string>
#include <string_view>

#include "publisher/history.h"

namespace tristar::publisher {

std::string format_history(const HistoryState& state);
std::optional<HistoryState> parse_history(std::string_view text);

}  // namespace tristar::publisher
