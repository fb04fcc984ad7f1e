#include "gateway/daemon/served_device.h"

#include "gateway/daemon/device_profile.h"

namespace tristar::gateway {

ServedDevice::ServedDevice(const DeviceConfig& config_, std::size_t link_, std::size_t slot_,
                           bool named)
    : config(config_),
      link(link_),
      slot(slot_),
      log_prefix(named ? "device " + config_.name + ": " : ""),
      answering(config_.read_retries, named ? config_.name : ""),
      planner(tristar_device_profile(), resolved_read_ahead(config_), config_.read_ahead_reprobe) {}

void ServedDevice::wire(ServedLink& served_link, PendingMap& pending, Replies& replies) {
    reads.emplace(ReadPath::Parts{config, planner, served_link.scheduler, slot, health, failures,
                                  pending, replies, log_prefix});
}

}  // namespace tristar::gateway
