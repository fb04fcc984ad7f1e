#pragma once
// Report: the figures of every run, reduced to medians and printed as a table with each
// figure's target and an honest PASS/MISS.
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace tristar::bench {

// The figures one run of a scenario measured, by key (see FigureSpec::key).
using RunFigures = std::map<std::string, double>;

enum class Goal { info, at_most, at_least };

struct FigureSpec {
    std::string key;    // e.g. "a.close.added_p50"
    std::string label;  // what a reader sees
    std::string unit;   // "us", "x", "%", "MB", ...
    Goal goal = Goal::info;
    double target = 0;  // in `unit`
    int decimals = 1;
};

class Report {
  public:
    void add_run(const RunFigures& figures);
    void note(const std::string& text) { notes_.push_back(text); }
    // Prints one row per spec whose figure was measured in at least one run.
    void print(std::ostream& out, const std::vector<FigureSpec>& specs) const;
    // Every run's value of a figure, in run order.
    std::vector<double> values(const std::string& key) const;

  private:
    std::vector<RunFigures> runs_;
    std::vector<std::string> notes_;
};

// "PASS", "MISS" or "" (info only) for a median against its spec.
std::string verdict(const FigureSpec& spec, double value);

}  // namespace tristar::bench
