#pragma once
// Everything the publisher's D-Bus service holds, as one list: the mapped paths (venus_paths),
// the identity paths the service sets itself (caller_paths), the controls, the GUI switch pane
// entries (switch_pane.h) and the history (/History/*, /Yield/User, /Yield/System).
#include <cstddef>
#include <string_view>
#include <vector>

#include "publisher/bus_service.h"
#include "publisher/config.h"
#include "publisher/history_items.h"
#include "publisher/venus_mapping.h"

namespace tristar::publisher {

inline constexpr std::string_view switch_pane_prefix = "/SwitchableOutput/";

// Every path, its type and whether SetValue is accepted; config.history_days slots of
// /History/Daily; the switch pane's equalize entry only with config.equalize_switch.
std::vector<ItemSpec> service_items(const PublisherConfig& config);

// One history item as published: the number with its unit in the text ("1.23 kWh", "35 min").
VenusValue venus_value_of(const HistoryItem& item);
void add_history(PathValues& values, const DailyHistory& history);

}  // namespace tristar::publisher
