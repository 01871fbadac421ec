// The shared workload: deterministic, and shaped like a real day of road-service calls.
#include <gtest/gtest.h>

#include <map>
#include <numeric>

#include "simulator/workload.hpp"

namespace roadside::sim {
namespace {

std::vector<geo::LatLon> homes(std::size_t n, std::uint64_t seed) {
    Rng rng(seed);
    std::vector<geo::LatLon> out;
    for (std::size_t i = 0; i < n; ++i) out.push_back(point_near(rng, pick_place(rng)));
    return out;
}

TEST(Rng, SameSeedSameSequenceAndForksAreIndependentOfLaterDraws) {
    Rng a(42), b(42), c(43);
    for (int i = 0; i < 100; ++i) EXPECT_EQ(a.next(), b.next());
    EXPECT_NE(Rng(42).next(), c.next());
    Rng d(7);
    const Rng f1 = d.fork(1);
    Rng f1_copy = f1;
    Rng f2 = d.fork(2);
    EXPECT_NE(f1_copy.next(), f2.next());
}

TEST(Rng, BelowStaysInRangeAndCoversIt) {
    Rng rng(1);
    std::vector<int> seen(7, 0);
    for (int i = 0; i < 7000; ++i) {
        const auto x = rng.below(7);
        ASSERT_LT(x, 7u);
        ++seen[x];
    }
    for (int n : seen) EXPECT_NEAR(n, 1000, 150);
    EXPECT_THROW(rng.below(0), std::invalid_argument);
}

TEST(Rng, UniformNormalExponentialAndWeightedHaveTheirShape) {
    Rng rng(3);
    double sum = 0, sum_sq = 0, exp_sum = 0;
    constexpr int n = 20000;
    for (int i = 0; i < n; ++i) {
        const double u = rng.uniform();
        ASSERT_GE(u, 0.0);
        ASSERT_LT(u, 1.0);
        const double z = rng.normal();
        sum += z;
        sum_sq += z * z;
        exp_sum += rng.exponential(5.0);
    }
    EXPECT_NEAR(sum / n, 0.0, 0.05);
    EXPECT_NEAR(sum_sq / n, 1.0, 0.05);
    EXPECT_NEAR(exp_sum / n, 5.0, 0.2);
    std::vector<int> counts(3, 0);
    for (int i = 0; i < 10000; ++i) ++counts[rng.weighted({1, 0, 3})];
    EXPECT_EQ(counts[1], 0);
    EXPECT_NEAR(counts[0], 2500, 200);
    EXPECT_THROW(rng.weighted({0, 0}), std::invalid_argument);
}

TEST(Places, CoverJapanWithItsPopulation) {
    double total = 0;
    for (const Place& p : places()) {
        EXPECT_TRUE(geo::is_valid({p.lat, p.lon})) << p.name;
        EXPECT_GT(p.spread_km, 0) << p.name;
        total += p.population_k;
    }
    // The 2020 census: 126.1 million.
    EXPECT_NEAR(total, 126'146, 200);
}

TEST(Places, PointsNearAPlaceStayWithinThreeSpreads) {
    Rng rng(5);
    for (int i = 0; i < 2000; ++i) {
        const Place& p = pick_place(rng);
        const geo::LatLon x = point_near(rng, p);
        ASSERT_TRUE(geo::is_valid(x));
        EXPECT_LE(geo::distance_m({p.lat, p.lon}, x), 3.2 * p.spread_km * 1000.0) << p.name;
    }
    const geo::LatLon tokyo{35.6895, 139.6917};
    const geo::LatLon far = point_at_distance(rng, tokyo, 250.0);
    EXPECT_NEAR(geo::distance_m(tokyo, far), 250'000.0, 0.01);
}

TEST(PlanCalls, TheSameSeedGivesTheSameDay) {
    const auto h = homes(3000, 9);
    Rng a(1), b(1), c(2);
    const auto x = plan_calls({.calls = 2000}, h, a);
    const auto y = plan_calls({.calls = 2000}, h, b);
    const auto z = plan_calls({.calls = 2000}, h, c);
    ASSERT_EQ(x.size(), y.size());
    bool differs = false;
    for (std::size_t i = 0; i < x.size(); ++i) {
        EXPECT_EQ(x[i].at_s, y[i].at_s);
        EXPECT_EQ(x[i].contract, y[i].contract);
        EXPECT_EQ(x[i].location.lat_deg, y[i].location.lat_deg);
        EXPECT_EQ(x[i].cause, y[i].cause);
        EXPECT_EQ(x[i].seed, y[i].seed);
        EXPECT_EQ(x[i].claim.has_value(), y[i].claim.has_value());
        differs = differs || x[i].at_s != z[i].at_s || x[i].contract != z[i].contract;
    }
    EXPECT_TRUE(differs) << "another seed gives another day";
}

TEST(PlanCalls, ADayLooksLikeRoadServiceStatistics) {
    const auto h = homes(12000, 11);
    Rng rng(1);
    const auto calls = plan_calls({.calls = 10000}, h, rng);
    ASSERT_EQ(calls.size(), 10000u);
    std::map<Cause, int> causes;
    int tows = 0, travelling = 0, remote = 0, claims = 0, night = 0, morning = 0;
    std::vector<bool> used(h.size(), false);
    for (std::size_t i = 0; i < calls.size(); ++i) {
        const CallPlan& c = calls[i];
        ASSERT_GE(c.at_s, 0);
        ASSERT_LT(c.at_s, 86'400);
        if (i > 0) {
            ASSERT_LE(calls[i - 1].at_s, c.at_s) << "sorted by time";
        }
        ASSERT_TRUE(geo::is_valid(c.location));
        ASSERT_LT(c.contract, h.size());
        EXPECT_FALSE(used[c.contract]) << "one contract per call while there are enough";
        used[c.contract] = true;
        ASSERT_GE(c.occupants, 1);
        ++causes[c.cause];
        if (c.job.service == dispatch::Service::tow) {
            ++tows;
            EXPECT_GT(c.tow_road_km, 0);
        }
        if (c.job.service == dispatch::Service::wheel_drop_recovery) {
            EXPECT_TRUE(c.job.wheel_drop.has_value());
        }
        travelling += c.travelling;
        const bool is_remote = geo::distance_m(h[c.contract], c.location) >= 100'000.0;
        remote += is_remote;
        if (c.claim) {
            ++claims;
            EXPECT_TRUE(is_remote && c.job.service == dispatch::Service::tow)
                << "only stranded customers whose car was towed claim";
            EXPECT_FALSE(c.claim->receipts.empty());
            for (const auto& r : c.claim->receipts) EXPECT_GT(r.amount_yen, 0);
        }
        if (c.at_s < 5 * 3600) ++night;
        if (c.at_s >= 8 * 3600 && c.at_s < 13 * 3600) ++morning;
    }
    // JAF: batteries ~35 %, tyres ~18 %; about 40 % of calls need a tow.
    EXPECT_NEAR(causes[Cause::battery], 3500, 200);
    EXPECT_NEAR(causes[Cause::flat_tire], 1800, 150);
    EXPECT_NEAR(tows, 4000, 300);
    EXPECT_NEAR(travelling, 1200, 150);
    EXPECT_NEAR(remote, 600, 120);
    EXPECT_GT(claims, 100);
    EXPECT_GT(morning, 4 * night) << "the day is busier than the night";
}

TEST(HourlyProfile, HasTwentyFourHoursSummingToOneHundred) {
    const auto& p = hourly_call_profile();
    ASSERT_EQ(p.size(), 24u);
    EXPECT_NEAR(std::accumulate(p.begin(), p.end(), 0.0), 100.0, 1e-9);
}

TEST(ProblemCode, EveryCauseHasTheCodeOfTheCallsEndpoint) {
    std::map<std::string_view, int> seen;
    for (Cause c : kAllCauses) ++seen[problem_code(c)];
    EXPECT_EQ(seen.size(), std::size(kAllCauses));
    for (const char* code : {"battery", "flat_tire", "lockout", "wheel_drop", "fuel", "breakdown",
                             "accident"}) {
        EXPECT_EQ(seen.count(code), 1u) << code;
    }
}

}  // namespace
}  // namespace roadside::sim
