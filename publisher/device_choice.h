#pragma once
// Which devices a process publishes, and each one's config: the devices of [publisher] devices,
// in that order, else every device the gateway's status lists. A process that publishes exactly
// one device without being told its name (the gateway lists one, or none: a gateway of one
// device) is the publisher of one device it has always been: PublisherConfig::device "" (the
// gateway's first device), its files and log lines unchanged. Otherwise every device is named:
// its requests name it, its files carry its name (device_files.h), and with several its log lines
// too (log_scope.h); its default device instance is device_instance plus its position in the
// list, so that without localsettings no two services share one; and [publisher] serial, which
// names one service, is left out when there are several. Pure.
#include <string>
#include <vector>

#include "publisher/config.h"

namespace tristar::publisher {

// One config per device to publish, in order. `listed`: the device names of the gateway's
// status, used only when config.devices is empty.
std::vector<PublisherConfig> device_configs(const PublisherConfig& config,
                                            const std::vector<std::string>& listed);

// Devices of `listed` that are not in `known`, in the order listed.
std::vector<std::string> devices_added(const std::vector<std::string>& known,
                                       const std::vector<std::string>& listed);

}  // namespace tristar::publisher
