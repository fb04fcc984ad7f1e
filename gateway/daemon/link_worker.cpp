#include "gateway/daemon/link_worker.h"

#include <spdlog/spdlog.h>

#include "gateway/daemon/modbus_link.h"

namespace tristar::gateway {

LinkWorker::LinkWorker(LinkMailbox& mailbox, DeviceConfig config)
    : mailbox_(mailbox), config_(std::move(config)), thread_([this] { run(); }) {}

LinkWorker::~LinkWorker() {
    mailbox_.stop();
}

void LinkWorker::run() {
    try {
        ModbusLink link(config_);
        while (auto request = mailbox_.take()) mailbox_.reply(link.execute(*request));
    } catch (const std::exception& e) {
        // Without its link the gateway is useless: say why, and let the supervisor restart it.
        spdlog::critical("[link] {}", e.what());
        LinkResult fatal;
        fatal.seq = 0;  // matches no request: the front loop treats it as the worker's end
        mailbox_.reply(fatal);
    }
}

}  // namespace tristar::gateway
