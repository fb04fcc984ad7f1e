#include "gateway/daemon/read_planner.h"

namespace tristar::gateway {
namespace {

std::uint16_t max_words(Table table) {
    return table == Table::coils || table == Table::discrete ? max_read_bits : max_read_registers;
}

}  // namespace

ReadPlanner::ReadPlanner(DeviceProfile profile, ReadAhead mode,
                         std::chrono::milliseconds reprobe_after)
    : profile_(std::move(profile)), mode_(mode), reprobe_after_(reprobe_after) {}

std::optional<std::vector<std::uint16_t>> ReadPlanner::cached(
    const Span& span, Clock::time_point now, std::chrono::milliseconds max_age) const {
    if (max_age.count() <= 0) return std::nullopt;
    return cache_.lookup(span, now, max_age);
}

Span ReadPlanner::plan(const Span& span, Clock::time_point now) const {
    if (mode_ == ReadAhead::off) return span;
    const auto wide = widen(span, profile_, max_words(span.table));
    if (!wide) return span;
    if (mode_ == ReadAhead::small && span.count * 4u > wide->count) return span;
    const auto refused = refused_until_.find(key(*wide));
    if (refused != refused_until_.end() && now < refused->second) return span;
    return *wide;
}

bool ReadPlanner::refused(const Span& wide, Clock::time_point now) {
    auto& until = refused_until_[key(wide)];
    const bool news = until <= now;
    until = now + reprobe_after_;
    return news;
}

void ReadPlanner::store(const Span& span, std::span<const std::uint16_t> words,
                        Clock::time_point at) {
    cache_.store(span, words, at);
}

void ReadPlanner::wrote(const LinkRequest& write) {
    if (profile_.write_invalidates_all) cache_.invalidate_unit(write.unit);
    const auto table = write.function == 5 ? Table::coils : Table::holding;
    const auto count = write.function == 16 ? write.count : std::uint16_t{1};
    cache_.invalidate(Span{table, write.unit, write.address, count});
}

std::size_t ReadPlanner::refused_blocks(Clock::time_point now) const {
    std::size_t n = 0;
    for (const auto& [block, until] : refused_until_)
        if (now < until) ++n;
    return n;
}

ReadAhead resolved_read_ahead(const DeviceConfig& device) {
    if (device.read_ahead != ReadAhead::automatic) return device.read_ahead;
    return std::holds_alternative<RtuDevice>(device.address) ? ReadAhead::small : ReadAhead::block;
}

}  // namespace tristar::gateway
