#include "tests/bench/report.h"

#include <cstdio>

#include "tests/bench/stats.h"

namespace tristar::bench {
namespace {

std::string fixed(double value, int decimals) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

std::string target_text(const FigureSpec& spec) {
    switch (spec.goal) {
        case Goal::info: return "";
        case Goal::at_most: return "<= " + fixed(spec.target, spec.decimals) + " " + spec.unit;
        case Goal::at_least: return ">= " + fixed(spec.target, spec.decimals) + " " + spec.unit;
    }
    return "";
}

std::string runs_text(const std::vector<double>& values, int decimals) {
    std::string text;
    for (const double v : values) text += (text.empty() ? "" : " ") + fixed(v, decimals);
    return text;
}

}  // namespace

std::string verdict(const FigureSpec& spec, double value) {
    switch (spec.goal) {
        case Goal::info: return "";
        case Goal::at_most: return value <= spec.target ? "PASS" : "MISS";
        case Goal::at_least: return value >= spec.target ? "PASS" : "MISS";
    }
    return "";
}

void Report::add_run(const RunFigures& figures) {
    runs_.push_back(figures);
}

std::vector<double> Report::values(const std::string& key) const {
    std::vector<double> found;
    for (const auto& run : runs_) {
        if (const auto it = run.find(key); it != run.end()) found.push_back(it->second);
    }
    return found;
}

void Report::print(std::ostream& out, const std::vector<FigureSpec>& specs) const {
    out << "| figure | median | unit | target | result | runs |\n";
    out << "| --- | ---: | --- | --- | --- | --- |\n";
    for (const auto& spec : specs) {
        const auto all = values(spec.key);
        if (all.empty()) continue;
        const double m = median(all);
        out << "| " << spec.label << " | " << fixed(m, spec.decimals) << " | " << spec.unit << " | "
            << target_text(spec) << " | " << verdict(spec, m) << " | "
            << runs_text(all, spec.decimals) << " |\n";
    }
    for (const auto& text : notes_) out << "\n- " << text;
    if (!notes_.empty()) out << '\n';
}

}  // namespace tristar::bench
