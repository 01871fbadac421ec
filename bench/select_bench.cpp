// bench-select: how long choosing the nearest tow partners takes, with the spatial index
// (geo::PartnerIndex) and with the brute force it must agree with, on a Japan-like population of
// partners and breakdowns.
//
//   bench-select [--partners N=10000] [--queries Q=20000] [--k 5] [--radius-km 80] [--seed 1]
//                [--baseline-queries B=1000] [--cell-km 40]
//
// The brute force measures every partner's geodesic (milliseconds per query), so by default it runs
// on the first 1000 queries only; those are the ones whose answers are compared. Pass
// --baseline-queries equal to --queries to compare all of them. Exit status 1 when any compared
// answer differs, 2 on bad arguments. Figures are meaningful only in a Release build.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "bench/common.hpp"
#include "geo/partner_index.hpp"

namespace {

using roadside::geo::Candidate;
using roadside::geo::IndexedPartner;
using roadside::geo::LatLon;
using roadside::geo::NearestQuery;
using roadside::geo::PartnerIndex;
using Clock = std::chrono::steady_clock;
using roadside::bench::parse_number;
using roadside::bench::japan_point;
using roadside::bench::kCarrier;
using roadside::bench::kOnSite;
using roadside::bench::kWrecker;
using roadside::bench::make_partners;
using roadside::bench::Rng;


struct Options {
    std::size_t partners = 10'000;
    std::size_t queries = 20'000;
    std::size_t k = 5;
    double radius_km = 80.0;
    std::uint64_t seed = 1;
    std::size_t baseline_queries = 1'000;
    double cell_km = 40.0;
};

void usage(std::FILE* to) {
    std::fputs(
        "usage: bench-select [--partners N=10000] [--queries Q=20000] [--k 5] [--radius-km 80]\n"
        "                    [--seed 1] [--baseline-queries B=1000] [--cell-km 40]\n",
        to);
}

// Accepts "--name value" and "--name=value".
bool parse_options(int argc, char** argv, Options& o) {
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            usage(stdout);
            std::exit(0);
        }
        std::string_view value;
        if (const auto eq = arg.find('='); eq != std::string_view::npos) {
            value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            std::fprintf(stderr, "bench-select: %s needs a value\n", argv[i]);
            return false;
        }
        bool ok = false;
        if (arg == "--partners") {
            ok = parse_number(value, o.partners);
        } else if (arg == "--queries") {
            ok = parse_number(value, o.queries);
        } else if (arg == "--k") {
            ok = parse_number(value, o.k);
        } else if (arg == "--radius-km") {
            ok = parse_number(value, o.radius_km) && o.radius_km >= 0;
        } else if (arg == "--seed") {
            ok = parse_number(value, o.seed);
        } else if (arg == "--baseline-queries") {
            ok = parse_number(value, o.baseline_queries);
        } else if (arg == "--cell-km") {
            ok = parse_number(value, o.cell_km) && o.cell_km * 1000.0 >= 10.0;
        } else {
            std::fprintf(stderr, "bench-select: unknown option %.*s\n",
                         static_cast<int>(arg.size()), arg.data());
            return false;
        }
        if (!ok) {
            std::fprintf(stderr, "bench-select: bad value for %.*s: %.*s\n",
                         static_cast<int>(arg.size()), arg.data(), static_cast<int>(value.size()),
                         value.data());
            return false;
        }
    }
    o.baseline_queries = std::min(o.baseline_queries, o.queries);
    return true;
}

double micros(Clock::duration d) {
    return std::chrono::duration<double, std::micro>(d).count();
}

struct Summary {
    double mean_us = 0;
    double p50_us = 0;
    double p99_us = 0;
};

Summary summarise(std::vector<double> us) {
    Summary s;
    if (us.empty()) return s;
    double total = 0;
    for (const double v : us) total += v;
    s.mean_us = total / static_cast<double>(us.size());
    std::sort(us.begin(), us.end());
    const auto at = [&us](double q) {
        return us[std::min(us.size() - 1,
                           static_cast<std::size_t>(q * static_cast<double>(us.size())))];
    };
    s.p50_us = at(0.50);
    s.p99_us = at(0.99);
    return s;
}

void print(const char* what, const Summary& s) {
    std::printf("%s: mean %.1f us, p50 %.1f us, p99 %.1f us\n", what, s.mean_us, s.p50_us,
                s.p99_us);
}

bool same(const std::vector<Candidate>& a, const std::vector<Candidate>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].id != b[i].id || a[i].distance_m != b[i].distance_m) return false;
    }
    return true;
}

std::vector<NearestQuery> make_queries(Rng& rng, const Options& o) {
    std::vector<NearestQuery> queries(o.queries);
    for (auto& q : queries) {
        q.from = japan_point(rng);
        q.any_of_capabilities = kWrecker | kCarrier;
        q.radius_m = o.radius_km * 1000.0;
        q.k = o.k;
    }
    return queries;
}

// Every query through the index: the answers, and a summary of how long they took (µs).
struct IndexRun {
    std::vector<std::vector<Candidate>> answers;
    Summary summary;
};

IndexRun time_index(const PartnerIndex& index, const std::vector<NearestQuery>& queries) {
    IndexRun run;
    run.answers.resize(queries.size());
    std::vector<double> index_us(queries.size());
    std::size_t found = 0;
    for (std::size_t i = 0; i < queries.size(); ++i) {
        const auto start = Clock::now();
        run.answers[i] = index.nearest(queries[i]);
        index_us[i] = micros(Clock::now() - start);
        found += run.answers[i].size();
    }
    run.summary = summarise(index_us);
    print("index", run.summary);
    std::printf(
        "answers: %.2f partners per query on average\n",
        queries.empty() ? 0.0 : static_cast<double>(found) / static_cast<double>(queries.size()));
    return run;
}

// The floor under any exact method: the geodesics to the answers themselves.
void time_floor(const PartnerIndex& index, const std::vector<NearestQuery>& queries,
                const std::vector<std::vector<Candidate>>& answers) {
    std::vector<double> floor_us(queries.size());
    double sink = 0;
    for (std::size_t i = 0; i < queries.size(); ++i) {
        const auto start = Clock::now();
        for (const auto& c : answers[i]) {
            sink += roadside::geo::distance_m(queries[i].from, index.find(c.id)->position);
        }
        floor_us[i] = micros(Clock::now() - start);
    }
    print("geodesics to the answers alone", summarise(floor_us));
    if (sink < 0) std::puts("");  // keeps the loop from being optimised away
}

// The brute force on the first queries, each answer compared with the index's; how many differ.
std::size_t time_brute_force(const std::vector<IndexedPartner>& partners,
                             const std::vector<NearestQuery>& queries, const IndexRun& index,
                             const Options& o) {
    std::vector<double> brute_us(o.baseline_queries);
    std::size_t differing = 0;
    for (std::size_t i = 0; i < o.baseline_queries; ++i) {
        const auto start = Clock::now();
        const auto want = roadside::geo::nearest_brute_force(partners, queries[i]);
        brute_us[i] = micros(Clock::now() - start);
        if (!same(index.answers[i], want)) {
            if (++differing <= 5) {
                std::printf("differs: query %zu from %.6f,%.6f\n", i, queries[i].from.lat_deg,
                            queries[i].from.lon_deg);
            }
        }
    }
    const Summary brute_summary = summarise(brute_us);
    std::printf("brute force measured on the first %zu of %zu queries (it is slow)\n",
                o.baseline_queries, o.queries);
    print("brute force", brute_summary);
    if (index.summary.mean_us > 0 && o.baseline_queries > 0) {
        std::printf("speed-up: %.0fx (mean), %.0fx (p99)\n",
                    brute_summary.mean_us / index.summary.mean_us,
                    brute_summary.p99_us / index.summary.p99_us);
    }
    return differing;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    if (!parse_options(argc, argv, o)) {
        usage(stderr);
        return 2;
    }
#ifdef NDEBUG
    std::puts("build: optimised (NDEBUG)");
#else
    std::puts("build: debug, assertions on: figures are not meaningful");
#endif

    Rng rng(o.seed);
    const auto partners = make_partners(rng, o.partners);
    const std::vector<NearestQuery> queries = make_queries(rng, o);
    std::printf("partners: %zu (Japan-like, seed %llu)\n", o.partners,
                static_cast<unsigned long long>(o.seed));
    std::printf("queries: %zu, k %zu, radius %.1f km, capabilities wrecker|carrier\n", o.queries,
                o.k, o.radius_km);

    const auto build_start = Clock::now();
    PartnerIndex index(o.cell_km * 1000.0);
    for (const auto& p : partners) index.upsert(p);
    const auto build_time = Clock::now() - build_start;
    std::printf("cell: %.1f km\n", o.cell_km);
    std::printf("index build: %.2f ms\n", micros(build_time) / 1000.0);

    const IndexRun run = time_index(index, queries);
    time_floor(index, queries, run.answers);
    const std::size_t differing = time_brute_force(partners, queries, run, o);
    std::printf("results identical: %s (%zu queries compared, %zu differ)\n",
                differing == 0 ? "yes" : "NO", o.baseline_queries, differing);
    return differing == 0 ? 0 : 1;
}
