#pragma once
// The workload of a day of breakdowns, shared by the in-process simulation (`roadside-sim day`)
// and the HTTP load generator (`roadside-sim load`): where people live, when and where they break
// down and why, what the agent asks for, how the tow ends, and what the customer later claims.
// Deterministic: the same seed gives the same workload on every machine (no std:: distributions,
// whose output is implementation-defined).
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "billing/claims.hpp"
#include "dispatch/job.hpp"
#include "geo/geodesic.hpp"

namespace roadside::sim {

// SplitMix64-seeded xoshiro256**: a small, fast generator whose output is fixed by its seed.
class Rng {
  public:
    explicit Rng(std::uint64_t seed);
    std::uint64_t next();
    double uniform();                    // [0, 1)
    double uniform(double a, double b);  // [a, b)
    std::uint64_t below(std::uint64_t n);  // [0, n), n > 0
    bool chance(double p);               // true with probability p
    double normal();                     // standard normal (Box–Muller)
    double exponential(double mean);
    // An index drawn in proportion to `weights` (non-negative, not all zero).
    std::size_t weighted(const std::vector<double>& weights);
    // An independent generator for a sub-stream (e.g. one per call), so that adding draws in one
    // place does not shift every later draw.
    Rng fork(std::uint64_t salt) const;

  private:
    std::uint64_t s_[4];
};

// Prefecture capitals and major cities with their populations: people and partners are spread
// around them in proportion to population.
struct Place {
    const char* name;
    double lat;
    double lon;
    double population_k;  // thousands of people in the area the place stands for
    double spread_km;     // standard deviation of the spread around it (wider in Hokkaido)
};
const std::vector<Place>& places();
// A place drawn in proportion to population.
const Place& pick_place(Rng& rng);
// A point around the place: a normal spread of spread_km, kept on land-ish latitudes (a valid
// point within 3 standard deviations).
geo::LatLon point_near(Rng& rng, const Place& place);
// A point about `km` away from `from` in a random direction (geodesic direct problem).
geo::LatLon point_at_distance(Rng& rng, geo::LatLon from, double km);

// Why the customer called. The mix follows JAF's published statistics: dead batteries ~35 %,
// tyres ~18 %, lockouts, wheels off the road, fuel, mechanical breakdowns, accidents.
enum class Cause { battery, flat_tire, lockout, wheel_drop, fuel, breakdown, accident };
inline constexpr Cause kAllCauses[] = {Cause::battery,    Cause::flat_tire, Cause::lockout,
                                       Cause::wheel_drop, Cause::fuel,      Cause::breakdown,
                                       Cause::accident};
// The `problem` code of POST /v1/calls.
std::string_view problem_code(Cause c);

// What the customer will claim after a remote breakdown (ロードサービス規定 第1条3).
struct PlannedReceipt {
    billing::ReceiptKind kind = billing::ReceiptKind::taxi_fare;
    std::int64_t amount_yen = 0;
    int issued_day_offset = 0;  // days after the breakdown's Japan date (0 = that day)
};
// A plausible issuer for a receipt of this kind (the name printed on it).
const char* receipt_issuer(billing::ReceiptKind kind);

struct ClaimPlan {
    billing::Benefit benefit = billing::Benefit::taxi;
    int persons = 1;                  // may exceed the occupants or the seats (capped)
    std::int64_t used_after_s = 0;    // when the benefit was used, after the breakdown (may be
                                      // outside its window)
    std::vector<PlannedReceipt> receipts;  // may be over the cap, or hold excluded kinds
    int received_after_days = 1;      // when the form arrives, days after use (late: > 89)
    bool claim_twice = false;         // the customer also files a second claim (another benefit)
};

struct CallPlan {
    std::int64_t at_s = 0;  // seconds after the day's start (00:00 Japan time), [0, 86400)
    std::size_t contract = 0;  // index into the contracts the workload was planned for
    geo::LatLon location;
    bool travelling = false;  // far from home (some beyond 100 km: remote support)
    Cause cause = Cause::battery;
    int occupants = 1;
    // What the agent asks for (job.covered is left true: the caller sets it from the coverage
    // verdict); job.wheel_drop is set for wheel-drop recovery.
    dispatch::JobRequest job;
    // A tow: where the agent sends it — the nearest designated shop that can take the car (the
    // engine, or the server's estimate, finds it), temporary storage at night when the shop is
    // closed (to_storage), or somewhere that is not designated (the customer's own dealer or home:
    // a paid tow, 第1条2(1)) — and how far by road it is when not to a designated shop.
    dispatch::TowDestination tow_destination = dispatch::TowDestination::designated_shop;
    double tow_road_km = 0;
    bool to_storage = false;
    std::int64_t storage_minutes = 0;
    std::int64_t fuel_litres = 0;  // fuel delivery
    // A second tow for the same breakdown (第2条3(5)) is asked for after the first completes.
    bool second_tow = false;
    std::optional<ClaimPlan> claim;  // what the customer claims, if the incident qualifies
    std::uint64_t seed = 0;          // for the call's own later draws (partner reactions, …)
};

struct WorkloadOptions {
    std::size_t calls = 10'000;
    double travel_share = 0.12;  // calls made away from home
    double remote_share = 0.5;   // of travellers, how many are ≥ 100 km from home
    double claim_share = 0.8;    // of qualifying remote tows, how many claim
    double late_share = 0.05;    // of claims, how many arrive after the 90-day window
    double over_cap_share = 0.3;  // of claims, how many ask for more than the cap
    double twice_share = 0.1;     // of claims, how many also file a second claim
};

// The day's calls, sorted by at_s, over contracts whose homes are `homes` (one per contract).
// The arrival rate follows the daily curve of road-service calls: low at night, a morning peak
// (batteries), a broad afternoon and an evening peak.
std::vector<CallPlan> plan_calls(const WorkloadOptions& options,
                                 const std::vector<geo::LatLon>& homes, Rng& rng);

// The relative call rate of each hour of the day (24 values, Japan time), as used by plan_calls.
const std::vector<double>& hourly_call_profile();

}  // namespace roadside::sim
