#pragma once
// ZmqEcho: a ROUTER on an ephemeral loopback port that sends every message straight back, in a
// thread of its own. A DEALER round trip through it is the floor under any gateway reply:
// the same sockets, transport and thread hand-offs, no work.
#include <chrono>
#include <string>
#include <thread>
#include <zmq.hpp>

namespace tristar::bench {

class ZmqEcho {
  public:
    explicit ZmqEcho(zmq::context_t& context);
    ~ZmqEcho();
    ZmqEcho(const ZmqEcho&) = delete;
    ZmqEcho& operator=(const ZmqEcho&) = delete;
    const std::string& endpoint() const { return endpoint_; }

  private:
    void serve(std::stop_token stop);
    zmq::socket_t router_;
    std::string endpoint_;
    std::jthread thread_;
};

// One DEALER round trip of `payload` through the echo; throws when no reply comes within 5 s.
std::chrono::nanoseconds echo_round_trip(zmq::socket_t& dealer, const std::string& payload);

}  // namespace tristar::bench
