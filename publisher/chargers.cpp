#include "publisher/chargers.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "gateway/base/local_zone.h"
#include "gateway/base/version.h"
#include "publisher/device_choice.h"
#include "publisher/device_files.h"
#include "publisher/log_scope.h"

namespace tristar::publisher {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

std::string joined(const std::vector<std::string>& names) {
    std::string text;
    for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
    return text;
}

}  // namespace

Chargers::Chargers(const PublisherConfig& config, ConnectBus connect)
    : config_(config), connect_(std::move(connect)) {}

Chargers::~Chargers() = default;

int Chargers::run(int stop_fd) {
    if (!config_.timezone.empty() && !apply_timezone(config_.timezone))
        spdlog::warn("[timezone] timezone {:?} is not known; local time follows TZ",
                     config_.timezone);
    spdlog::info("[publisher] tristar-publisher {}: gateway {}, polling every {} ms", version,
                 config_.gateway, config_.polls.live.count());
    discovery_.emplace(config_, context_);
    while (turn(stop_fd)) {
    }
    spdlog::info("[publisher] stopping");
    return stop_all();
}

// One turn of the loop: every publisher's step, one poll over everything they wait for (and the
// gateway's status while the devices are being discovered), then the replies that came.
bool Chargers::turn(int stop_fd) {
    for (auto& s : served_) {
        const LogScope scope(s.log_name);
        s.publisher->step();
    }
    if (discovery_) discovery_->turn(Steady::now());
    std::vector<zmq::pollitem_t> items;
    auto wait = 1000ms;
    for (auto& s : served_) {
        const LogScope scope(s.log_name);
        wait = std::min(wait, s.publisher->prepare_wait(items));
    }
    const std::size_t discovery_item = items.size();
    if (discovery_) {
        items.push_back({discovery_->socket_handle(), 0, ZMQ_POLLIN, 0});
        const auto due = std::chrono::ceil<milliseconds>(discovery_->next_due() - Steady::now());
        wait = std::clamp(due, 0ms, wait);
    }
    items.push_back({nullptr, stop_fd, ZMQ_POLLIN, 0});
    zmq::poll(items.data(), items.size(), wait);
    if (items.back().revents != 0) return false;
    for (std::size_t i = 0; i < served_.size(); ++i) {
        const LogScope scope(served_[i].log_name);
        served_[i].publisher->after_wait(&items[2 * i]);
    }
    if (discovery_ && (items[discovery_item].revents & ZMQ_POLLIN) != 0)
        if (auto listed = discovery_->take_replies(Steady::now())) on_devices(*listed);
    return true;
}

void Chargers::on_devices(const std::vector<std::string>& listed) {
    if (!config_.devices.empty()) return start_named(listed);
    if (!known_) {
        known_ = listed;
        return start(listed);
    }
    for (const auto& name : devices_added(*known_, listed)) {
        if (std::ranges::find(reported_, name) != reported_.end()) continue;
        reported_.push_back(name);
        spdlog::warn(
            "[publisher] the gateway now also serves device {:?}; restart "
            "tristar-publisher to publish it",
            name);
    }
}

void Chargers::start(const std::vector<std::string>& listed) {
    const auto configs = device_configs(config_, listed);
    const bool several = configs.size() > 1;
    if (several) {
        several_log(listed);
        take_over_single_files(listed.front());
    }
    for (const auto& config : configs) add(config, several);
}

// [publisher] devices: each named device is started once the gateway lists it (a gateway that
// lists none serves one device and cannot say; every name is started). A name it does not serve
// is one error line, and is started when a later status lists it.
void Chargers::start_named(const std::vector<std::string>& listed) {
    if (!known_) {
        known_ = listed;
        waiting_ = device_configs(config_, {});
        if (waiting_.size() > 1) several_log(config_.devices);
    }
    const bool several = config_.devices.size() > 1;
    std::vector<PublisherConfig> still;
    for (auto& config : waiting_) {
        const bool served =
            listed.empty() || std::ranges::find(listed, config.device) != listed.end();
        if (served) {
            add(config, several);
            continue;
        }
        if (std::ranges::find(reported_, config.device) == reported_.end()) {
            reported_.push_back(config.device);
            spdlog::error(
                "[publisher] device {:?} of [publisher] devices is not served by the gateway, "
                "which serves {}; it is published once the gateway serves it",
                config.device, joined(listed));
        }
        still.push_back(std::move(config));
    }
    waiting_ = std::move(still);
}

void Chargers::several_log(const std::vector<std::string>& names) const {
    name_devices_in_log(config_.log_plain);
    spdlog::info("[publisher] publishing {} devices: {}", names.size(), joined(names));
    if (!config_.serial.empty())
        spdlog::warn(
            "[publisher] serial {:?} is not used with several devices: each service is named "
            "after its own TriStar's serial",
            config_.serial);
}

void Chargers::add(const PublisherConfig& config, bool several) {
    Served s;
    s.log_name = several ? config.device : "";
    const LogScope scope(s.log_name);
    s.bus = connect_();
    s.publisher = std::make_unique<Publisher>(config, *s.bus, context_);
    served_.push_back(std::move(s));
}

// From one device to several: the first device keeps what the publisher of one device kept.
void Chargers::take_over_single_files(const std::string& first) {
    try {
        const auto files = adopt_single_device_files(config_.data_dir, first);
        if (!files.empty())
            spdlog::info("[publisher] the files of the single device are now device {}'s: {}",
                         first, joined(files));
    } catch (const std::filesystem::filesystem_error& e) {
        spdlog::error("[publisher] cannot give the single device's files to {}: {}", first,
                      e.what());
    }
}

int Chargers::stop_all() {
    bool saved = true;
    for (auto& s : served_) {
        const LogScope scope(s.log_name);
        saved = s.publisher->stop() && saved;
    }
    return saved ? 0 : 1;
}

}  // namespace tristar::publisher
