#include "gateway/bridge/bridge.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "gateway/base/version.h"

namespace tristar::bridge {

using namespace std::chrono_literals;

Bridge::Bridge(const BridgeConfig& config, zmq::context_t& context)
    : config_(config),
      listener_(config.listen),
      connections_({config.max_connections, config.max_connections_per_address, config.idle_timeout,
                    config.frame_timeout},
                   config.max_pending, config.log_summary_interval),
      requests_(config, context, connections_) {}

Bridge::~Bridge() = default;

int Bridge::run(int stop_fd) {
    spdlog::info(
        "[bridge] tristar-bridge {}: Modbus TCP on {}, gateway {}, max age {} ms, scaled view {}",
        version, endpoint(), config_.gateway, config_.max_age.count(),
        config_.scaled_unit == 0 ? std::string("off")
                                 : "on unit " + std::to_string(config_.scaled_unit));
    bool stop = false;
    while (!stop) {
        const auto now = std::chrono::steady_clock::now();
        requests_.expire_overdue(now);
        requests_.discover(now);
        connections_.expire(now);
        poll_once(stop_fd, stop);
    }
    spdlog::info(
        "[bridge] stopping: {} connection(s) closed, {} request(s) unanswered; connection "
        "events since start: {}",
        connections_.size(), requests_.outstanding(), connections_.totals());
    return 0;
}

void Bridge::poll_once(int stop_fd, bool& stop) {
    std::vector<zmq::pollitem_t> items{{requests_.socket().handle(), 0, ZMQ_POLLIN, 0},
                                       {nullptr, stop_fd, ZMQ_POLLIN, 0},
                                       {nullptr, listener_.fd(), ZMQ_POLLIN, 0}};
    std::vector<std::uint64_t> polled;
    for (const auto& [id, c] : connections_.all()) {
        const short events = static_cast<short>((c.wants_read() ? ZMQ_POLLIN : 0) |
                                                (c.wants_write() ? ZMQ_POLLOUT : 0));
        items.push_back({nullptr, c.fd(), events, 0});
        polled.push_back(id);
    }
    zmq::poll(items, wait_time(std::chrono::steady_clock::now()));
    if (items[1].revents != 0) {
        stop = true;
        return;
    }
    if ((items[0].revents & ZMQ_POLLIN) != 0) requests_.receive_replies();
    for (std::size_t i = 0; i < polled.size(); ++i)
        if (items[i + 3].revents != 0) serve(polled[i], items[i + 3].revents);
    if ((items[2].revents & ZMQ_POLLIN) != 0) accept_all();
}

std::chrono::milliseconds Bridge::wait_time(SteadyTime now) const {
    auto due = connections_.next_deadline();
    if (const auto reply_due = requests_.next_deadline()) {
        if (!due || *reply_due < *due) due = reply_due;
    }
    if (!due) return -1ms;  // nothing to time out: sleep until something happens
    // Rounded up, so the loop does not wake a little early and spin until the deadline.
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(*due - now);
    return std::max(left, 0ms);
}

void Bridge::accept_all() {
    // Never refused: a full table makes room (connection_policy.h).
    while (auto accepted = listener_.accept())
        connections_.admit(std::move(*accepted), std::chrono::steady_clock::now());
}

void Bridge::serve(std::uint64_t id, short revents) {
    Connection* found = connections_.find(id);
    if (found == nullptr) return;
    Connection& c = *found;
    if ((revents & ZMQ_POLLOUT) != 0 && !c.flush()) return connections_.close_failed(id);
    if ((revents & (ZMQ_POLLIN | ZMQ_POLLERR)) == 0) return;
    std::vector<modbus::TcpAdu> adus;
    // A closed or broken stream drops what came with it: nobody would read the answers, and a
    // write should not run for a master that is gone.
    if (!c.receive(adus)) return connections_.close_failed(id);
    for (const auto& adu : adus) requests_.dispatch(id, c, adu);
    if (!c.flush()) connections_.close_failed(id);
}

}  // namespace tristar::bridge
