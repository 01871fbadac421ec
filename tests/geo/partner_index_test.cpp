// The spatial index of tow partners (geo/partner_index.hpp). Its answer must be exactly the brute
// force answer (same ids, same order, same distances), so most checks compare the two over random
// partner sets and queries; the rest pin down edges the random data would rarely hit: a partner
// exactly on the radius, identical positions, the antimeridian and the poles, and updates.
#include "geo/partner_index.hpp"

#include <gtest/gtest.h>

#include <GeographicLib/Geocentric.hpp>
#include <GeographicLib/Geodesic.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <numbers>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace roadside::geo {
namespace {

// Mirrors dispatch::Capability; geo does not depend on dispatch.
constexpr unsigned kOnSite = 1u;
constexpr unsigned kWrecker = 2u;
constexpr unsigned kCarrier = 4u;
constexpr unsigned kAnyCapability = ~0u;

constexpr double kInf = std::numeric_limits<double>::infinity();

constexpr LatLon kTokyo{35.68, 139.77};
constexpr LatLon kOsaka{34.69, 135.50};
constexpr LatLon kNagoya{35.18, 136.91};
constexpr LatLon kSapporo{43.06, 141.35};
constexpr LatLon kFukuoka{33.59, 130.40};

using Rng = std::mt19937_64;

double uniform(Rng& rng, double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
}

// Longitude brought back into [-180, 180] after a random offset.
double wrap_lon(double lon_deg) {
    while (lon_deg > 180.0) lon_deg -= 360.0;
    while (lon_deg < -180.0) lon_deg += 360.0;
    return lon_deg;
}

LatLon clamp(LatLon p) {
    return {std::clamp(p.lat_deg, -90.0, 90.0), wrap_lon(p.lon_deg)};
}

LatLon around(Rng& rng, LatLon centre, double sigma_deg) {
    std::normal_distribution<double> jitter(0.0, sigma_deg);
    return clamp({centre.lat_deg + jitter(rng), centre.lon_deg + jitter(rng)});
}

// Most partners and breakdowns around the big cities, the rest anywhere over Japan's bounding box
// (sea included, which only makes the search work harder).
LatLon japan_point(Rng& rng) {
    const double pick = uniform(rng, 0.0, 1.0);
    if (pick < 0.25) return around(rng, kTokyo, 0.3);
    if (pick < 0.37) return around(rng, kOsaka, 0.25);
    if (pick < 0.45) return around(rng, kNagoya, 0.2);
    if (pick < 0.50) return around(rng, kSapporo, 0.2);
    if (pick < 0.56) return around(rng, kFukuoka, 0.2);
    return {uniform(rng, 24.0, 46.0), uniform(rng, 123.0, 146.0)};
}

// Anywhere on Earth, with extra weight where longitude wraps and where meridians meet.
LatLon global_point(Rng& rng) {
    const double pick = uniform(rng, 0.0, 1.0);
    if (pick < 0.4) {
        // Uniform over the sphere.
        return {std::asin(uniform(rng, -1.0, 1.0)) * 180.0 / std::numbers::pi,
                uniform(rng, -180.0, 180.0)};
    }
    if (pick < 0.6) return around(rng, {uniform(rng, -60.0, 60.0), 180.0}, 0.5);
    if (pick < 0.8) {
        const double lat = uniform(rng, 88.0, 90.0);
        return {pick < 0.7 ? lat : -lat, uniform(rng, -180.0, 180.0)};
    }
    if (pick < 0.9) {
        // Exactly on the special lines.
        const LatLon special[] = {{90, 0},   {-90, 0},    {0, 180},  {0, -180},
                                  {10, 180}, {-10, -180}, {90, 180}, {-45, 180}};
        return special[std::uniform_int_distribution<std::size_t>(0, 7)(rng)];
    }
    return japan_point(rng);
}

// Everything close to the north pole or the antimeridian, so that every search crosses one.
LatLon wrap_point(Rng& rng) {
    if (uniform(rng, 0.0, 1.0) < 0.5) {
        return {uniform(rng, 87.0, 90.0), uniform(rng, -180.0, 180.0)};
    }
    return around(rng, {uniform(rng, -5.0, 5.0), 180.0}, 1.0);
}

enum class Spread { japan, global, wrap };

LatLon point(Rng& rng, Spread s) {
    switch (s) {
        case Spread::japan:
            return japan_point(rng);
        case Spread::global:
            return global_point(rng);
        case Spread::wrap:
            return wrap_point(rng);
    }
    return {};
}

std::string partner_id(std::size_t n) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "p%05zu", n);
    return buf;
}

// Ids are assigned in random order so that id order and insertion order differ; one partner in
// ten shares an earlier one's exact position, so ties are common.
std::vector<IndexedPartner> random_partners(Rng& rng, Spread spread, std::size_t n) {
    std::vector<std::size_t> numbers(n);
    for (std::size_t i = 0; i < n; ++i) numbers[i] = i;
    std::shuffle(numbers.begin(), numbers.end(), rng);
    std::vector<IndexedPartner> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        IndexedPartner p;
        p.id = partner_id(numbers[i]);
        p.position = (i > 0 && uniform(rng, 0.0, 1.0) < 0.1)
                         ? out[std::uniform_int_distribution<std::size_t>(0, i - 1)(rng)].position
                         : point(rng, spread);
        p.capabilities = static_cast<unsigned>(std::uniform_int_distribution<int>(0, 7)(rng));
        p.available = uniform(rng, 0.0, 1.0) < 0.9;
        out.push_back(p);
    }
    return out;
}

NearestQuery random_query(Rng& rng, Spread spread, const std::vector<IndexedPartner>& partners) {
    const double radii_m[] = {0.0,       1'000.0,   20'000.0,    80'000.0,
                              100'000.0, 500'000.0, 5'000'000.0, kInf};
    const std::size_t ks[] = {1, 2, 5, 5, 10, 40};
    const unsigned capabilities[] = {kAnyCapability, kWrecker | kCarrier, kOnSite, kCarrier, 0u};
    auto pick = [&rng](std::size_t n) {
        return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
    };
    NearestQuery q;
    // Some breakdowns at a partner's exact position: distance 0 and ties with co-located ones.
    q.from = (!partners.empty() && uniform(rng, 0.0, 1.0) < 0.1)
                 ? partners[pick(partners.size())].position
                 : point(rng, spread);
    q.radius_m = radii_m[pick(std::size(radii_m))];
    q.k = ks[pick(std::size(ks))];
    q.any_of_capabilities = capabilities[pick(std::size(capabilities))];
    if (!partners.empty() && uniform(rng, 0.0, 1.0) < 0.3) {
        // Exclude the would-be winners (the realistic case: already offered) and some others.
        NearestQuery unfiltered = q;
        unfiltered.k = 3;
        for (auto& c : nearest_brute_force(partners, unfiltered)) {
            q.exclude_sorted.push_back(c.id);
        }
        for (int i = 0; i < 5; ++i) q.exclude_sorted.push_back(partners[pick(partners.size())].id);
        q.exclude_sorted.push_back("not-a-partner");
        std::sort(q.exclude_sorted.begin(), q.exclude_sorted.end());
        q.exclude_sorted.erase(std::unique(q.exclude_sorted.begin(), q.exclude_sorted.end()),
                               q.exclude_sorted.end());
    }
    return q;
}

std::string describe(const NearestQuery& q) {
    std::ostringstream s;
    s.precision(17);
    s << "from " << q.from.lat_deg << "," << q.from.lon_deg << " radius " << q.radius_m << " m, k "
      << q.k << ", capabilities " << q.any_of_capabilities << ", " << q.exclude_sorted.size()
      << " excluded";
    return s.str();
}

std::string describe(const std::vector<Candidate>& cs) {
    std::ostringstream s;
    s.precision(17);
    for (const auto& c : cs) s << c.id << "@" << c.distance_m << " ";
    return s.str();
}

// Same ids, same order, bit-identical distances.
::testing::AssertionResult same_answer(const std::vector<Candidate>& got,
                                       const std::vector<Candidate>& want) {
    bool same = got.size() == want.size();
    for (std::size_t i = 0; same && i < got.size(); ++i) {
        same = got[i].id == want[i].id && got[i].distance_m == want[i].distance_m;
    }
    if (same) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "\n  index: " << describe(got) << "\n  brute: " << describe(want);
}

PartnerIndex index_of(const std::vector<IndexedPartner>& partners, double cell_m = 20'000.0) {
    PartnerIndex index(cell_m);
    for (const auto& p : partners) index.upsert(p);
    return index;
}

std::vector<std::string> ids(const std::vector<Candidate>& cs) {
    std::vector<std::string> out;
    for (const auto& c : cs) out.push_back(c.id);
    return out;
}

NearestQuery query_at(LatLon from, double radius_m, std::size_t k,
                      unsigned capabilities = kAnyCapability) {
    NearestQuery q;
    q.from = from;
    q.radius_m = radius_m;
    q.k = k;
    q.any_of_capabilities = capabilities;
    return q;
}

// --- Random comparisons with the brute force ---------------------------------------------------

struct RandomCase {
    const char* name;
    Spread spread;
    double cell_m;
    std::size_t partners;
    int queries;
};

class MatchesBruteForce : public ::testing::TestWithParam<RandomCase> {};

TEST_P(MatchesBruteForce, OnRandomQueries) {
    const RandomCase& c = GetParam();
    Rng rng(20240611);
    const auto partners = random_partners(rng, c.spread, c.partners);
    const PartnerIndex index = index_of(partners, c.cell_m);
    ASSERT_EQ(index.size(), partners.size());
    int failures = 0;
    for (int i = 0; i < c.queries && failures < 5; ++i) {
        const NearestQuery q = random_query(rng, c.spread, partners);
        const auto want = nearest_brute_force(partners, q);
        const auto got = index.nearest(q);
        const auto same = same_answer(got, want);
        EXPECT_TRUE(same) << "query " << i << ": " << describe(q);
        if (!same) ++failures;
    }
}

// clang-format off
INSTANTIATE_TEST_SUITE_P(Spreads, MatchesBruteForce, ::testing::Values(
    // The production shape: Japan, the default 40 km cells.
    RandomCase{"japan_20km", Spread::japan, 20'000.0, 400, 800},
    // Small cells: many rings before the radius, and the full-scan fallback on wide searches.
    RandomCase{"japan_2km", Spread::japan, 2'000.0, 400, 400},
    RandomCase{"japan_10m", Spread::japan, 10.0, 300, 150},
    // Cells larger than Japan: everything in one or two cells.
    RandomCase{"japan_1000km", Spread::japan, 1'000'000.0, 400, 250},
    // The whole Earth, sparse: pole and antimeridian queries, long geodesics.
    RandomCase{"global_20km", Spread::global, 20'000.0, 400, 500},
    RandomCase{"global_1000km", Spread::global, 1'000'000.0, 400, 250},
    // Everything near the north pole or the antimeridian.
    RandomCase{"wrap_20km", Spread::wrap, 20'000.0, 400, 500},
    RandomCase{"wrap_200km", Spread::wrap, 200'000.0, 400, 250}),
    [](const ::testing::TestParamInfo<RandomCase>& info) { return info.param.name; });
// clang-format on

// Upserts (new, moved near and far, capabilities and availability changed), erases (known and
// unknown) interleaved with queries, against a plain map kept alongside.
TEST(PartnerIndexUpdates, RandomChangesMatchBruteForce) {
    Rng rng(7);
    for (const double cell_m : {20'000.0, 300.0}) {
        PartnerIndex index(cell_m);
        std::map<std::string, IndexedPartner> reference;
        auto pick_id = [&rng] {
            return partner_id(std::uniform_int_distribution<std::size_t>(0, 399)(rng));
        };
        int failures = 0;
        for (int step = 0; step < 1500 && failures < 5; ++step) {
            const double action = uniform(rng, 0.0, 1.0);
            const std::string id = pick_id();
            const auto known = reference.find(id);
            if (action < 0.15) {
                index.erase(id);  // unknown ids included
                reference.erase(id);
            } else if (known != reference.end() && action < 0.45) {
                IndexedPartner p = known->second;
                const double how = uniform(rng, 0.0, 1.0);
                if (how < 0.3) {
                    p.position = around(rng, p.position, 0.05);  // a few km, often a new cell
                } else if (how < 0.5) {
                    p.position = japan_point(rng);  // across the country
                } else if (how < 0.8) {
                    p.available = !p.available;
                } else {
                    p.capabilities ^= 1u << std::uniform_int_distribution<int>(0, 2)(rng);
                }
                index.upsert(p);
                known->second = p;
            } else {
                IndexedPartner p{
                    id, japan_point(rng),
                    static_cast<unsigned>(std::uniform_int_distribution<int>(1, 7)(rng)),
                    uniform(rng, 0.0, 1.0) < 0.8};
                index.upsert(p);
                reference[id] = p;
            }
            ASSERT_EQ(index.size(), reference.size());
            if (step % 10 != 0) continue;
            std::vector<IndexedPartner> partners;
            for (const auto& [_, p] : reference) partners.push_back(p);
            for (int i = 0; i < 3; ++i) {
                const NearestQuery q = random_query(rng, Spread::japan, partners);
                const auto same = same_answer(index.nearest(q), nearest_brute_force(partners, q));
                EXPECT_TRUE(same) << "cell " << cell_m << " step " << step << ": " << describe(q);
                if (!same) ++failures;
            }
        }
        for (const auto& [id, p] : reference) {
            const IndexedPartner* found = index.find(id);
            ASSERT_NE(found, nullptr) << id;
            EXPECT_EQ(found->position.lat_deg, p.position.lat_deg);
            EXPECT_EQ(found->position.lon_deg, p.position.lon_deg);
            EXPECT_EQ(found->capabilities, p.capabilities);
            EXPECT_EQ(found->available, p.available);
        }
    }
}

// --- The radius edge ---------------------------------------------------------------------------

struct RadiusEdgeCase {
    const char* why;
    LatLon from;
    LatLon partner;
};

// A partner exactly at the radius is in (≤ is inclusive); the next representable radius below,
// and one metre less, leave it out. The radius is the geodesic itself, so the index must not let
// its chord pruning or rounding decide the edge.
TEST(PartnerIndexRadius, EdgeIsInclusive) {
    // clang-format off
    const RadiusEdgeCase cases[] = {
        {"10 m in Tokyo", kTokyo, {35.68, 139.770110}},
        {"Tokyo to Yokohama, ~27 km", kTokyo, {35.44, 139.64}},
        {"~100 km north along the meridian", kTokyo, {36.58, 139.77}},
        {"Tokyo to Osaka, ~400 km", kTokyo, kOsaka},
        {"Sapporo to Fukuoka, ~1400 km", kSapporo, kFukuoka},
        {"across the antimeridian", {0.0, 179.95}, {0.1, -179.9}},
        {"over the north pole", {89.95, 0.0}, {89.95, 180.0}},
        {"from the south pole", {-90.0, 0.0}, {-89.5, 123.0}},
        {"nearly antipodal", {0.0, 0.0}, {0.5, 179.7}},
    };
    // clang-format on
    for (const double cell_m : {20'000.0, 10.0, 3'000'000.0}) {
        for (const auto& c : cases) {
            PartnerIndex index(cell_m);
            index.upsert({"edge", c.partner, kWrecker, true});
            index.upsert(
                {"beyond", {c.partner.lat_deg * 0.5, c.partner.lon_deg * 0.5}, kWrecker, true});
            const double d_m = distance_m(c.from, c.partner);
            const std::vector<IndexedPartner> all = {*index.find("edge"), *index.find("beyond")};
            const double radii_m[] = {d_m, std::nextafter(d_m, 0.0), d_m - 1.0};
            for (const double radius_m : radii_m) {
                const NearestQuery q = query_at(c.from, radius_m, 5);
                const auto got = index.nearest(q);
                EXPECT_TRUE(same_answer(got, nearest_brute_force(all, q)))
                    << c.why << ", cell " << cell_m;
                const auto got_ids = ids(got);
                const bool has_edge =
                    std::find(got_ids.begin(), got_ids.end(), "edge") != got_ids.end();
                EXPECT_EQ(has_edge, radius_m == d_m)
                    << c.why << ", cell " << cell_m << ", radius " << radius_m;
            }
        }
    }
}

TEST(PartnerIndexRadius, ZeroRadiusFindsOnlyTheSamePoint) {
    PartnerIndex index;
    index.upsert({"b", kTokyo, kWrecker, true});
    index.upsert({"a", kTokyo, kWrecker, true});
    index.upsert({"c", {35.68, 139.7700001}, kWrecker, true});  // ~1 cm away
    const auto got = index.nearest(query_at(kTokyo, 0.0, 5));
    EXPECT_EQ(ids(got), (std::vector<std::string>{"a", "b"}));
    for (const auto& c : got) EXPECT_EQ(c.distance_m, 0.0);
}

// The chord is not a monotone function of the geodesic: along a meridian the ellipsoid curves
// more than across it, so a partner due east can be nearer by geodesic yet farther by chord than
// one due north. The index orders by chord only to find candidates; the answer must follow the
// geodesic even when the two disagree by millimetres.
TEST(PartnerIndexOrder, ChordOrderIsNotGeodesicOrder) {
    struct Case {
        double distance_m;  // of the partner due north
        double closer_m;    // how much nearer (by geodesic) the partner due east is
    };
    const Case cases[] = {{100'000.0, 0.005}, {300'000.0, 0.1}, {1'000'000.0, 4.0}};
    const LatLon from{35.0, 135.0};
    const auto chord_m = [from](LatLon p) {
        const auto& earth = GeographicLib::Geocentric::WGS84();
        double x0, y0, z0, x1, y1, z1;
        earth.Forward(from.lat_deg, from.lon_deg, 0.0, x0, y0, z0);
        earth.Forward(p.lat_deg, p.lon_deg, 0.0, x1, y1, z1);
        return std::hypot(x1 - x0, y1 - y0, z1 - z0);
    };
    const auto towards = [from](double azimuth_deg, double distance_m) {
        LatLon p;
        GeographicLib::Geodesic::WGS84().Direct(from.lat_deg, from.lon_deg, azimuth_deg, distance_m,
                                                p.lat_deg, p.lon_deg);
        return p;
    };
    for (const auto& c : cases) {
        const LatLon north = towards(0.0, c.distance_m);
        const LatLon east = towards(90.0, c.distance_m - c.closer_m);
        ASSERT_LT(distance_m(from, east), distance_m(from, north)) << c.distance_m;
        ASSERT_GT(chord_m(east), chord_m(north)) << c.distance_m;
        for (const double cell_m : {20'000.0, 10'000'000.0}) {
            for (const bool north_first : {true, false}) {
                PartnerIndex index(cell_m);
                const IndexedPartner n{"north", north, kWrecker, true};
                const IndexedPartner e{"east", east, kWrecker, true};
                index.upsert(north_first ? n : e);
                index.upsert(north_first ? e : n);
                const auto why = ::testing::Message() << c.distance_m << " m, cell " << cell_m
                                                      << (north_first ? ", north first" : "");
                EXPECT_EQ(ids(index.nearest(query_at(from, kInf, 1))),
                          std::vector<std::string>{"east"})
                    << why;
                EXPECT_EQ(ids(index.nearest(query_at(from, kInf, 2))),
                          (std::vector<std::string>{"east", "north"}))
                    << why;
            }
        }
    }
}

// --- Filters -----------------------------------------------------------------------------------

TEST(PartnerIndexFilter, CapabilitiesAnyOf) {
    PartnerIndex index;
    index.upsert({"on-site", {35.681, 139.77}, kOnSite, true});
    index.upsert({"wrecker", {35.682, 139.77}, kWrecker, true});
    index.upsert({"carrier", {35.683, 139.77}, kCarrier, true});
    index.upsert({"both", {35.684, 139.77}, kWrecker | kCarrier, true});
    index.upsert({"nothing", {35.680, 139.77}, 0u, true});
    struct Case {
        unsigned any_of;
        std::vector<std::string> want;
    };
    const Case cases[] = {
        {kOnSite, {"on-site"}},
        {kWrecker, {"wrecker", "both"}},
        {kWrecker | kCarrier, {"wrecker", "carrier", "both"}},
        {kAnyCapability, {"on-site", "wrecker", "carrier", "both"}},  // not "nothing": no bits
        {0u, {}},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(ids(index.nearest(query_at(kTokyo, 10'000.0, 10, c.any_of))), c.want)
            << "capabilities " << c.any_of;
    }
}

TEST(PartnerIndexFilter, ExcludedIdsAreSkipped) {
    PartnerIndex index;
    for (int i = 0; i < 6; ++i) {
        index.upsert({"p" + std::to_string(i), {35.68 + 0.01 * i, 139.77}, kWrecker, true});
    }
    NearestQuery q = query_at(kTokyo, 100'000.0, 3);
    q.exclude_sorted = {"absent", "p0", "p2"};
    EXPECT_EQ(ids(index.nearest(q)), (std::vector<std::string>{"p1", "p3", "p4"}));
    q.exclude_sorted = {"p0", "p1", "p2", "p3", "p4", "p5"};
    EXPECT_TRUE(index.nearest(q).empty());
}

TEST(PartnerIndexFilter, AvailabilityTogglesWithUpsert) {
    PartnerIndex index;
    index.upsert({"near", {35.69, 139.77}, kWrecker, true});
    index.upsert({"far", {35.80, 139.77}, kWrecker, true});
    const NearestQuery q = query_at(kTokyo, 50'000.0, 1);
    EXPECT_EQ(ids(index.nearest(q)), std::vector<std::string>{"near"});
    index.upsert({"near", {35.69, 139.77}, kWrecker, false});
    EXPECT_EQ(ids(index.nearest(q)), std::vector<std::string>{"far"});
    EXPECT_FALSE(index.find("near")->available);
    index.upsert({"near", {35.69, 139.77}, kWrecker, true});
    EXPECT_EQ(ids(index.nearest(q)), std::vector<std::string>{"near"});
}

// --- Sizes and counts --------------------------------------------------------------------------

TEST(PartnerIndexEdges, EmptyIndexAndZeroK) {
    PartnerIndex empty;
    EXPECT_EQ(empty.size(), 0u);
    EXPECT_TRUE(empty.nearest(query_at(kTokyo, kInf, 5)).empty());
    EXPECT_EQ(empty.find("x"), nullptr);

    PartnerIndex index;
    index.upsert({"a", kTokyo, kWrecker, true});
    EXPECT_TRUE(index.nearest(query_at(kTokyo, kInf, 0)).empty());
}

TEST(PartnerIndexEdges, KLargerThanMatchesReturnsAllMatches) {
    PartnerIndex index;
    index.upsert({"tokyo", kTokyo, kWrecker, true});
    index.upsert({"osaka", kOsaka, kWrecker, true});
    index.upsert({"sapporo", kSapporo, kWrecker, true});
    index.upsert({"sydney", {-33.87, 151.21}, kWrecker, true});
    index.upsert({"off", kNagoya, kWrecker, false});
    EXPECT_EQ(ids(index.nearest(query_at(kTokyo, 1'000'000.0, 100))),
              (std::vector<std::string>{"tokyo", "osaka", "sapporo"}));
    EXPECT_EQ(ids(index.nearest(query_at(kTokyo, kInf, 100))),
              (std::vector<std::string>{"tokyo", "osaka", "sapporo", "sydney"}));
}

// Identical positions: the order among them is by id, also when k cuts through them.
TEST(PartnerIndexEdges, TiesAtTheSamePointGoByID) {
    PartnerIndex index;
    const char* names[] = {"m", "c", "x", "a", "q", "b", "z", "k"};
    for (const char* n : names) index.upsert({n, kOsaka, kCarrier, true});
    index.upsert({"0-farther", {34.70, 135.50}, kCarrier, true});
    EXPECT_EQ(ids(index.nearest(query_at(kOsaka, 10'000.0, 3))),
              (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(ids(index.nearest(query_at(kOsaka, kInf, 9))),
              (std::vector<std::string>{"a", "b", "c", "k", "m", "q", "x", "z", "0-farther"}));
}

// --- The antimeridian and the poles --------------------------------------------------------------

TEST(PartnerIndexWrap, AcrossTheAntimeridian) {
    PartnerIndex index;
    index.upsert({"west-side", {0.0, -179.99}, kWrecker, true});  // ~2.2 km across the line
    index.upsert({"east-side", {0.0, 179.9}, kWrecker, true});    // ~9 km on the same side
    index.upsert({"minus-180", {0.0, -180.0}, kWrecker, true});
    index.upsert({"plus-180", {0.0, 180.0}, kWrecker, true});  // the same point
    const auto got = index.nearest(query_at({0.0, 179.99}, 50'000.0, 4));
    EXPECT_EQ(ids(got),
              (std::vector<std::string>{"minus-180", "plus-180", "west-side", "east-side"}));
    EXPECT_EQ(got[0].distance_m, got[1].distance_m);
}

TEST(PartnerIndexWrap, AroundThePoles) {
    PartnerIndex index;
    index.upsert({"across", {89.99, 180.0}, kWrecker, true});   // 2.2 km over the pole
    index.upsert({"same-side", {89.96, 0.0}, kWrecker, true});  // 3.3 km
    index.upsert({"pole", {90.0, 77.0}, kWrecker, true});       // the pole itself
    index.upsert({"south", {-90.0, 0.0}, kWrecker, true});
    EXPECT_EQ(ids(index.nearest(query_at({89.99, 0.0}, 10'000.0, 5))),
              (std::vector<std::string>{"pole", "across", "same-side"}));
    EXPECT_EQ(ids(index.nearest(query_at({-89.999, 45.0}, 1'000.0, 5))),
              (std::vector<std::string>{"south"}));
}

// --- Updates -----------------------------------------------------------------------------------

TEST(PartnerIndexUpdates, UpsertMovesBetweenCells) {
    PartnerIndex index;
    index.upsert({"truck", kTokyo, kWrecker, true});
    index.upsert({"other", kNagoya, kWrecker, true});
    index.upsert({"truck", kOsaka, kCarrier, true});
    EXPECT_EQ(index.size(), 2u);
    EXPECT_TRUE(index.nearest(query_at(kTokyo, 100'000.0, 5)).empty());
    EXPECT_EQ(ids(index.nearest(query_at(kOsaka, 100'000.0, 5))),
              std::vector<std::string>{"truck"});
    EXPECT_TRUE(index.nearest(query_at(kOsaka, 100'000.0, 5, kWrecker)).empty());
    EXPECT_EQ(index.find("truck")->position.lat_deg, kOsaka.lat_deg);
    EXPECT_EQ(index.find("truck")->capabilities, kCarrier);
}

TEST(PartnerIndexUpdates, EraseKnownAndUnknown) {
    PartnerIndex index;
    index.upsert({"a", kTokyo, kWrecker, true});
    index.upsert({"b", kTokyo, kWrecker, true});
    index.upsert({"c", kOsaka, kWrecker, true});
    index.erase("nobody");
    EXPECT_EQ(index.size(), 3u);
    index.erase("a");
    EXPECT_EQ(index.size(), 2u);
    EXPECT_EQ(index.find("a"), nullptr);
    EXPECT_EQ(ids(index.nearest(query_at(kTokyo, kInf, 5))), (std::vector<std::string>{"b", "c"}));
    index.erase(index.find("b")->id);  // a view of the stored id itself
    index.erase("c");
    EXPECT_EQ(index.size(), 0u);
    EXPECT_TRUE(index.nearest(query_at(kTokyo, kInf, 5)).empty());
    index.upsert({"a", kTokyo, kWrecker, true});
    EXPECT_EQ(ids(index.nearest(query_at(kTokyo, kInf, 5))), std::vector<std::string>{"a"});
}

TEST(PartnerIndexUpdates, InvalidPositionThrowsAndChangesNothing) {
    PartnerIndex index;
    index.upsert({"a", kTokyo, kWrecker, true});
    const LatLon invalid[] = {{91.0, 0.0},   {-90.5, 0.0},          {0.0, 180.5},
                              {0.0, -181.0}, {std::nan(""), 139.0}, {35.0, kInf}};
    for (const auto& p : invalid) {
        EXPECT_THROW(index.upsert({"a", p, kWrecker, true}), std::invalid_argument);
        EXPECT_THROW(index.upsert({"new", p, kWrecker, true}), std::invalid_argument);
    }
    EXPECT_EQ(index.size(), 1u);
    EXPECT_EQ(index.find("new"), nullptr);
    EXPECT_EQ(index.find("a")->position.lat_deg, kTokyo.lat_deg);
    EXPECT_EQ(ids(index.nearest(query_at(kTokyo, 1.0, 5))), std::vector<std::string>{"a"});
}

TEST(PartnerIndexUpdates, InvalidCellSizeThrows) {
    EXPECT_THROW(PartnerIndex(0.0), std::invalid_argument);
    EXPECT_THROW(PartnerIndex(-5.0), std::invalid_argument);
    EXPECT_THROW(PartnerIndex(std::nan("")), std::invalid_argument);
}

TEST(PartnerIndexUpdates, MovedIndexKeepsItsPartners) {
    PartnerIndex index;
    index.upsert({"a", kTokyo, kWrecker, true});
    PartnerIndex moved(std::move(index));
    EXPECT_EQ(moved.size(), 1u);
    PartnerIndex assigned;
    assigned = std::move(moved);
    EXPECT_EQ(ids(assigned.nearest(query_at(kTokyo, 1.0, 5))), std::vector<std::string>{"a"});
}

}  // namespace
}  // namespace roadside::geo
