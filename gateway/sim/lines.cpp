#include "gateway/sim/lines.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace tristar::sim {

namespace {

Json device_names(std::span<Device* const> devices) {
    Json names = Json::array();
    for (const Device* device : devices) names.push_back(device->name());
    return names;
}

}  // namespace

TcpLine::TcpLine(const HostPort& address, Device& device)
    : device_(device), server_(address.host, address.port, device.stats()) {}

void TcpLine::on_events(std::span<const pollfd> entries, Clock::time_point now) {
    std::vector<Incoming> requests;
    std::vector<std::uint64_t> closed;
    const TcpPolicy policy{!device_.tcp_available(now), device_.options().quirks.single_connection};
    server_.on_events(entries, policy, requests, closed);
    discard(closed);
    for (auto& request : requests) {
        if (device_.serving(Transport::tcp)) ++stats_.overlaps;
        if (device_.submit(std::move(request), now)) ++stats_.transactions;
    }
}

void TcpLine::send(const Outgoing& out) {
    std::vector<std::uint64_t> closed;
    const bool close_after = !device_.options().quirks.keep_connection || out.cut;
    server_.send(out.origin.connection, *out.frame, close_after, closed);
    discard(closed);
}

void TcpLine::drop_connections() {
    std::vector<std::uint64_t> closed;
    server_.close_all(closed);
    discard(closed);
}

void TcpLine::discard(const std::vector<std::uint64_t>& closed) {
    for (const auto id : closed) device_.discard({Transport::tcp, id});
}

Json TcpLine::stats_json() const {
    Device* const devices[] = {&device_};
    return {{"devices", device_names(devices)},
            {"transactions", stats_.transactions},
            {"overlaps", stats_.overlaps}};
}

RtuLine::RtuLine(const std::string& path, const modbus::SerialFormat& format,
                 std::vector<Device*> devices)
    : server_(path, format), devices_(std::move(devices)) {}

void RtuLine::on_events(short revents, Clock::time_point now) {
    auto frames = server_.on_events(revents, now);
    std::ranges::move(server_.on_timer(now), std::back_inserter(frames));
    count_bad_frames();
    for (auto& frame : frames) route(std::move(frame), now);
}

// Every device hears the frame; the one it names (all, for a broadcast) serves it.
void RtuLine::route(modbus::RtuFrame frame, Clock::time_point now) {
    if (busy()) ++stats_.overlaps;
    bool addressed = false;
    bool taken = false;
    for (Device* device : devices_) {
        if (frame.unit_id != 0 && frame.unit_id != device->unit_id()) {
            ++device->stats().other_units;  // not for this one: no reply
            continue;
        }
        addressed = true;
        taken = device->submit({{Transport::rtu, 0}, 0, frame.unit_id, frame.pdu}, now) || taken;
    }
    if (!addressed) ++stats_.unrouted;
    if (taken) ++stats_.transactions;
}

void RtuLine::count_bad_frames() {
    const std::uint64_t added = server_.bad_frames() - bad_frames_seen_;
    if (added == 0) return;
    spdlog::debug("[sim rtu] frame discarded");
    bad_frames_seen_ = server_.bad_frames();
    stats_.bad_frames += added;
    for (Device* device : devices_) device->stats().bad_frames += added;
}

bool RtuLine::busy() const {
    return std::ranges::any_of(devices_,
                               [](const Device* d) { return d->serving(Transport::rtu); });
}

Json RtuLine::stats_json() const {
    return {{"devices", device_names(devices_)},
            {"transactions", stats_.transactions},
            {"overlaps", stats_.overlaps},
            {"unrouted", stats_.unrouted},
            {"bad_frames", stats_.bad_frames}};
}

}  // namespace tristar::sim
