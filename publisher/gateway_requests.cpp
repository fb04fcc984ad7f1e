#include "publisher/gateway_requests.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace tristar::publisher {

using namespace std::chrono_literals;

GatewayRequests::GatewayRequests(const PublisherConfig& config, zmq::context_t& context)
    : endpoint_(config.gateway),
      device_(config.device),
      context_(context),
      curve_(client::load_curve_keys(client::CurveKeyFiles{config.server_public_key_file,
                                                           config.client_secret_key_file,
                                                           config.client_public_key_file})) {}

void GatewayRequests::connect(std::chrono::milliseconds deadline) {
    client::Options options;
    options.endpoint = endpoint_;
    options.client_name = "tristar-publisher";
    options.curve = curve_;
    options.priority = v1::PRIORITY_POLL;
    options.deadline_ms = static_cast<std::uint32_t>(deadline.count());
    options.device = device_;
    gateway_ = std::make_unique<client::GatewayClient>(context_, options);
}

void GatewayRequests::set_deadline(std::chrono::milliseconds deadline) {
    gateway_->set_deadline_ms(static_cast<std::uint32_t>(deadline.count()));
}

std::uint64_t GatewayRequests::send(v1::Request request, Outstanding pending) {
    const auto id = gateway_->send(std::move(request));
    outstanding_[id] = std::move(pending);
    return id;
}

void GatewayRequests::receive_replies(
    const std::function<void(Outstanding& done, const v1::Reply& reply)>& on_reply) {
    while (auto reply = gateway_->receive(0ms)) {
        auto it = outstanding_.find(reply->id());
        if (it == outstanding_.end()) continue;  // of a request given up on
        silent_ = false;
        Outstanding done = std::move(it->second);
        outstanding_.erase(it);
        on_reply(done, *reply);
    }
}

bool GatewayRequests::overdue(SteadyTime now, std::chrono::milliseconds give_up_after) const {
    return std::ranges::any_of(
        outstanding_, [&](const auto& entry) { return now - entry.second.sent >= give_up_after; });
}

std::vector<Outstanding> GatewayRequests::give_up() {
    // Once per outage at warning level: a gateway that is down stays silent for a long time.
    spdlog::log(silent_ ? spdlog::level::debug : spdlog::level::warn,
                "[link] the gateway at {} does not answer; reconnecting{}", endpoint_,
                client::no_reply_hint(gateway_->options()));
    silent_ = true;
    std::vector<Outstanding> dropped;
    for (auto& entry : outstanding_) dropped.push_back(std::move(entry.second));
    outstanding_.clear();
    return dropped;
}

SteadyTime GatewayRequests::next_give_up(SteadyTime next,
                                         std::chrono::milliseconds give_up_after) const {
    for (const auto& entry : outstanding_) next = std::min(next, entry.second.sent + give_up_after);
    return next;
}

bool GatewayRequests::writing(std::string_view path) const {
    return std::ranges::any_of(outstanding_, [&](const auto& entry) {
        return entry.second.write && entry.second.path == path;
    });
}

}  // namespace tristar::publisher
