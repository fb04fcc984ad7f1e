#pragma once
// Everything the publisher's D-Bus service holds, as one list: the mapped paths (venus_paths),
// the identity paths the service sets itself (caller_paths), the controls, the GUI switch pane
// entries (/SwitchableOutput/0 = the charger, /SwitchableOutput/1 = equalize; spec section 10)
// and the history (/History/*, /Yield/User, /Yield/System).
#include <cstddef>
#include <vector>

#include "publisher/bus_service.h"
#include "publisher/history_items.h"
#include "publisher/venus_mapping.h"

namespace tristar::publisher {

// Every path, its type and whether SetValue is accepted; history_days slots of /History/Daily.
std::vector<ItemSpec> service_items(std::size_t history_days);

// The switch pane entries' fixed paths: names, types, valid types, UI visibility.
PathValues switch_pane_constants();

// The switch pane's live paths from coils 0 and 2: State and Status of both entries.
// Coils unknown: invalid.
PathValues switch_pane_values(std::optional<bool> equalize_requested, std::optional<bool> charge_disconnect);

// One history item as published: the number with its unit in the text ("1.23 kWh", "35 min").
VenusValue venus_value_of(const HistoryItem& item);
void add_history(PathValues& values, const DailyHistory& history);

}  // namespace tristar::publisher
