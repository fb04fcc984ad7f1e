#include "gateway/base/log_limit.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>

namespace tristar {
namespace {

struct Registry {
    std::mutex mutex;
    std::vector<LogLimit*> limits;
};

Registry& registry() {
    static Registry instance;
    return instance;
}

}  // namespace

LogLimit::LogLimit(std::string what, std::chrono::milliseconds interval)
    : what_(std::move(what)), limiter_(1, interval) {
    std::lock_guard lock(registry().mutex);
    registry().limits.push_back(this);
}

LogLimit::~LogLimit() {
    std::lock_guard lock(registry().mutex);
    auto& limits = registry().limits;
    limits.erase(std::remove(limits.begin(), limits.end(), this), limits.end());
}

bool LogLimit::allow(RateLimiter::Time now) {
    std::lock_guard lock(mutex_);
    for (const auto& summary : limiter_.due(now))  // a window that ended before this one
        spdlog::info("{}: {} more in the last {} s, not logged", what_, summary.suppressed,
                     limiter_.interval().count() / 1000);
    return limiter_.record(0, now);
}

void LogLimit::flush(RateLimiter::Time now) {
    std::lock_guard lock(mutex_);
    for (const auto& summary : limiter_.due(now))
        spdlog::info("{}: {} more in the last {} s, not logged", what_, summary.suppressed,
                     limiter_.interval().count() / 1000);
}

void flush_log_limits(RateLimiter::Time now) {
    std::lock_guard lock(registry().mutex);
    for (LogLimit* limit : registry().limits) limit->flush(now);
}

}  // namespace tristar
