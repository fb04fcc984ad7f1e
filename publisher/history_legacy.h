#pragma once
// The history file's earlier text format, read once: a file written by an earlier release loads,
// and the next save writes history_format.h's format. Nothing writes this format any more.
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
// were written shortest-round-trip (std::to_chars), so a load gives back exactly what was saved.
// A file that does not end with a matching end line is rejected as a whole, never half-loaded.
//
// Version 1 files (written before the yield came from the device counter): totals without
// <day_start_wh> (taken as system_wh minus today's yield), overall and day lines without errors
// (none), "last <unix_ms> <power_w> <charge_state> <whc_daily_wh> <kwh_total>" and no counter
// line (the counter starts afresh, as on a first start).
#include <optional>
#include <string_view>

#include "publisher/history.h"

namespace tristar::publisher {

// The magic at the start of every file in this format ("tristar-history 1", "tristar-history 2").
inline constexpr std::string_view legacy_history_magic = "tristar-history ";

std::optional<HistoryState> parse_legacy_history(std::string_view text);

}  // namespace tristar::publisher
