#include "gateway/daemon/link_health.h"

#include <spdlog/spdlog.h>

namespace tristar::gateway {

void LinkHealth::note(const LinkResult& result, bool breaker_open, std::int64_t unix_ms) {
    info_ = result.info;
    if (result.status != LinkStatus::ok && result.status != LinkStatus::exception) {
        last_error_ = result.error.data();
        ++failed_in_a_row_;
        const bool lost = breaker_open || failed_in_a_row_ > read_retries_;
        if (lost && connected()) {
            spdlog::warn("[link] device {}{}lost: {}", name_, name_.empty() ? "" : " ",
                         last_error_);
            connected_since_unix_ms_ = 0;
        }
        return;
    }
    failed_in_a_row_ = 0;
    if (connected()) return;
    if (ever_connected_)
        spdlog::info("[link] device {}{}answering again", name_, name_.empty() ? "" : " ");
    connected_since_unix_ms_ = unix_ms;
    ever_connected_ = true;
}

}  // namespace tristar::gateway
