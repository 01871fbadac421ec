#pragma once
// Figures over samples: what the simulator, the load generator and the benchmarks print.
#include <cstddef>
#include <vector>

namespace roadside::sim {

struct Summary {
    std::size_t count = 0;
    double mean = 0;
    double p50 = 0;
    double p90 = 0;
    double p99 = 0;
    double max = 0;
};

// Nearest-rank percentile (p in [0, 100]) of `values`; 0 for none. Sorts a copy.
double percentile(std::vector<double> values, double p);
// count, mean, p50, p90, p99 and max of `values` (all 0 for none).
Summary summarize(std::vector<double> values);

}  // namespace roadside::sim
