#include "gateway/daemon/gateway.h"

#include <spdlog/spdlog.h>

#include <optional>
#include <stdexcept>
#include <zmq.hpp>

#include "gateway/base/signal_fd.h"
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
    LinkMailbox mailbox;
    Front front(context, config_, mailbox);
    LinkWorker worker(mailbox, config_.device);
    std::string serving;
    for (const auto& endpoint : front.endpoints())
        serving += (serving.empty() ? "" : ", ") + endpoint;
    spdlog::info("[gateway] device {} unit {}; serving on {}", device_uri(config_.device.address),
                 config_.device.unit, serving);
    on_ready(front.endpoints());
    return front.run(signals) ? 0 : 1;  // the worker stops with its destructor
}

}  // namespace tristar::gateway
