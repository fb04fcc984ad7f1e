#pragma once
// LinkWorker: the thread that owns the ModbusLink. It takes one LinkRequest at a time from the
// front loop over an inproc PAIR socket and answers with a LinkResult; an empty message stops it.
#include <string>
#include <thread>

#include <zmq.hpp>

#include "gateway/daemon/config.h"

namespace tristar::gateway {

class LinkWorker {
public:
    // Binds nothing: connects to `endpoint`, which the front loop has bound already.
    LinkWorker(zmq::context_t& context, std::string endpoint, DeviceConfig config);
    ~LinkWorker();  // asks the thread to stop and joins it
    LinkWorker(const LinkWorker&) = delete;
    LinkWorker& operator=(const LinkWorker&) = delete;

    // Called by the front loop's socket owner to ask the worker to finish.
    static void send_stop(zmq::socket_t& front_side);

private:
    void run();

    zmq::context_t& context_;
    std::string endpoint_;
    DeviceConfig config_;
    std::jthread thread_;
};

}  // namespace tristar::gateway
