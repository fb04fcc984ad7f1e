#include "publisher/link_state.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace tristar::publisher {
namespace {

using namespace std::chrono_literals;

// The gateway's read budget (Status.read_budget_ms) with its default config, until its status
// says otherwise: three tries of 1000 ms with a 50 ms gap, two recovery pauses of 500 ms.
constexpr milliseconds default_read_budget{4150};
// How much longer than a request's deadline the gateway may take to answer it at all. Beyond
// that the gateway is gone or stuck: the client socket is replaced, which also discards requests
// still queued in it (a control write must never run minutes later, when the gateway comes back).
constexpr milliseconds answer_margin{2000};

}  // namespace

LinkState::LinkState(const PublisherConfig& config)
    : config_(config), read_budget_(default_read_budget) {}

milliseconds LinkState::request_deadline() const {
    return read_budget_ + config_.polls.live;
}

milliseconds LinkState::give_up_after() const {
    return request_deadline() + answer_margin;
}

milliseconds LinkState::stale_after() const {
    return config_.effective_stale_after(read_budget_);
}

bool LinkState::stale(SteadyTime now) const {
    return connected_ && now - last_live_ok_ >= stale_after();
}

bool LinkState::release_due(SteadyTime now) const {
    return !connected_ && now - down_since_ >= config_.release_after;
}

SteadyTime LinkState::next_check(SteadyTime next, bool on_bus) const {
    if (connected_) next = std::min(next, last_live_ok_ + stale_after());
    if (!connected_ && on_bus) next = std::min(next, down_since_ + config_.release_after);
    return next;
}

bool LinkState::set_connected(bool connected, SteadyTime now) {
    bool back = false;
    if (connected && !connected_) {
        spdlog::info("[link] up: the TriStar answers through the gateway");
        back = had_link_;
        had_link_ = true;
    }
    if (!connected && connected_) down_since_ = now;
    connected_ = connected;
    return back;
}

bool LinkState::learn_read_budget(milliseconds budget) {
    if (budget <= 0ms || budget == read_budget_) return false;
    read_budget_ = std::min(budget, milliseconds{600000});
    spdlog::info(
        "[link] the gateway's read budget is {} ms: values go stale after {} ms without a live "
        "read",
        read_budget_.count(), stale_after().count());
    return true;
}

}  // namespace tristar::publisher
