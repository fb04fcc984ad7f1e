#include "gateway/bridge/connection_log.h"

namespace tristar::bridge {
namespace {

// Indexed by ConnectionLog::Event.
constexpr std::array<std::string_view, ConnectionLog::event_count> event_names{
    "connections opened",
    "connections closed by their peer",
    "connections failed (socket error)",
    "connections closed for a malformed MBAP header",
    "connections closed for idleness (idle_timeout_ms)",
    "connections closed for an unfinished frame (frame_timeout_ms)",
    "connections evicted for a new one from the same address (max_connections_per_address)",
    "connections evicted for a new one (max_connections)",
};

}  // namespace

spdlog::level::level_enum ConnectionLog::level(Event event) {
    switch (event) {
        case Event::malformed:
        case Event::partial_frame:
        case Event::evicted_per_address:
        case Event::evicted_total: return spdlog::level::warn;
        default: return spdlog::level::info;
    }
}

std::string_view ConnectionLog::name(std::size_t event) {
    return event_names.at(event);
}

void ConnectionLog::summarize(Time now) {
    const double seconds = static_cast<double>(limiter_.interval().count()) / 1000.0;
    for (const auto& s : limiter_.due(now)) {
        const auto at = level(static_cast<Event>(s.cause));
        if (spdlog::should_log(at))
            spdlog::log(at, "[bridge] {}: {} more in the last {:g} s ({} since start)",
                        name(s.cause), s.suppressed, seconds, s.total);
    }
}

std::string ConnectionLog::totals() const {
    std::string text;
    for (std::size_t i = 0; i < event_count; ++i) {
        if (limiter_.total(i) == 0) continue;
        if (!text.empty()) text += ", ";
        text += std::string(name(i)) + " " + std::to_string(limiter_.total(i));
    }
    return text.empty() ? "none" : text;
}

}  // namespace tristar::bridge
