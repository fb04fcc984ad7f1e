#include "gateway/sim/device.h"

#include <spdlog/spdlog.h>

namespace tristar::sim {

namespace {

EngineConfig engine_config(const DeviceOptions& options) {
    return {ServiceOptions{options.accept_fc16, options.refusals}, options.serial};
}

}  // namespace

Device::Device(const DeviceOptions& options, Clock::time_point start)
    : options_(options),
      model_(options.model),
      quirks_(options.quirks, options.model.seed + 1),
      stats_(start),
      engine_(model_, quirks_, stats_, engine_config(options)),
      last_advance_(start) {}

void Device::advance(Clock::time_point now) {
    model_.advance(std::chrono::duration<double>(now - last_advance_).count());
    last_advance_ = now;
}

bool Device::answers(const Incoming& request, Clock::time_point now) const {
    const bool tcp = request.origin.transport == Transport::tcp;
    return !silenced(now) && now >= device_unavailable_until_ && (!tcp || tcp_available(now));
}

bool Device::submit(Incoming request, Clock::time_point now) {
    if (!answers(request, now)) {
        ++stats_.ignored;  // rebooting or silenced: frames fall on deaf ears
        return false;
    }
    return engine_.submit(std::move(request));
}

std::optional<Clock::time_point> Device::next_deadline() const {
    auto due = engine_.next_deadline();
    if (silenced_until_ && *silenced_until_ != Clock::time_point::max())  // a timed silence
        due = due ? std::min(*due, *silenced_until_) : *silenced_until_;
    return due;
}

bool Device::apply_effect(CommandEffect effect, Clock::time_point now) {
    if (effect == CommandEffect::none) return false;
    ++stats_.resets;
    if (effect == CommandEffect::reset_controller) {
        spdlog::info("[sim {}] controller reset: unavailable for {} ms", name(),
                     options_.quirks.reset_unavailable.count());
        device_unavailable_until_ = now + options_.quirks.reset_unavailable;
        tcp_unavailable_until_ = device_unavailable_until_;
        engine_.discard_all();
    } else {
        spdlog::info("[sim {}] comm server reset: TCP unavailable for {} ms", name(),
                     options_.quirks.comm_reset_unavailable.count());
        tcp_unavailable_until_ = now + options_.quirks.comm_reset_unavailable;
    }
    return true;
}

void Device::silence(std::optional<Clock::duration> period, Clock::time_point now) {
    silenced_until_ = period ? now + *period : Clock::time_point::max();
    engine_.withhold_all();
}

void Device::revive() {
    silenced_until_.reset();
}

bool Device::end_silence(Clock::time_point now) {
    if (!silenced_until_ || silenced(now)) return false;
    silenced_until_.reset();
    return true;
}

Json Device::stats_json(Clock::time_point now) {
    stats_.slave = model_.slave_status();
    return stats_.to_json_value(now);
}

}  // namespace tristar::sim
