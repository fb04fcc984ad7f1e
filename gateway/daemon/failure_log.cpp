#include "gateway/daemon/failure_log.h"

#include <algorithm>

namespace tristar::gateway {

bool FailureLog::failed(std::uint8_t function, const Span& span, const std::string& answer,
                        const std::string& client, std::int64_t unix_ms) {
    ++total_;
    auto found = failing_.find(key(span));
    const bool news = found == failing_.end() || found->second.answer != answer;
    if (found == failing_.end()) {
        make_room();
        found =
            failing_.emplace(key(span), ReadFailure{function, span, answer, client, 0, unix_ms, 0})
                .first;
    }
    auto& entry = found->second;
    entry.answer = answer;
    entry.client = client;
    ++entry.failures;
    entry.last_unix_ms = unix_ms;
    return news;
}

std::vector<ReadFailure> FailureLog::succeeded(const Span& span) {
    std::vector<ReadFailure> ended;
    for (auto it = failing_.begin(); it != failing_.end();) {
        if (!span.covers(it->second.span)) {
            ++it;
            continue;
        }
        ended.push_back(std::move(it->second));
        it = failing_.erase(it);
    }
    return ended;
}

std::vector<ReadFailure> FailureLog::current() const {
    std::vector<ReadFailure> out;
    out.reserve(failing_.size());
    for (const auto& [k, entry] : failing_) out.push_back(entry);
    std::ranges::sort(out, {}, &ReadFailure::last_unix_ms);
    return out;
}

void FailureLog::make_room() {
    if (failing_.size() < capacity_) return;
    const auto oldest = std::ranges::min_element(
        failing_, {}, [](const auto& entry) { return entry.second.last_unix_ms; });
    failing_.erase(oldest);
}

}  // namespace tristar::gateway
