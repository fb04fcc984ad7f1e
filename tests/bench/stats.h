#pragma once
// Order statistics of latency samples (nearest-rank percentiles) and the median of per-run
// figures, the two statistics every benchmark figure is made of.
#include <chrono>
#include <cstddef>
#include <vector>

namespace tristar::bench {

// Latency samples in microseconds.
class Samples {
  public:
    void add(std::chrono::nanoseconds sample);
    void add_us(double us);
    std::size_t size() const { return us_.size(); }
    bool empty() const { return us_.empty(); }
    // Nearest-rank percentile, p in [0, 100]; 0 when empty.
    double percentile(double p) const;
    double mean() const;
    double max() const;

  private:
    mutable std::vector<double> us_;
    mutable bool sorted_ = false;
    void sort() const;
};

// The median of `values` (the mean of the middle two for an even count); 0 when empty.
double median(std::vector<double> values);

}  // namespace tristar::bench
