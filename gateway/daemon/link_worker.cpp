#include "gateway/daemon/link_worker.h"

#include <cstring>

#include <spdlog/spdlog.h>

#include "gateway/daemon/link_types.h"
#include "gateway/daemon/modbus_link.h"

namespace tristar::gateway {

LinkWorker::LinkWorker(zmq::context_t& context, std::string endpoint, DeviceConfig config)
    : context_(context), endpoint_(std::move(endpoint)), config_(std::move(config)),
      thread_([this] { run(); }) {}

LinkWorker::~LinkWorker() = default;  // the front loop sends the stop message before this runs

void LinkWorker::send_stop(zmq::socket_t& front_side) {
    front_side.send(zmq::message_t{}, zmq::send_flags::none);
}

void LinkWorker::run() {
    zmq::socket_t socket(context_, zmq::socket_type::pair);
    socket.set(zmq::sockopt::linger, 0);
    socket.connect(endpoint_);
    try {
        ModbusLink link(config_);
        for (;;) {
            zmq::message_t message;
            if (!socket.recv(message) || message.size() != sizeof(LinkRequest)) break;
            LinkRequest request;
            std::memcpy(&request, message.data(), sizeof request);
            const LinkResult result = link.execute(request);
            socket.send(zmq::buffer(&result, sizeof result), zmq::send_flags::none);
        }
    } catch (const std::exception& e) {
        // Without its link the gateway is useless: say why, and let the supervisor restart it.
        spdlog::critical("[link] {}", e.what());
        socket.send(zmq::str_buffer("fatal"), zmq::send_flags::none);
    }
}

}  // namespace tristar::gateway
