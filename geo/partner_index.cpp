#include "geo/partner_index.hpp"

#include <GeographicLib/Geocentric.hpp>
#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <utility>

namespace roadside::geo {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Every pruning decision is made this far on the safe side. Rounding in ECEF coordinates (about
// 6.4e6 m, so an ulp is ~1e-9 m), in chords and in GeographicLib's geodesics (~15 nm) is many
// orders of magnitude smaller, so rounding can cost at most a few extra geodesics, never a wrong
// answer. The answer's own comparisons (radius, order) use the exact geodesic, with no slack.
constexpr double kSlackM = 1e-3;

// A cell is looked up only when the ellipsoid passes through it, tested on (x²+y²)/a² + z²/b²,
// which is 1 on the surface. Partners are on the surface up to rounding (~1e-16 relative); this
// margin (~6 mm) keeps rounding at cell borders from hiding one.
constexpr double kSurfaceTolerance = 1e-9;

// Cell coordinates are packed into 21 bits each. With cells of at least this size every cell that
// touches the Earth (|coordinate| ≤ 6,378,137 m) has an index within ±2^20.
constexpr double kMinCellM = 10.0;
constexpr std::int64_t kKeyOffset = std::int64_t{1} << 20;

struct Vec3 {
    double x = 0;
    double y = 0;
    double z = 0;
};

Vec3 to_ecef(LatLon p) {
    Vec3 v;
    GeographicLib::Geocentric::WGS84().Forward(p.lat_deg, p.lon_deg, 0.0, v.x, v.y, v.z);
    return v;
}

double squared(double v) {
    return v * v;
}

struct CellCoord {
    std::int32_t x = 0;
    std::int32_t y = 0;
    std::int32_t z = 0;
};

std::uint64_t pack(CellCoord c) {
    assert(std::abs(c.x) < kKeyOffset && std::abs(c.y) < kKeyOffset && std::abs(c.z) < kKeyOffset);
    return (static_cast<std::uint64_t>(c.x + kKeyOffset) << 42) |
           (static_cast<std::uint64_t>(c.y + kKeyOffset) << 21) |
           static_cast<std::uint64_t>(c.z + kKeyOffset);
}

// Packed cell key → index of the cell. Open addressing with linear probing in one flat array:
// a search looks up dozens of cells, most of them empty, and a miss here is one or two probes of
// a small array instead of a walk through a node-based map.
class CellTable {
  public:
    static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

    std::uint32_t find(std::uint64_t key) const {
        if (slots_.empty()) return kNone;
        for (std::size_t i = home(key);; i = next(i)) {
            if (slots_[i].key == key) return slots_[i].cell;
            if (slots_[i].key == kEmptyKey) return kNone;
        }
    }

    // Precondition: key absent.
    void insert(std::uint64_t key, std::uint32_t cell) {
        // At most half full, so probe runs stay short and a miss always meets an empty slot.
        if (2 * (used_ + 1) > slots_.size()) grow();
        std::size_t i = home(key);
        while (slots_[i].key != kEmptyKey) i = next(i);
        slots_[i] = {key, cell};
        ++used_;
    }

    // Precondition: key present.
    void update(std::uint64_t key, std::uint32_t cell) { slots_[position(key)].cell = cell; }

    // Precondition: key present. Backward-shift deletion: later members of the probe run move up
    // into the hole unless that would put them before their home slot, so no tombstones are left.
    void erase(std::uint64_t key) {
        std::size_t hole = position(key);
        for (std::size_t j = next(hole); slots_[j].key != kEmptyKey; j = next(j)) {
            const std::size_t h = home(slots_[j].key);
            const bool stays = hole < j ? (hole < h && h <= j) : (hole < h || h <= j);
            if (!stays) {
                slots_[hole] = slots_[j];
                hole = j;
            }
        }
        slots_[hole].key = kEmptyKey;
        --used_;
    }

  private:
    // No packed key has bit 63 set.
    static constexpr std::uint64_t kEmptyKey = ~std::uint64_t{0};

    struct Slot {
        std::uint64_t key = kEmptyKey;
        std::uint32_t cell = 0;
    };

    // Fibonacci hashing: neighbouring cells differ in low bits of one field only, and the
    // multiplication spreads that over the top bits the index is taken from.
    std::size_t home(std::uint64_t key) const {
        return static_cast<std::size_t>((key * 0x9e3779b97f4a7c15ULL) >> shift_);
    }
    std::size_t next(std::size_t i) const { return (i + 1) & (slots_.size() - 1); }

    std::size_t position(std::uint64_t key) const {
        std::size_t i = home(key);
        while (slots_[i].key != key) {
            assert(slots_[i].key != kEmptyKey);
            i = next(i);
        }
        return i;
    }

    void grow() {
        std::vector<Slot> old = std::move(slots_);
        const std::size_t capacity = old.empty() ? 64 : 2 * old.size();
        slots_.assign(capacity, Slot{});
        shift_ = 64 - static_cast<unsigned>(std::countr_zero(capacity));
        used_ = 0;
        for (const auto& s : old) {
            if (s.key != kEmptyKey) insert(s.key, s.cell);
        }
    }

    std::vector<Slot> slots_;  // size a power of two
    std::size_t used_ = 0;
    unsigned shift_ = 64;
};

// Lets find/erase take a string_view without building a std::string.
struct IdHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
        return std::hash<std::string_view>{}(s);
    }
};

// Smallest and largest square of a value in [lo, hi].
double axis_min_sq(double lo, double hi) {
    if (lo > 0) return lo * lo;
    if (hi < 0) return hi * hi;
    return 0.0;
}
double axis_max_sq(double lo, double hi) {
    return std::max(lo * lo, hi * hi);
}

// Distance from v to [lo, hi].
double axis_gap(double v, double lo, double hi) {
    if (v < lo) return lo - v;
    if (v > hi) return v - hi;
    return 0.0;
}

}  // namespace

struct PartnerIndex::Impl {
    // What the search reads for each partner, stored in the partner's cell so that a cell is one
    // contiguous scan.
    struct Item {
        Vec3 ecef;
        unsigned usable_capabilities = 0;  // 0 when unavailable: one test rejects both
        std::uint32_t slot = 0;            // into entries
    };
    struct Cell {
        CellCoord at;
        std::uint64_t key = 0;
        std::vector<Item> items;  // never empty: a cell is dropped with its last partner
    };
    struct Entry {
        IndexedPartner partner;
        std::uint32_t cell = 0;         // into cells
        std::uint32_t pos_in_cell = 0;  // into cells[cell].items
    };
    struct Pending {
        Pending() {}  // left unset: scan() grows the buffer and then writes each one
        Pending(double c_sq, std::uint32_t s) : chord_sq(c_sq), slot(s) {}
        double chord_sq;  // squared chord, m²: ordered the same, and no root for most
        std::uint32_t slot;
    };
    struct Best {
        double distance_m;
        std::uint32_t slot;
    };
    // A search's working memory, kept per thread so that a query allocates only its answer.
    struct Scratch {
        std::vector<Pending> pending;
        std::vector<Best> best;
        std::vector<double> promised;
    };

    double cell_m;
    double inv_cell_m;
    // Below the smallest radius of curvature of WGS84 (b²/a, the meridian at the equator), with a
    // margin; see Search::promise.
    double curvature_radius_m;
    double inv_a_sq;  // 1/a², 1/b² of WGS84, for the surface test
    double inv_b_sq;
    double extent_m;  // no point of the ellipsoid has a coordinate beyond ±extent_m

    // All three are dense and updated by swapping with the last element, so that upsert and
    // erase are O(1) and the search reads contiguous memory.
    std::vector<Entry> entries;
    std::vector<Cell> cells;
    std::unordered_map<std::string, std::uint32_t, IdHash, std::equal_to<>> slot_of;
    CellTable cell_of_key;

    explicit Impl(double cell) : cell_m(cell), inv_cell_m(1.0 / cell) {
        const auto& earth = GeographicLib::Geocentric::WGS84();
        const double a = earth.EquatorialRadius();
        const double b = a * (1.0 - earth.Flattening());
        curvature_radius_m = 0.999 * b * b / a;
        inv_a_sq = 1.0 / (a * a);
        inv_b_sq = 1.0 / (b * b);
        extent_m = a + 1.0;
    }

    CellCoord cell_of(const Vec3& v) const {
        return {static_cast<std::int32_t>(std::floor(v.x / cell_m)),
                static_cast<std::int32_t>(std::floor(v.y / cell_m)),
                static_cast<std::int32_t>(std::floor(v.z / cell_m))};
    }

    void add_to_cell(std::uint32_t slot, CellCoord at, std::uint64_t key, const Item& item) {
        std::uint32_t c = cell_of_key.find(key);
        if (c == CellTable::kNone) {
            c = static_cast<std::uint32_t>(cells.size());
            cells.push_back({at, key, {}});
            cell_of_key.insert(key, c);
        }
        entries[slot].cell = c;
        entries[slot].pos_in_cell = static_cast<std::uint32_t>(cells[c].items.size());
        cells[c].items.push_back(item);
    }

    void remove_from_cell(std::uint32_t slot) {
        const std::uint32_t c = entries[slot].cell;
        auto& items = cells[c].items;
        const std::uint32_t pos = entries[slot].pos_in_cell;
        assert(pos < items.size() && items[pos].slot == slot);
        if (pos + 1 != items.size()) {
            items[pos] = items.back();
            entries[items[pos].slot].pos_in_cell = pos;
        }
        items.pop_back();
        if (items.empty()) drop_cell(c);
    }

    void drop_cell(std::uint32_t c) {
        cell_of_key.erase(cells[c].key);
        const auto last = static_cast<std::uint32_t>(cells.size() - 1);
        if (c != last) {
            cells[c] = std::move(cells[last]);
            cell_of_key.update(cells[c].key, c);
            for (const auto& item : cells[c].items) entries[item.slot].cell = c;
        }
        cells.pop_back();
    }

    class Search;
};

// One nearest() call. Rings of cells are visited outward; matching partners found there wait as
// pending (min-heap by chord) until no unvisited cell can hold anything nearer, and are then
// measured (exact geodesic) into the best k (max-heap by (geodesic, id), the worst at the front).
// Upper bounds from chords (promise) and the worst of the best k limit which cells are read and
// which partners are kept at all.
class PartnerIndex::Impl::Search {
  public:
    Search(const Impl& index, const NearestQuery& q, Scratch& scratch)
        : index_(index),
          q_(q),
          from_(to_ecef(q.from)),
          home_(index.cell_of(from_)),
          column_axis_(vertical_axis(from_)),
          radius_limit_m_(q.radius_m + kSlackM),
          pending_(scratch.pending),
          best_(scratch.best),
          promised_(scratch.promised) {
        pending_.clear();
        best_.clear();
        promised_.clear();
    }

    std::vector<Candidate> run() {
        // Lower bound on the chord to any partner in a cell not yet visited.
        double unvisited_m = 0.0;
        std::int32_t ring = 0;
        for (;;) {
            // Measure pending candidates while they are nearer than anything unvisited.
            while (!pending_.empty() && pending_.front().chord_sq <= squared(unvisited_m)) {
                const Pending next = pending_.front();
                if (full() && std::sqrt(next.chord_sq) - kSlackM > worst_m()) return finish();
                std::pop_heap(pending_.begin(), pending_.end(), pending_after);
                pending_.pop_back();
                measure(next.slot);
            }
            if (unvisited_m == kInf) return finish();  // pending is empty too
            if (full() && unvisited_m - kSlackM > worst_m()) return finish();
            if (unvisited_m > chord_limit_m()) {
                // Nothing unvisited can be in the answer (beyond the radius, or worse than k
                // partners already found): only pending ones can.
                unvisited_m = kInf;
                continue;
            }
            if (ring_column_count(ring) > 2 * index_.cells.size() + 64) {
                // The rings have grown larger than the occupied part of the grid (a sparse index,
                // or a wide search that finds few matches): reading every remaining occupied cell
                // once bounds the work by the index size.
                visit_cells_from_ring(ring);
                unvisited_m = kInf;
                continue;
            }
            visit_ring(ring);
            unvisited_m = bound_outside_rings(ring);
            ++ring;
        }
    }

  private:
    // The axis most nearly along the local vertical: columns along it cross the surface in the
    // fewest cells.
    static int vertical_axis(const Vec3& p) {
        const double ax = std::abs(p.x), ay = std::abs(p.y), az = std::abs(p.z);
        return ax >= ay && ax >= az ? 0 : (ay >= az ? 1 : 2);
    }

    static bool pending_after(const Pending& a, const Pending& b) {
        return a.chord_sq > b.chord_sq;
    }

    bool best_before(const Best& a, const Best& b) const {
        if (a.distance_m != b.distance_m) return a.distance_m < b.distance_m;
        return id(a.slot) < id(b.slot);
    }

    const std::string& id(std::uint32_t slot) const { return index_.entries[slot].partner.id; }

    bool excluded(std::uint32_t slot) const {
        return !q_.exclude_sorted.empty() &&
               std::binary_search(q_.exclude_sorted.begin(), q_.exclude_sorted.end(), id(slot));
    }

    bool full() const { return best_.size() == q_.k; }
    double worst_m() const { return best_.front().distance_m; }

    // Partners whose chord exceeds this cannot be in the answer: beyond the radius, or farther
    // than k partners measured or promised.
    double chord_limit_m() const {
        double limit = std::min(radius_limit_m_, promised_limit_m_ + kSlackM);
        if (full()) limit = std::min(limit, worst_m() + kSlackM);
        return limit;
    }

    // What visiting ring d costs: one surface computation per column.
    static std::size_t ring_column_count(std::int32_t d) {
        const auto side = 2 * static_cast<std::size_t>(d) + 1;
        return side * side;
    }

    // After rings 0..d, the visited cells form the box of cells home ± d. A point outside it is
    // outside on some axis, at least as far as that face. A face beyond the Earth has nothing
    // behind it.
    double bound_outside_rings(std::int32_t d) const {
        const double coords[3] = {from_.x, from_.y, from_.z};
        const std::int32_t homes[3] = {home_.x, home_.y, home_.z};
        double bound = kInf;
        for (int axis = 0; axis < 3; ++axis) {
            const double lo = static_cast<double>(homes[axis] - d) * index_.cell_m;
            const double hi = static_cast<double>(homes[axis] + d + 1) * index_.cell_m;
            if (lo > -index_.extent_m) bound = std::min(bound, coords[axis] - lo);
            if (hi < index_.extent_m) bound = std::min(bound, hi - coords[axis]);
        }
        return std::max(bound, 0.0);
    }

    // The cells at Chebyshev distance exactly d from home, read as columns along the axis w
    // nearest the local vertical: the columns on the square's edge (the ring's side walls) from
    // bottom to top, the ones inside at their two ends only (the ring's floor and lid). A column
    // crosses the surface in a few cells, worked out directly, so that most of the (2d+1)³ −
    // (2d−1)³ cells of a ring are never considered.
    void visit_ring(std::int32_t d) {
        if (d == 0) {
            visit_cell(home_);
            return;
        }
        const std::int32_t home[3] = {home_.x, home_.y, home_.z};
        const int w = column_axis_, u = (w + 1) % 3, v = (w + 2) % 3;
        const double limit_sq = squared(chord_limit_m() + kSlackM);
        for (std::int32_t du = -d; du <= d; ++du) {
            for (std::int32_t dv = -d; dv <= d; ++dv) {
                std::int32_t at[3];
                at[u] = home[u] + du;
                at[v] = home[v] + dv;
                if (column_gap_sq(u, at[u], v, at[v]) > limit_sq) continue;
                Run runs[2];
                const int n = surface_runs(u, at[u], v, at[v], w, runs);
                const bool wall = du == -d || du == d || dv == -d || dv == d;
                for (int i = 0; i < n; ++i) {
                    if (wall) {
                        const std::int32_t lo = std::max(runs[i].lo, home[w] - d);
                        const std::int32_t hi = std::min(runs[i].hi, home[w] + d);
                        for (at[w] = lo; at[w] <= hi; ++at[w]) visit_cell({at[0], at[1], at[2]});
                    } else {
                        for (const std::int32_t end : {home[w] - d, home[w] + d}) {
                            if (runs[i].lo <= end && end <= runs[i].hi) {
                                at[w] = end;
                                visit_cell({at[0], at[1], at[2]});
                            }
                        }
                    }
                }
            }
        }
    }

    // Cells cu..., inclusive; runs of one column never overlap, so no cell is visited twice.
    struct Run {
        std::int32_t lo;
        std::int32_t hi;
    };

    // The cells of column (u = cu, v = cv) along axis w that the ellipsoid can pass through. On
    // the column, (u²+v²)/a² (or with z/b²) lies between fixed low and high, so the surface can
    // only be where w² ∈ [(1 − high)·s², (1 − low)·s²] with s the semi-axis along w: up to two
    // runs of cells, symmetric about w = 0. One cell of margin each side absorbs rounding; the
    // exact per-cell test in near_enough decides.
    int surface_runs(int u, std::int32_t cu, int v, std::int32_t cv, int w, Run out[2]) const {
        const double c = index_.cell_m;
        const double u0 = cu * c, v0 = cv * c;
        const double low =
            axis_min_sq(u0, u0 + c) * inv_sq(u) + axis_min_sq(v0, v0 + c) * inv_sq(v);
        const double high =
            axis_max_sq(u0, u0 + c) * inv_sq(u) + axis_max_sq(v0, v0 + c) * inv_sq(v);
        const double top_sq = (1.0 + kSurfaceTolerance - low) / inv_sq(w);
        if (top_sq < 0) return 0;
        const double top = std::sqrt(top_sq);
        const double bottom_sq = (1.0 - kSurfaceTolerance - high) / inv_sq(w);
        const double bottom = bottom_sq > 0 ? std::sqrt(bottom_sq) : 0.0;
        const double inv_c = index_.inv_cell_m;
        const auto run = [inv_c](double lo, double hi) {
            return Run{static_cast<std::int32_t>(std::floor(lo * inv_c)) - 1,
                       static_cast<std::int32_t>(std::floor(hi * inv_c)) + 1};
        };
        out[0] = run(-top, -bottom);
        out[1] = run(bottom, top);
        if (out[0].hi >= out[1].lo - 1) {
            out[0].hi = out[1].hi;
            return 1;
        }
        return 2;
    }

    double inv_sq(int axis) const { return axis == 2 ? index_.inv_b_sq : index_.inv_a_sq; }

    // Squared distance from the query to the column, across it.
    double column_gap_sq(int u, std::int32_t cu, int v, std::int32_t cv) const {
        const double from[3] = {from_.x, from_.y, from_.z};
        const double c = index_.cell_m;
        return squared(axis_gap(from[u], cu * c, cu * c + c)) +
               squared(axis_gap(from[v], cv * c, cv * c + c));
    }

    void visit_cells_from_ring(std::int32_t d) {
        for (const auto& cell : index_.cells) {
            const std::int32_t chebyshev =
                std::max({std::abs(cell.at.x - home_.x), std::abs(cell.at.y - home_.y),
                          std::abs(cell.at.z - home_.z)});
            if (chebyshev >= d && near_enough(cell.at)) scan(cell);
        }
    }

    // The ellipsoid passes through the cell, and the cell is within the chord limit.
    bool near_enough(CellCoord at) const {
        const double cell_m = index_.cell_m;
        const double x0 = at.x * cell_m, y0 = at.y * cell_m, z0 = at.z * cell_m;
        const double x1 = x0 + cell_m, y1 = y0 + cell_m, z1 = z0 + cell_m;
        // (x²+y²)/a² + z²/b² is a sum of one-axis terms, so its extremes over the box are the sums
        // of the terms' extremes; the box being connected, it meets the surface (value 1) exactly
        // when 1 lies between them.
        const double low = (axis_min_sq(x0, x1) + axis_min_sq(y0, y1)) * index_.inv_a_sq +
                           axis_min_sq(z0, z1) * index_.inv_b_sq;
        const double high = (axis_max_sq(x0, x1) + axis_max_sq(y0, y1)) * index_.inv_a_sq +
                            axis_max_sq(z0, z1) * index_.inv_b_sq;
        if (low > 1.0 + kSurfaceTolerance || high < 1.0 - kSurfaceTolerance) return false;
        const double gap_sq = squared(axis_gap(from_.x, x0, x1)) +
                              squared(axis_gap(from_.y, y0, y1)) +
                              squared(axis_gap(from_.z, z0, z1));
        return gap_sq <= squared(chord_limit_m() + kSlackM);
    }

    void visit_cell(CellCoord at) {
        if (!near_enough(at)) return;
        const std::uint32_t c = index_.cell_of_key.find(pack(at));
        if (c != CellTable::kNone) scan(index_.cells[c]);
    }

    void scan(const Cell& cell) {
        // Written without branches on the data: whether a partner matches is a coin toss to the
        // branch predictor. Each is written to the next free place, which advances only for a
        // match.
        const std::size_t old_size = pending_.size();
        pending_.resize(old_size + cell.items.size());
        Pending* const first = pending_.data() + old_size;
        Pending* last = first;
        double limit_sq = squared(chord_limit_m());
        for (const auto& item : cell.items) {
            const double chord_sq = squared(item.ecef.x - from_.x) +
                                    squared(item.ecef.y - from_.y) + squared(item.ecef.z - from_.z);
            *last = {chord_sq, item.slot};
            last += static_cast<std::size_t>(
                ((item.usable_capabilities & q_.any_of_capabilities) != 0) &
                (chord_sq <= limit_sq));
        }
        // The nearest few tighten the limit, and the rest are checked against it again before
        // they cost a place in the heap.
        bool promised = false;
        for (Pending* p = first; p != last; ++p) {
            if (p->chord_sq < promised_limit_sq_) promised |= promise(*p);
        }
        if (promised) {
            limit_sq = squared(chord_limit_m());
            last = std::remove_if(first, last,
                                  [limit_sq](const Pending& p) { return p.chord_sq > limit_sq; });
        }
        const auto new_size = static_cast<std::size_t>(last - pending_.data());
        pending_.resize(new_size);
        for (std::size_t i = old_size + 1; i <= new_size; ++i) {
            std::push_heap(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(i),
                           pending_after);
        }
    }

    // Bounds the k-th best distance before any geodesic is measured, so that the many partners
    // near a busy query never enter the heap. The geodesic is no longer than the central plane
    // section of the ellipsoid through both points, an ellipse arc with semi-axes a and at least
    // b, so curvature at most a/b². By Schur's comparison theorem an arc with curvature at most
    // 1/R spanning chord c is no longer than the circular arc 2R·asin(c/2R) (for arcs shorter
    // than πR; chords are limited to 1000 km to stay far from that). A partner that qualifies in
    // every other way and whose bound is within the radius is thus certainly a candidate at
    // most that far; once k such are known, anything farther is out.
    bool promise(const Pending& p) {
        const double chord_m = std::sqrt(p.chord_sq);
        if (chord_m > 1'000'000.0) return false;
        const double r = index_.curvature_radius_m;
        const double bound_m = 2.0 * r * std::asin(chord_m / (2.0 * r)) + kSlackM;
        if (bound_m > q_.radius_m || excluded(p.slot)) return false;
        if (promised_.size() == q_.k) {
            std::pop_heap(promised_.begin(), promised_.end());
            promised_.back() = bound_m;
        } else {
            promised_.push_back(bound_m);
        }
        std::push_heap(promised_.begin(), promised_.end());
        if (promised_.size() == q_.k) {
            promised_limit_m_ = promised_.front();
            promised_limit_sq_ = squared(promised_limit_m_);
        }
        return true;
    }

    void measure(std::uint32_t slot) {
        if (excluded(slot)) return;
        const IndexedPartner& p = index_.entries[slot].partner;
        const Best b{distance_m(q_.from, p.position), slot};
        if (b.distance_m > q_.radius_m) return;
        const auto before = [this](const Best& x, const Best& y) { return best_before(x, y); };
        if (!full()) {
            best_.push_back(b);
            std::push_heap(best_.begin(), best_.end(), before);
        } else if (best_before(b, best_.front())) {
            std::pop_heap(best_.begin(), best_.end(), before);
            best_.back() = b;
            std::push_heap(best_.begin(), best_.end(), before);
        }
    }

    std::vector<Candidate> finish() {
        std::sort(best_.begin(), best_.end(),
                  [this](const Best& x, const Best& y) { return best_before(x, y); });
        std::vector<Candidate> out;
        out.reserve(best_.size());
        for (const auto& b : best_) out.push_back({id(b.slot), b.distance_m});
        return out;
    }

    const Impl& index_;
    const NearestQuery& q_;
    const Vec3 from_;
    const CellCoord home_;
    const int column_axis_;
    const double radius_limit_m_;
    std::vector<Pending>& pending_;
    std::vector<Best>& best_;
    std::vector<double>& promised_;   // max-heap of the k smallest bounds from promise()
    double promised_limit_m_ = kInf;  // the largest of them once there are k
    double promised_limit_sq_ = kInf;
};

namespace {

// Only read by assert, so unused when NDEBUG is defined.
[[maybe_unused]] bool valid_query(const NearestQuery& q) {
    return is_valid(q.from) && q.radius_m >= 0.0 &&  // false for NaN
           std::is_sorted(q.exclude_sorted.begin(), q.exclude_sorted.end());
}

}  // namespace

PartnerIndex::PartnerIndex(double cell_m) {
    if (!(std::isfinite(cell_m) && cell_m >= kMinCellM)) {
        throw std::invalid_argument("PartnerIndex: cell size must be at least 10 m");
    }
    impl_ = std::make_unique<Impl>(cell_m);
}

PartnerIndex::PartnerIndex(PartnerIndex&&) noexcept = default;
PartnerIndex& PartnerIndex::operator=(PartnerIndex&&) noexcept = default;
PartnerIndex::~PartnerIndex() = default;

void PartnerIndex::upsert(const IndexedPartner& p) {
    if (!is_valid(p.position)) {
        throw std::invalid_argument("PartnerIndex::upsert: invalid position for partner " + p.id);
    }
    Impl& ix = *impl_;
    const Vec3 ecef = to_ecef(p.position);
    const CellCoord at = ix.cell_of(ecef);
    const std::uint64_t key = pack(at);
    const unsigned usable = p.available ? p.capabilities : 0u;

    if (const auto found = ix.slot_of.find(std::string_view(p.id)); found != ix.slot_of.end()) {
        const std::uint32_t slot = found->second;
        Impl::Entry& entry = ix.entries[slot];
        if (ix.cells[entry.cell].key == key) {
            ix.cells[entry.cell].items[entry.pos_in_cell] = {ecef, usable, slot};
        } else {
            ix.remove_from_cell(slot);
            ix.add_to_cell(slot, at, key, {ecef, usable, slot});
        }
        entry.partner = p;
        return;
    }

    assert(ix.entries.size() < std::numeric_limits<std::uint32_t>::max());
    const auto slot = static_cast<std::uint32_t>(ix.entries.size());
    ix.entries.push_back({p, 0, 0});
    ix.slot_of.emplace(p.id, slot);
    ix.add_to_cell(slot, at, key, {ecef, usable, slot});
}

void PartnerIndex::erase(std::string_view id) {
    Impl& ix = *impl_;
    const auto found = ix.slot_of.find(id);
    if (found == ix.slot_of.end()) return;
    // id may view the stored partner's own id, which the moves below overwrite: not used again.
    const std::uint32_t slot = found->second;
    ix.slot_of.erase(found);
    ix.remove_from_cell(slot);
    const auto last = static_cast<std::uint32_t>(ix.entries.size() - 1);
    if (slot != last) {
        Impl::Entry& moved = ix.entries[slot];
        moved = std::move(ix.entries[last]);
        ix.slot_of.find(std::string_view(moved.partner.id))->second = slot;
        ix.cells[moved.cell].items[moved.pos_in_cell].slot = slot;
    }
    ix.entries.pop_back();
}

std::size_t PartnerIndex::size() const {
    return impl_->entries.size();
}

const IndexedPartner* PartnerIndex::find(std::string_view id) const {
    const auto found = impl_->slot_of.find(id);
    return found == impl_->slot_of.end() ? nullptr : &impl_->entries[found->second].partner;
}

std::vector<Candidate> PartnerIndex::nearest(const NearestQuery& q) const {
    assert(valid_query(q));
    if (q.k == 0 || impl_->entries.empty()) return {};
    thread_local Impl::Scratch scratch;
    return Impl::Search(*impl_, q, scratch).run();
}

std::vector<Candidate> nearest_brute_force(const std::vector<IndexedPartner>& partners,
                                           const NearestQuery& q) {
    assert(valid_query(q));
    std::vector<Candidate> hits;
    for (const auto& p : partners) {
        if (!p.available || (p.capabilities & q.any_of_capabilities) == 0) continue;
        if (std::binary_search(q.exclude_sorted.begin(), q.exclude_sorted.end(), p.id)) continue;
        const double d_m = distance_m(q.from, p.position);
        if (d_m <= q.radius_m) hits.push_back({p.id, d_m});
    }
    const auto before = [](const Candidate& a, const Candidate& b) {
        return a.distance_m != b.distance_m ? a.distance_m < b.distance_m : a.id < b.id;
    };
    const std::size_t n = std::min(q.k, hits.size());
    std::partial_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(n), hits.end(),
                      before);
    hits.resize(n);
    return hits;
}

}  // namespace roadside::geo
