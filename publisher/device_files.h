#pragma once
// Where a publisher keeps a device's state in its data directory: the daily history (and its
// .bak and .tmp), the custom name without localsettings, the switch pane's settings and DVCC's
// memory. The publisher of one device that names none (the gateway's first, PublisherConfig::
// device empty) uses the plain names, as it always has: history, custom-name, switch-pane,
// dvcc-state. A named device (one of several, or chosen with [publisher] devices) adds its name:
// history-east, history-east.bak, custom-name-east, switch-pane-east, dvcc-state-east. So
// devices never share a file, and a device keeps its files whichever others are published.
// Going from one device to several, the gateway's first device (the one the publisher of one
// device served) takes over the plain files: adopt_single_device_files(). Pure but for that.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "publisher/config.h"

namespace tristar::publisher {

// "history" for device "", "history-east" for device "east".
std::string device_file_name(std::string_view base, std::string_view device);

// config.data_dir / device_file_name(base, config.device).
std::filesystem::path device_file(const PublisherConfig& config, std::string_view base);

// When `dir` holds none of `device`'s files, each plain file there (history, history.bak,
// custom-name, switch-pane, dvcc-state) is renamed to its name for `device`; the names renamed
// to, in that order. Nothing when the device has a file of its own already, or `device` is "".
// Throws std::filesystem::filesystem_error when a rename fails.
std::vector<std::string> adopt_single_device_files(const std::filesystem::path& dir,
                                                   std::string_view device);

}  // namespace tristar::publisher
