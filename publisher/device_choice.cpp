#include "publisher/device_choice.h"

#include <algorithm>

namespace tristar::publisher {

std::vector<PublisherConfig> device_configs(const PublisherConfig& config,
                                            const std::vector<std::string>& listed) {
    const auto& names = config.devices.empty() ? listed : config.devices;
    if (config.devices.empty() && names.size() <= 1) return {config};
    std::vector<PublisherConfig> configs;
    for (std::size_t i = 0; i < names.size(); ++i) {
        PublisherConfig one = config;
        one.device = names[i];
        one.device_instance = config.device_instance + static_cast<int>(i);
        if (names.size() > 1) one.serial.clear();
        configs.push_back(std::move(one));
    }
    return configs;
}

std::vector<std::string> devices_added(const std::vector<std::string>& known,
                                       const std::vector<std::string>& listed) {
    std::vector<std::string> added;
    for (const auto& name : listed)
        if (std::ranges::find(known, name) == known.end()) added.push_back(name);
    return added;
}

}  // namespace tristar::publisher
