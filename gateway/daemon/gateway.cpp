#include "gateway/daemon/gateway.h"

#include <spdlog/spdlog.h>

#include <deque>
#include <optional>
#include <stdexcept>
#include <zmq.hpp>

#include "gateway/base/signal_fd.h"
#include "gateway/daemon/device_list.h"
#include "gateway/daemon/front.h"
#include "gateway/daemon/link_worker.h"
#include "gateway/daemon/zap.h"

namespace tristar::gateway {

Gateway::Gateway(Config config) : config_(std::move(config)) {}

int Gateway::run(const std::function<void(const std::vector<std::string>&)>& on_ready) {
    // SIGINT and SIGTERM blocked in every thread (the worker inherits the mask), read in the front
    // loop's poll.
    SignalFd signals({.ignore_sigpipe = false});
    zmq::context_t context(1);
    // Bound before the endpoints it protects; stopped after the front's socket is closed.
    std::optional<ZapHandler> zap;
    if (config_.auth.enabled()) zap.emplace(context, config_.auth);
    // One mailbox and one worker per link: each wire has one transaction at a time, different
    // wires run in parallel.
    const auto links = group_links(config_.devices);
    std::deque<LinkMailbox> mailboxes(links.size());
    std::vector<LinkMailbox*> boxes;
    for (auto& mailbox : mailboxes) boxes.push_back(&mailbox);
    Front front(context, config_, boxes);
    std::deque<LinkWorker> workers;  // stopped and joined before the mailboxes go
    for (std::size_t l = 0; l < links.size(); ++l)
        workers.emplace_back(mailboxes[l], config_.devices[links[l].devices.front()]);
    std::string serving;
    for (const auto& endpoint : front.endpoints())
        serving += (serving.empty() ? "" : ", ") + endpoint;
    if (config_.devices.size() == 1) {
        const auto& device = config_.devices.front();
        spdlog::info("[gateway] device {} unit {}; serving on {}", device_uri(device.address),
                     device.unit, serving);
    } else {
        for (const auto& device : config_.devices)
            spdlog::info("[gateway] device {}: {} unit {}", device.name, device_uri(device.address),
                         device.unit);
        spdlog::info("[gateway] {} devices on {} links; serving on {}", config_.devices.size(),
                     links.size(), serving);
    }
    on_ready(front.endpoints());
    return front.run(signals) ? 0 : 1;  // the worker stops with its destructor
}

}  // namespace tristar::gateway
