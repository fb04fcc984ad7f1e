#include "tests/bench/zmq_floor.h"

#include <stdexcept>
#include <vector>

namespace tristar::bench {
namespace {

constexpr std::chrono::milliseconds stop_check{50};
constexpr std::chrono::seconds echo_timeout{5};

}  // namespace

ZmqEcho::ZmqEcho(zmq::context_t& context) : router_(context, zmq::socket_type::router) {
    router_.set(zmq::sockopt::linger, 0);
    router_.bind("tcp://127.0.0.1:*");
    endpoint_ = router_.get(zmq::sockopt::last_endpoint);
    thread_ = std::jthread([this](std::stop_token stop) { serve(stop); });
}

ZmqEcho::~ZmqEcho() {
    thread_.request_stop();
    if (thread_.joinable()) thread_.join();
}

void ZmqEcho::serve(std::stop_token stop) {
    while (!stop.stop_requested()) {
        zmq::pollitem_t item{router_.handle(), 0, ZMQ_POLLIN, 0};
        if (zmq::poll(&item, 1, stop_check) == 0) continue;
        std::vector<zmq::message_t> parts;
        zmq::message_t part;
        while (router_.recv(part, zmq::recv_flags::dontwait)) {
            const bool more = part.more();
            parts.push_back(std::move(part));
            if (!more) break;
        }
        for (std::size_t i = 0; i < parts.size(); ++i) {
            const bool last = i + 1 == parts.size();
            router_.send(parts[i], last ? zmq::send_flags::none : zmq::send_flags::sndmore);
        }
    }
}

std::chrono::nanoseconds echo_round_trip(zmq::socket_t& dealer, const std::string& payload) {
    const auto start = std::chrono::steady_clock::now();
    dealer.send(zmq::buffer(payload), zmq::send_flags::none);
    zmq::pollitem_t item{dealer.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, std::chrono::milliseconds{echo_timeout}) == 0)
        throw std::runtime_error("no echo within 5 s");
    zmq::message_t reply;
    (void)dealer.recv(reply, zmq::recv_flags::none);
    return std::chrono::steady_clock::now() - start;
}

}  // namespace tristar::bench
