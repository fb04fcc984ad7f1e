#include "gateway/daemon/health.h"

#include <algorithm>

namespace tristar::gateway {

void Histogram::add(std::uint64_t us) {
    const auto it = std::lower_bound(bounds_us.begin(), bounds_us.end(), us);
    ++counts_[static_cast<std::size_t>(it - bounds_us.begin())];
    ++total_;
    sum_us_ += us;
}

Histogram& Histogram::operator+=(const Histogram& other) {
    for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
    total_ += other.total_;
    sum_us_ += other.sum_us_;
    return *this;
}

void Histogram::to_proto(v1::Histogram& out) const {
    out.Clear();
    for (auto bound : bounds_us) out.add_bounds_us(bound);
    for (auto count : counts_) out.add_counts(count);
    out.set_total(total_);
    out.set_sum_us(sum_us_);
}

}  // namespace tristar::gateway
