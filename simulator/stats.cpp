#include "simulator/stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace roadside::sim {

namespace {

double nearest_rank(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) return 0;
    const double rank = std::ceil(p / 100.0 * static_cast<double>(sorted.size()));
    const std::size_t i = rank < 1 ? 0 : static_cast<std::size_t>(rank) - 1;
    return sorted[std::min(i, sorted.size() - 1)];
}

}  // namespace

double percentile(std::vector<double> values, double p) {
    std::sort(values.begin(), values.end());
    return nearest_rank(values, p);
}

Summary summarize(std::vector<double> values) {
    Summary s;
    if (values.empty()) return s;
    std::sort(values.begin(), values.end());
    s.count = values.size();
    s.mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(s.count);
    s.p50 = nearest_rank(values, 50);
    s.p90 = nearest_rank(values, 90);
    s.p99 = nearest_rank(values, 99);
    s.max = values.back();
    return s;
}

}  // namespace roadside::sim
