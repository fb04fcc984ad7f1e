#pragma once
// The figures tristar-bench prints, in table order, with the targets of issue 3.
#include <vector>

#include "tests/bench/report.h"

namespace tristar::bench {

std::vector<FigureSpec> figure_specs();

}  // namespace tristar::bench
