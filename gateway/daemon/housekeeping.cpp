#include "gateway/daemon/housekeeping.h"

#include <malloc.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "gateway/base/log_limit.h"
#include "proto/tristar/register_map.h"

namespace tristar::gateway {
namespace {

constexpr const char* maintenance_client = "gateway-maintenance";

}  // namespace

Housekeeping::Housekeeping(int comm_reset_hour, std::chrono::milliseconds deadline)
    : maintenance_(comm_reset_hour),
      next_maintenance_(maintenance_.next_after(std::chrono::system_clock::now())),
      deadline_(deadline) {}

int Housekeeping::timeout_ms() const {
    if (!next_maintenance_) return -1;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          *next_maintenance_ - std::chrono::system_clock::now())
                          .count();
    // Re-checked at least every minute: the system clock may be set while we wait.
    return static_cast<int>(std::clamp<std::int64_t>(left + 1, 0, 60'000));
}

void Housekeeping::every_minute() {
    const auto now = Clock::now();
    if (now < next_minute_) return;
    next_minute_ = now + std::chrono::minutes{1};
    flush_log_limits();
    ::malloc_trim(0);
}

std::optional<Pending> Housekeeping::maintenance_due() {
    const auto now = std::chrono::system_clock::now();
    if (!next_maintenance_ || now < *next_maintenance_) return std::nullopt;
    next_maintenance_ = maintenance_.next_after(now);
    spdlog::info("[maintenance] daily reset of the device's communication server (coil {:#06x})",
                 tristar::addr::coil_reset_comm_server);
    Pending pending;
    pending.request.set_client_name(maintenance_client);
    pending.request.mutable_write_coil()->set_address(tristar::addr::coil_reset_comm_server);
    pending.request.mutable_write_coil()->set_value(true);
    pending.arrival = Clock::now();
    pending.lane = Lane::write;
    pending.deadline = pending.arrival + deadline_;
    pending.client = maintenance_client;
    return pending;
}

}  // namespace tristar::gateway
