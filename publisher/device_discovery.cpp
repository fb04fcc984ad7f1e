#include "publisher/device_discovery.h"

#include <spdlog/spdlog.h>

#include "publisher/device_status.h"

namespace tristar::publisher {

using namespace std::chrono_literals;

DeviceDiscovery::DeviceDiscovery(const PublisherConfig& config, zmq::context_t& context,
                                 Timing timing)
    : endpoint_(config.gateway),
      curve_(client::load_curve_keys(client::CurveKeyFiles{config.server_public_key_file,
                                                           config.client_secret_key_file,
                                                           config.client_public_key_file})),
      context_(context),
      timing_(timing) {
    connect();
}

// A new socket: a request still queued in the old one is dropped with it.
void DeviceDiscovery::connect() {
    client::Options options;
    options.endpoint = endpoint_;
    options.client_name = "tristar-publisher";
    options.curve = curve_;
    options.priority = v1::PRIORITY_POLL;
    options.deadline_ms = static_cast<std::uint32_t>(timing_.retry.count());
    client_ = std::make_unique<client::GatewayClient>(context_, options);
}

void DeviceDiscovery::send(SteadyTime now) {
    v1::Request request;
    request.mutable_status();
    waiting_ = client_->send(std::move(request));
    sent_ = now;
}

void DeviceDiscovery::turn(SteadyTime now) {
    if (waiting_ && now - sent_ >= timing_.retry) {
        // Once at warning level while the devices are not known: a gateway that is down stays
        // silent for long. Later the services' own lines tell of an outage.
        spdlog::log(silent_ || listed_ ? spdlog::level::debug : spdlog::level::warn,
                    "[publisher] the gateway at {} does not answer; its devices are published "
                    "once it does{}",
                    endpoint_, client::no_reply_hint(client_->options()));
        silent_ = true;
        waiting_.reset();
        connect();
        next_ = now;
    }
    if (!waiting_ && now >= next_) send(now);
}

SteadyTime DeviceDiscovery::next_due() const {
    return waiting_ ? sent_ + timing_.retry : next_;
}

std::optional<std::vector<std::string>> DeviceDiscovery::take_replies(SteadyTime now) {
    std::optional<std::vector<std::string>> names;
    while (auto reply = client_->receive(0ms)) {
        if (!waiting_ || reply->id() != *waiting_) continue;  // of a request given up on
        waiting_.reset();
        if (!reply->has_status()) {
            spdlog::debug("[publisher] the gateway's status failed: {}",
                          client::failure_of(*reply) ? client::failure_of(*reply)->describe()
                                                     : std::string("no status in the reply"));
            next_ = now + timing_.retry;
            continue;
        }
        if (silent_ && !listed_) spdlog::info("[publisher] the gateway at {} answers", endpoint_);
        silent_ = false;
        listed_ = true;
        next_ = now + timing_.watch;
        names = device_names(reply->status());
    }
    return names;
}

}  // namespace tristar::publisher
