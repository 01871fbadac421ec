// bench-postgis: the nearest-partner selection of geo::PartnerIndex against PostGIS answering the
// same queries, on the same Japan-like population as bench-select (same generator, same seed:
// the partners and the queries are bench-select's).
//
//   bench-postgis --conninfo "host=… dbname=…" [--partners N=10000] [--queries Q=5000] [--k 5]
//                 [--radius-km 80] [--seed 1] [--warmup W=200] [--passes P=3] [--keep-table]
//                 [--out FILE]
//   bench-postgis --index-only [--passes P] [--partners N] [--queries Q] …
//
// PostGIS side: a table of the partners with a geography(Point,4326) column and a GiST index,
// queried with one prepared statement over one connection, one query after the other:
//   WHERE available AND capabilities & $2 <> 0 AND ST_DWithin(geog, $1, radius)
//   ORDER BY geog <-> $1 LIMIT k
// with ST_Distance(geog, point) (spheroid) for each answer, as the index gives exact distances
// too. The same queries are also run inside the database in one statement (LATERAL), which
// leaves out the round trips. Index side: PartnerIndex::nearest in this process, one query after
// the other. Both are timed after W untimed warm-up queries, P passes over all the queries each
// (alternating: PostGIS, index, PostGIS, …, the index's after an untimed pass of its own), and
// each side's best pass (lowest mean) is reported: the machine may be shared.
//
// The answers are compared: same partners in the same order, and the largest differences in
// distance. `<->` on geography measures on a sphere, the index (and ST_Distance) on the WGS84
// spheroid, so the two may order near-ties differently.
//
// --keep-table leaves the tables bench_partners and bench_queries behind, for EXPLAIN.
// --index-only times the index alone, without a database: what scripts/bench.sh profiles.
//
// Exit status: 0 done (disagreements are reported, not failures), 1 database error, 2 bad
// arguments.
#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>
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

constexpr double kCellM = 40'000.0;  // the server's cell size (PartnerIndex's default)

struct Options {
    std::string conninfo;
    std::size_t partners = 10'000;
    std::size_t queries = 5'000;
    std::size_t k = 5;
    double radius_km = 80.0;
    std::uint64_t seed = 1;
    std::size_t warmup = 200;
    std::size_t passes = 3;
    bool keep_table = false;
    bool index_only = false;
    std::string out;
};

void usage(std::FILE* to) {
    std::fputs(
        "usage: bench-postgis --conninfo CONNINFO [--partners N=10000] [--queries Q=5000]\n"
        "                     [--k 5] [--radius-km 80] [--seed 1] [--warmup W=200] [--passes 3]\n"
        "                     [--keep-table] [--out FILE]\n"
        "       bench-postgis --index-only [--passes P] [--partners …] [--queries …]\n",
        to);
}

bool parse_options(int argc, char** argv, Options& o) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            usage(stdout);
            std::exit(0);
        }
        if (arg == "--keep-table" || arg == "--index-only") {
            (arg == "--keep-table" ? o.keep_table : o.index_only) = true;
            continue;
        }
        if (i + 1 >= argc) {
            std::fprintf(stderr, "bench-postgis: %s needs a value\n", argv[i]);
            return false;
        }
        const std::string_view value = argv[++i];
        bool ok = true;
        if (arg == "--conninfo") {
            o.conninfo = value;
        } else if (arg == "--partners") {
            ok = parse_number(value, o.partners) && o.partners > 0;
        } else if (arg == "--queries") {
            ok = parse_number(value, o.queries) && o.queries > 0;
        } else if (arg == "--k") {
            ok = parse_number(value, o.k) && o.k > 0;
        } else if (arg == "--radius-km") {
            ok = parse_number(value, o.radius_km) && o.radius_km > 0;
        } else if (arg == "--seed") {
            ok = parse_number(value, o.seed);
        } else if (arg == "--warmup") {
            ok = parse_number(value, o.warmup);
        } else if (arg == "--passes") {
            ok = parse_number(value, o.passes) && o.passes > 0;
        } else if (arg == "--out") {
            o.out = value;
        } else {
            std::fprintf(stderr, "bench-postgis: unknown option %s\n", argv[i - 1]);
            return false;
        }
        if (!ok) {
            std::fprintf(stderr, "bench-postgis: bad value for %s: %s\n", argv[i - 1], argv[i]);
            return false;
        }
    }
    if (o.conninfo.empty() && !o.index_only) {
        std::fputs("bench-postgis: --conninfo is required\n", stderr);
        return false;
    }
    return true;
}

// ---------------------------------------------------------------------------------------------
// libpq, kept small: owned handles, $n parameters only, errors with their SQLSTATE.

struct PgConnDeleter {
    void operator()(PGconn* c) const { PQfinish(c); }
};
struct PgResultDeleter {
    void operator()(PGresult* r) const { PQclear(r); }
};
using PgConn = std::unique_ptr<PGconn, PgConnDeleter>;
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

class DbError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

PgResult checked(PGconn* c, PGresult* raw, const char* what) {
    PgResult r(raw);
    const auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        std::string message = what;
        message += ": ";
        if (r) {
            const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
            message += state ? state : "?????";
            message += " ";
        }
        message += PQerrorMessage(c);
        throw DbError(message);
    }
    return r;
}

PgResult exec(PGconn* c, const char* sql) {
    return checked(c, PQexec(c, sql), sql);
}

PgResult exec_params(PGconn* c, const char* sql, const std::vector<std::string>& params,
                     const char* what) {
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p.c_str());
    return checked(c,
                   PQexecParams(c, sql, static_cast<int>(values.size()), nullptr, values.data(),
                                nullptr, nullptr, 0),
                   what);
}

std::string exact(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

// A PostgreSQL array literal of numbers or of quote-free words.
template <typename T, typename F>
std::string array_literal(const std::vector<T>& items, F&& text) {
    std::string out = "{";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out.push_back(',');
        out += text(items[i]);
    }
    out.push_back('}');
    return out;
}

constexpr const char* kCreateTable =
    "DROP TABLE IF EXISTS bench_partners;"
    "CREATE TABLE bench_partners ("
    " id text PRIMARY KEY,"
    " capabilities integer NOT NULL,"
    " available boolean NOT NULL,"
    " geog geography(Point, 4326) NOT NULL)";

constexpr const char* kInsertPartners =
    "INSERT INTO bench_partners (id, capabilities, available, geog)"
    " SELECT id, caps, avail, ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography"
    " FROM unnest($1::text[], $2::integer[], $3::boolean[], $4::float8[], $5::float8[])"
    "  AS t(id, caps, avail, lat, lon)";

// The query under test. The point is one parameter of type geography, so that it is read once
// per query (a point built from $1, $2 inside the statement is built again for every row the
// filter looks at), and a parameter, not a subquery, so that the GiST index gives the order.
constexpr const char* kNearestName = "bench_nearest";
constexpr const char* kNearest =
    "SELECT id, ST_Distance(geog, $1), geog <-> $1 FROM bench_partners"
    " WHERE available AND capabilities & $2 <> 0 AND ST_DWithin(geog, $1, $3)"
    " ORDER BY geog <-> $1 LIMIT $4";

// All the queries in one statement: the database's own cost, without the round trips.
constexpr const char* kNearestInDatabase =
    "SELECT count(*), sum(s.d) FROM bench_queries q CROSS JOIN LATERAL ("
    " SELECT ST_Distance(p.geog, q.g) AS d FROM bench_partners p"
    " WHERE p.available AND p.capabilities & $1 <> 0 AND ST_DWithin(p.geog, q.g, $2)"
    " ORDER BY p.geog <-> q.g LIMIT $3) s";

struct PgAnswer {
    std::string id;
    double spheroid_m = 0;  // ST_Distance(geography, geography): WGS84 spheroid
    double sphere_m = 0;    // <->: the sphere
};

double micros(Clock::duration d) {
    return std::chrono::duration<double, std::micro>(d).count();
}

struct Summary {
    double mean_us = 0, p50_us = 0, p99_us = 0;
};

Summary summarise(std::vector<double> us) {
    Summary s;
    if (us.empty()) return s;
    double total = 0;
    for (const double v : us) total += v;
    s.mean_us = total / static_cast<double>(us.size());
    std::sort(us.begin(), us.end());
    const auto at = [&us](double q) {
        const double rank = std::ceil(q * static_cast<double>(us.size()));
        return us[std::min(us.size() - 1, rank < 1 ? 0 : static_cast<std::size_t>(rank) - 1)];
    };
    s.p50_us = at(0.50);
    s.p99_us = at(0.99);
    return s;
}

void load_partners(PGconn* c, const std::vector<IndexedPartner>& partners) {
    exec(c, "CREATE EXTENSION IF NOT EXISTS postgis");
    exec(c, kCreateTable);
    std::vector<std::string> params;
    params.push_back(array_literal(partners, [](const IndexedPartner& p) { return p.id; }));
    params.push_back(array_literal(
        partners, [](const IndexedPartner& p) { return std::to_string(p.capabilities); }));
    params.push_back(array_literal(
        partners, [](const IndexedPartner& p) { return std::string(p.available ? "t" : "f"); }));
    params.push_back(
        array_literal(partners, [](const IndexedPartner& p) { return exact(p.position.lat_deg); }));
    params.push_back(
        array_literal(partners, [](const IndexedPartner& p) { return exact(p.position.lon_deg); }));
    exec_params(c, kInsertPartners, params, "loading the partners");
    exec(c, "CREATE INDEX bench_partners_geog ON bench_partners USING gist (geog)");
    exec(c, "ANALYZE bench_partners");
}

std::string ewkt(LatLon p) {
    std::string out = "SRID=4326;POINT(";
    out += exact(p.lon_deg);
    out += ' ';
    out += exact(p.lat_deg);
    out += ')';
    return out;
}

std::vector<PgAnswer> postgis_nearest(PGconn* c, const NearestQuery& q) {
    const std::string point = ewkt(q.from);
    const std::string caps = std::to_string(q.any_of_capabilities);
    const std::string radius = exact(q.radius_m), k = std::to_string(q.k);
    const char* values[] = {point.c_str(), caps.c_str(), radius.c_str(), k.c_str()};
    PgResult r = checked(c, PQexecPrepared(c, kNearestName, 4, values, nullptr, nullptr, 0),
                         "the nearest-partner query");
    std::vector<PgAnswer> out(static_cast<std::size_t>(PQntuples(r.get())));
    for (int i = 0; i < PQntuples(r.get()); ++i) {
        auto& a = out[static_cast<std::size_t>(i)];
        a.id = PQgetvalue(r.get(), i, 0);
        a.spheroid_m = std::strtod(PQgetvalue(r.get(), i, 1), nullptr);
        a.sphere_m = std::strtod(PQgetvalue(r.get(), i, 2), nullptr);
    }
    return out;
}

// The in-database figure: all queries in one statement, µs per query.
double in_database_us(PGconn* c, const std::vector<NearestQuery>& queries, const Options& o) {
    exec(c,
         "DROP TABLE IF EXISTS bench_queries; CREATE TABLE bench_queries (n integer, g geography)");
    std::vector<std::size_t> order(queries.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::vector<std::string> params;
    params.push_back(array_literal(order, [](std::size_t i) { return std::to_string(i); }));
    params.push_back(
        array_literal(queries, [](const NearestQuery& q) { return exact(q.from.lat_deg); }));
    params.push_back(
        array_literal(queries, [](const NearestQuery& q) { return exact(q.from.lon_deg); }));
    exec_params(c,
                "INSERT INTO bench_queries SELECT n, ST_SetSRID(ST_MakePoint(lon, lat),"
                " 4326)::geography FROM unnest($1::integer[], $2::float8[], $3::float8[])"
                " AS t(n, lat, lon)",
                params, "loading the queries");
    exec(c, "ANALYZE bench_queries");
    const std::vector<std::string> args = {std::to_string(kWrecker | kCarrier),
                                           exact(o.radius_km * 1000.0), std::to_string(o.k)};
    exec_params(c, kNearestInDatabase, args, "the in-database run (warm-up)");
    const auto start = Clock::now();
    exec_params(c, kNearestInDatabase, args, "the in-database run");
    const double us = micros(Clock::now() - start);
    if (!o.keep_table) exec(c, "DROP TABLE bench_queries");
    return us / static_cast<double>(queries.size());
}

struct Agreement {
    std::size_t identical = 0;       // same ids, same order
    std::size_t same_set = 0;        // same ids, another order
    std::size_t other_partners = 0;  // at least one other partner
    double max_spheroid_diff_m = 0;  // |ST_Distance − GeographicLib| for a partner both chose
    double max_sphere_diff_m = 0;    // |<-> − GeographicLib| for a partner both chose
    double max_rank_diff_m = 0;      // |distance of the i-th answer of each| where they differ
    std::size_t first_differing = SIZE_MAX;
};

void compare(const std::vector<Candidate>& mine, const std::vector<PgAnswer>& theirs,
             std::size_t query, Agreement& a) {
    bool same_order = mine.size() == theirs.size();
    for (std::size_t i = 0; same_order && i < mine.size(); ++i) {
        same_order = mine[i].id == theirs[i].id;
    }
    std::vector<std::string> a_ids, b_ids;
    for (const auto& c : mine) a_ids.push_back(c.id);
    for (const auto& p : theirs) b_ids.push_back(p.id);
    std::sort(a_ids.begin(), a_ids.end());
    std::sort(b_ids.begin(), b_ids.end());
    if (same_order) {
        ++a.identical;
    } else {
        if (a_ids == b_ids) {
            ++a.same_set;
        } else {
            ++a.other_partners;
        }
        a.first_differing = std::min(a.first_differing, query);
        for (std::size_t i = 0; i < std::min(mine.size(), theirs.size()); ++i) {
            a.max_rank_diff_m =
                std::max(a.max_rank_diff_m, std::abs(mine[i].distance_m - theirs[i].spheroid_m));
        }
    }
    for (const auto& p : theirs) {
        for (const auto& c : mine) {
            if (c.id != p.id) continue;
            a.max_spheroid_diff_m =
                std::max(a.max_spheroid_diff_m, std::abs(p.spheroid_m - c.distance_m));
            a.max_sphere_diff_m =
                std::max(a.max_sphere_diff_m, std::abs(p.sphere_m - c.distance_m));
        }
    }
}

// P passes of the index over all the queries; the times (µs) of the best pass (lowest mean).
std::vector<double> index_passes(const PartnerIndex& index,
                                 const std::vector<NearestQuery>& queries, std::size_t passes,
                                 std::vector<std::vector<Candidate>>& answers) {
    std::vector<double> best;
    answers.resize(queries.size());
    for (std::size_t pass = 0; pass < passes; ++pass) {
        std::vector<double> us(queries.size());
        for (std::size_t i = 0; i < queries.size(); ++i) {
            const auto start = Clock::now();
            answers[i] = index.nearest(queries[i]);
            us[i] = micros(Clock::now() - start);
        }
        if (best.empty() || summarise(us).mean_us < summarise(best).mean_us) best = us;
    }
    return best;
}

int index_only(const std::vector<IndexedPartner>& partners,
               const std::vector<NearestQuery>& queries, const Options& o) {
    PartnerIndex index(kCellM);
    for (const auto& p : partners) index.upsert(p);
    std::vector<std::vector<Candidate>> answers;
    for (std::size_t i = 0; i < o.warmup; ++i) (void)index.nearest(queries[i % queries.size()]);
    const Summary idx = summarise(index_passes(index, queries, o.passes, answers));
    std::printf("PartnerIndex in process: mean %.2f us, p50 %.2f us, p99 %.2f us per query\n",
                idx.mean_us, idx.p50_us, idx.p99_us);
    return 0;
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

PgConn connect_db(const Options& o) {
    PgConn conn(PQconnectdb(o.conninfo.c_str()));
    if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
        throw DbError(std::string("cannot connect: ") + PQerrorMessage(conn.get()));
    }
    exec(conn.get(), "SET client_min_messages = warning");
    // JIT would only add compile time to the one large in-database statement.
    exec(conn.get(), "SET jit = off");
    return conn;
}

// The partners' table and its index, and the query prepared; PostGIS's version.
std::string set_up_postgis(PGconn* c, const std::vector<IndexedPartner>& partners) {
    const auto load_start = Clock::now();
    load_partners(c, partners);
    std::printf("PostGIS table and GiST index: %.0f ms\n", micros(Clock::now() - load_start) / 1e3);
    const std::string postgis_version =
        PQgetvalue(exec(c, "SELECT postgis_lib_version()").get(), 0, 0);
    const Oid geography = static_cast<Oid>(
        std::stoul(PQgetvalue(exec(c, "SELECT 'geography'::regtype::oid").get(), 0, 0)));
    const Oid types[] = {geography, 23 /* int4 */, 701 /* float8 */, 20 /* int8 */};
    checked(c, PQprepare(c, kNearestName, kNearest, 4, types), "preparing the query");
    return postgis_version;
}

// Each side's answers, and its times per query (µs) in its best pass.
struct Timings {
    std::vector<std::vector<PgAnswer>> pg_answers;
    std::vector<std::vector<Candidate>> answers;
    std::vector<double> pg_us, index_us;
};

Timings time_both(PGconn* c, const PartnerIndex& index, const std::vector<NearestQuery>& queries,
                  const Options& o) {
    // Warm-up: plans, caches and branch predictors on both sides.
    for (std::size_t i = 0; i < o.warmup; ++i) {
        const NearestQuery& q = queries[i % queries.size()];
        (void)postgis_nearest(c, q);
        (void)index.nearest(q);
    }

    // Each side's figures are those of its best pass (lowest mean): the machine may be shared,
    // and a pass that another process interrupted says nothing about either side. The passes
    // alternate, PostGIS then the index, so that both sample the same stretches of time.
    Timings t;
    t.pg_answers.resize(queries.size());
    for (std::size_t pass = 0; pass < o.passes; ++pass) {
        std::vector<double> us(queries.size());
        for (std::size_t i = 0; i < queries.size(); ++i) {
            const auto start = Clock::now();
            t.pg_answers[i] = postgis_nearest(c, queries[i]);
            us[i] = micros(Clock::now() - start);
        }
        if (t.pg_us.empty() || summarise(us).mean_us < summarise(t.pg_us).mean_us) t.pg_us = us;
        // The PostGIS pass has just had the caches; an untimed pass gives them back to the
        // index, so that each side is timed as it runs when it runs alone.
        (void)index_passes(index, queries, 1, t.answers);
        us = index_passes(index, queries, 1, t.answers);
        if (t.index_us.empty() || summarise(us).mean_us < summarise(t.index_us).mean_us) {
            t.index_us = us;
        }
    }
    return t;
}

// What the run found: each side's times, overall and by kind of query, and how well the
// answers agree.
struct Figures {
    std::string postgis_version;
    double db_us = 0;
    Summary pg, idx;
    Agreement agree;
    std::size_t found = 0;
    // Queries with a full answer (k partners within the radius: the cities) against those with
    // fewer (sparse country, the sea: the search reads every cell within the radius).
    std::size_t full_queries = 0, short_queries = 0;
    Summary idx_f, idx_s, pg_f, pg_s;
    double short_share = 0, speedup = 0, speedup_db = 0;
};

Figures figures_of(const Timings& t, double db_us, const std::vector<NearestQuery>& queries,
                   const Options& o) {
    Figures f;
    f.db_us = db_us;
    for (std::size_t i = 0; i < queries.size(); ++i) {
        compare(t.answers[i], t.pg_answers[i], i, f.agree);
        f.found += t.answers[i].size();
    }
    f.pg = summarise(t.pg_us);
    f.idx = summarise(t.index_us);
    std::vector<double> idx_full, idx_short, pg_full, pg_short;
    for (std::size_t i = 0; i < queries.size(); ++i) {
        const bool full = t.answers[i].size() == o.k;
        (full ? idx_full : idx_short).push_back(t.index_us[i]);
        (full ? pg_full : pg_short).push_back(t.pg_us[i]);
    }
    f.full_queries = idx_full.size();
    f.short_queries = idx_short.size();
    f.idx_f = summarise(idx_full);
    f.idx_s = summarise(idx_short);
    f.pg_f = summarise(pg_full);
    f.pg_s = summarise(pg_short);
    f.short_share = static_cast<double>(idx_short.size()) /
                    static_cast<double>(std::max<std::size_t>(queries.size(), 1));
    f.speedup = f.idx.mean_us > 0 ? f.pg.mean_us / f.idx.mean_us : 0;
    f.speedup_db = f.idx.mean_us > 0 ? db_us / f.idx.mean_us : 0;
    return f;
}

void print_figures(const Figures& f, std::size_t queries, const Options& o) {
    std::printf("PostGIS %s, one connection: mean %.1f us, p50 %.1f us, p99 %.1f us per query\n",
                f.postgis_version.c_str(), f.pg.mean_us, f.pg.p50_us, f.pg.p99_us);
    std::printf("PostGIS inside the database (one LATERAL statement): %.1f us per query\n",
                f.db_us);
    std::printf("PartnerIndex in process: mean %.2f us, p50 %.2f us, p99 %.2f us per query\n",
                f.idx.mean_us, f.idx.p50_us, f.idx.p99_us);
    std::printf("speed-up: %.0fx (mean, with round trips), %.0fx (PostGIS without round trips)\n",
                f.speedup, f.speedup_db);
    std::printf("queries with %zu partners found: %zu, index mean %.2f us, PostGIS mean %.1f us\n",
                o.k, f.full_queries, f.idx_f.mean_us, f.pg_f.mean_us);
    std::printf("queries with fewer (%.0f%%): %zu, index mean %.2f us, PostGIS mean %.1f us\n",
                100.0 * f.short_share, f.short_queries, f.idx_s.mean_us, f.pg_s.mean_us);
    std::printf("answers: %.2f partners per query\n",
                static_cast<double>(f.found) / static_cast<double>(queries));
    std::printf(
        "identical (same partners, same order): %zu of %zu; same partners in another "
        "order: %zu; other partners: %zu\n",
        f.agree.identical, queries, f.agree.same_set, f.agree.other_partners);
    std::printf("largest |ST_Distance - GeographicLib| for a partner both chose: %.6f m\n",
                f.agree.max_spheroid_diff_m);
    std::printf("largest |<-> (sphere) - GeographicLib| for a partner both chose: %.1f m\n",
                f.agree.max_sphere_diff_m);
    std::printf("largest distance difference at the same rank where the answers differ: %.1f m\n",
                f.agree.max_rank_diff_m);
}

// The figures as key=value lines into `path`; false when it cannot be written.
bool write_kv(const std::string& path, const Figures& f, std::size_t queries, const Options& o) {
    std::ofstream out(path);
    out << "partners=" << o.partners << "\nqueries=" << o.queries << "\nk=" << o.k
        << "\nradius_km=" << o.radius_km << "\nseed=" << o.seed << "\npasses=" << o.passes
        << "\nwarmup=" << o.warmup << "\npostgis_version=" << f.postgis_version
        << "\npostgis_us_mean=" << f.pg.mean_us << "\npostgis_us_p50=" << f.pg.p50_us
        << "\npostgis_us_p99=" << f.pg.p99_us << "\npostgis_db_us_mean=" << f.db_us
        << "\nindex_us_mean=" << f.idx.mean_us << "\nindex_us_p50=" << f.idx.p50_us
        << "\nindex_us_p99=" << f.idx.p99_us << "\nspeedup=" << f.speedup
        << "\nspeedup_db=" << f.speedup_db
        << "\nspeedup_p50=" << (f.idx.p50_us > 0 ? f.pg.p50_us / f.idx.p50_us : 0)
        << "\nfull_queries=" << f.full_queries << "\nindex_us_mean_full=" << f.idx_f.mean_us
        << "\npostgis_us_mean_full=" << f.pg_f.mean_us << "\nshort_queries=" << f.short_queries
        << "\nindex_us_mean_short=" << f.idx_s.mean_us
        << "\npostgis_us_mean_short=" << f.pg_s.mean_us
        << "\nanswers_per_query=" << static_cast<double>(f.found) / static_cast<double>(queries)
        << "\nidentical=" << f.agree.identical << "\nsame_set_other_order=" << f.agree.same_set
        << "\nother_partners=" << f.agree.other_partners
        << "\nmax_spheroid_diff_m=" << f.agree.max_spheroid_diff_m
        << "\nmax_sphere_diff_m=" << f.agree.max_sphere_diff_m
        << "\nmax_rank_diff_m=" << f.agree.max_rank_diff_m << "\n";
    return static_cast<bool>(out);
}

int run(const Options& o) {
    Rng rng(o.seed);
    const auto partners = make_partners(rng, o.partners);
    const std::vector<NearestQuery> queries = make_queries(rng, o);
    std::printf("partners: %zu (Japan-like, seed %llu, as bench-select)\n", o.partners,
                static_cast<unsigned long long>(o.seed));
    std::printf(
        "queries: %zu (+%zu warm-up, best of %zu passes), k %zu, radius %.1f km, "
        "capabilities wrecker|carrier\n",
        o.queries, o.warmup, o.passes, o.k, o.radius_km);
    if (o.index_only) return index_only(partners, queries, o);

    const PgConn conn = connect_db(o);
    PGconn* c = conn.get();
    const std::string postgis_version = set_up_postgis(c, partners);
    PartnerIndex index(kCellM);
    for (const auto& p : partners) index.upsert(p);
    const Timings timings = time_both(c, index, queries, o);
    const double db_us = in_database_us(c, queries, o);

    Figures f = figures_of(timings, db_us, queries, o);
    f.postgis_version = postgis_version;
    print_figures(f, queries.size(), o);
    if (!o.out.empty() && !write_kv(o.out, f, queries.size(), o)) {
        std::fprintf(stderr, "bench-postgis: cannot write %s\n", o.out.c_str());
        return 1;
    }
    if (!o.keep_table) exec(c, "DROP TABLE bench_partners");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    if (!parse_options(argc, argv, o)) {
        usage(stderr);
        return 2;
    }
#ifndef NDEBUG
    std::puts("build: debug, assertions on: figures are not meaningful");
#endif
    try {
        return run(o);
    } catch (const DbError& e) {
        std::fprintf(stderr, "bench-postgis: %s\n", e.what());
        return 1;
    }
}
