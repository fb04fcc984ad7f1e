#pragma once
// The path table (spec venus-dbus.md sections 4, 5 and 17): every D-Bus path the service
// publishes, one PathSpec row each, as data. venus_paths() are computed from the snapshot by the
// mapping (venus_mapping.h); caller_paths() are set by the service from its config and state.
#include <span>

#include "publisher/venus_mapping.h"

namespace tristar::publisher {

// Paths computed from the snapshot, in publishing order (standard paths first, then /Tristar/...).
std::span<const PathSpec> venus_paths();
// Identity and mandatory paths whose values come from config or the service itself:
// /Mgmt/ProcessName, /Mgmt/ProcessVersion, /DeviceInstance, /ProductId, /CustomName, /Connected.
std::span<const PathSpec> caller_paths();

}  // namespace tristar::publisher
