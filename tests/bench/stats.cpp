#include "tests/bench/stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace tristar::bench {

void Samples::add(std::chrono::nanoseconds sample) {
    add_us(static_cast<double>(sample.count()) / 1000.0);
}

void Samples::add_us(double us) {
    us_.push_back(us);
    sorted_ = false;
}

void Samples::sort() const {
    if (sorted_) return;
    std::sort(us_.begin(), us_.end());
    sorted_ = true;
}

double Samples::percentile(double p) const {
    if (us_.empty()) return 0.0;
    sort();
    // Nearest rank: the smallest sample with at least p % of the samples at or below it.
    const auto n = static_cast<double>(us_.size());
    const auto rank = static_cast<std::size_t>(std::ceil(std::clamp(p, 0.0, 100.0) / 100.0 * n));
    return us_[std::max<std::size_t>(rank, 1) - 1];
}

double Samples::mean() const {
    if (us_.empty()) return 0.0;
    return std::accumulate(us_.begin(), us_.end(), 0.0) / static_cast<double>(us_.size());
}

double Samples::max() const {
    if (us_.empty()) return 0.0;
    return *std::max_element(us_.begin(), us_.end());
}

double median(std::vector<double> values) {
    if (values.empty()) return 0.0;
    std::sort(values.begin(), values.end());
    const std::size_t mid = values.size() / 2;
    if (values.size() % 2 == 1) return values[mid];
    return (values[mid - 1] + values[mid]) / 2.0;
}

}  // namespace tristar::bench
