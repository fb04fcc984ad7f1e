#pragma once
// Replies: how the front answers a request on its ROUTER socket. Stamps the request's id and
// queue time, logs every write's outcome (those that never reached the device rate-limited: a
// client can cause them at will) and counts replies the socket dropped or could not route.
#include <string>
#include <vector>
#include <zmq.hpp>

#include "gateway.pb.h"
#include "gateway/base/log_limit.h"
#include "gateway/daemon/health.h"
#include "gateway/daemon/pending.h"

namespace tristar::gateway {

// The rate limit of "[write] ... not sent/executed" lines.
LogLimit& unsent_writes_log();

class Replies {
  public:
    Replies(zmq::socket_t& router, Health& health) : router_(router), health_(health) {}

    void answer(const Pending& pending, v1::Reply& reply);
    void answer_error(const Pending& pending, v1::ErrorCode code, const std::string& message);
    // An empty envelope is the gateway's own request: nobody to answer.
    void send(const std::vector<std::string>& envelope, const v1::Reply& reply);

  private:
    zmq::socket_t& router_;
    Health& health_;
};

}  // namespace tristar::gateway
