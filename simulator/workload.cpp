#include "simulator/workload.hpp"

#include <GeographicLib/Geodesic.hpp>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace roadside::sim {

// ---------------------------------------------------------------------------------------------
// Random numbers

namespace {

std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

constexpr double kPi = 3.14159265358979323846;

}  // namespace

Rng::Rng(std::uint64_t seed) {
    std::uint64_t x = seed;
    for (auto& s : s_) s = splitmix64(x);
}

std::uint64_t Rng::next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
}

double Rng::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

double Rng::uniform(double a, double b) { return a + (b - a) * uniform(); }

std::uint64_t Rng::below(std::uint64_t n) {
    if (n == 0) throw std::invalid_argument("Rng::below(0)");
    // Rejecting the first (2^64 mod n) values leaves a multiple of n values: exact.
    const std::uint64_t threshold = (0 - n) % n;
    std::uint64_t x = next();
    while (x < threshold) x = next();
    return x % n;
}

bool Rng::chance(double p) { return uniform() < p; }

double Rng::normal() {
    // Box–Muller; 1 − u keeps the logarithm finite.
    const double u1 = 1.0 - uniform();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * kPi * u2);
}

double Rng::exponential(double mean) { return -mean * std::log(1.0 - uniform()); }

std::size_t Rng::weighted(const std::vector<double>& weights) {
    const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
    if (!(total > 0)) throw std::invalid_argument("Rng::weighted: no positive weight");
    double x = uniform() * total;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        if (x < weights[i]) return i;
        x -= weights[i];
    }
    // Rounding can leave x just above the last bucket: the last positive weight.
    for (std::size_t i = weights.size(); i-- > 0;) {
        if (weights[i] > 0) return i;
    }
    return 0;
}

Rng Rng::fork(std::uint64_t salt) const {
    std::uint64_t x = s_[0] ^ rotl(s_[2], 13) ^ (salt * 0xD1B54A32D192ED03ull);
    return Rng(splitmix64(x));
}

// ---------------------------------------------------------------------------------------------
// Where people live

const std::vector<Place>& places() {
    // 2020 census populations (thousands) by prefecture; the prefectures with more than one large
    // city are split among their cities, so that people sit where they live. spread_km is the
    // standard deviation of the spread: tight in the metropolises, wide in rural prefectures and
    // in Hokkaido.
    static const std::vector<Place> all = {
        {"札幌", 43.0642, 141.3469, 2350, 18},    {"旭川", 43.7706, 142.3650, 700, 35},
        {"函館", 41.7687, 140.7288, 600, 30},     {"帯広", 42.9236, 143.1966, 550, 40},
        {"釧路", 42.9849, 144.3820, 500, 40},     {"苫小牧", 42.6341, 141.6055, 525, 25},
        {"青森", 40.8244, 140.7400, 700, 25},     {"八戸", 40.5123, 141.4884, 538, 20},
        {"盛岡", 39.7036, 141.1527, 1211, 35},    {"仙台", 38.2688, 140.8721, 2302, 22},
        {"秋田", 39.7186, 140.1024, 960, 35},     {"山形", 38.2404, 140.3633, 1068, 30},
        {"郡山", 37.4005, 140.3597, 1000, 25},    {"福島", 37.7500, 140.4678, 833, 25},
        {"水戸", 36.3418, 140.4468, 1500, 20},    {"つくば", 36.0835, 140.0764, 1367, 20},
        {"宇都宮", 36.5657, 139.8836, 1933, 25},  {"前橋", 36.3911, 139.0608, 1000, 18},
        {"高崎", 36.3219, 139.0032, 939, 18},     {"さいたま", 35.8569, 139.6489, 4500, 12},
        {"川越", 35.9251, 139.4858, 2845, 15},    {"千葉", 35.6050, 140.1233, 3500, 15},
        {"船橋", 35.6947, 139.9825, 2784, 10},    {"東京", 35.6895, 139.6917, 9700, 8},
        {"八王子", 35.6664, 139.3160, 4348, 12},  {"横浜", 35.4478, 139.6425, 4500, 10},
        {"川崎", 35.5308, 139.7029, 1540, 6},     {"相模原", 35.5711, 139.3733, 3197, 15},
        {"新潟", 37.9026, 139.0232, 1400, 30},    {"長岡", 37.4462, 138.8512, 801, 30},
        {"富山", 36.6953, 137.2113, 1035, 20},    {"金沢", 36.5946, 136.6256, 1133, 22},
        {"福井", 36.0652, 136.2216, 767, 20},     {"甲府", 35.6642, 138.5684, 810, 20},
        {"長野", 36.6513, 138.1810, 1100, 25},    {"松本", 36.2380, 137.9720, 948, 25},
        {"岐阜", 35.3912, 136.7223, 1979, 22},    {"静岡", 34.9769, 138.3831, 1500, 20},
        {"浜松", 34.7108, 137.7261, 1300, 18},    {"沼津", 35.0956, 138.8636, 833, 15},
        {"名古屋", 35.1802, 136.9066, 4500, 12},  {"豊田", 35.0824, 137.1562, 1700, 15},
        {"豊橋", 34.7692, 137.3915, 1342, 15},    {"津", 34.7303, 136.5086, 1100, 20},
        {"四日市", 34.9650, 136.6245, 670, 12},   {"大津", 35.0045, 135.8686, 1414, 18},
        {"京都", 35.0214, 135.7556, 2578, 15},    {"大阪", 34.6863, 135.5200, 5500, 8},
        {"堺", 34.5733, 135.4830, 1800, 10},      {"枚方", 34.8145, 135.6509, 1538, 10},
        {"神戸", 34.6913, 135.1830, 2500, 12},    {"姫路", 34.8151, 134.6853, 1300, 20},
        {"西宮", 34.7376, 135.3416, 1665, 8},     {"奈良", 34.6851, 135.8048, 1324, 15},
        {"和歌山", 34.2260, 135.1675, 923, 20},   {"鳥取", 35.5036, 134.2383, 553, 25},
        {"松江", 35.4723, 133.0505, 671, 30},     {"岡山", 34.6618, 133.9344, 1400, 20},
        {"倉敷", 34.5850, 133.7720, 488, 12},     {"広島", 34.3966, 132.4596, 2000, 20},
        {"福山", 34.4858, 133.3623, 800, 18},     {"山口", 34.1859, 131.4714, 700, 25},
        {"下関", 33.9578, 130.9414, 642, 20},     {"徳島", 34.0658, 134.5593, 720, 20},
        {"高松", 34.3401, 134.0434, 950, 18},     {"松山", 33.8416, 132.7657, 1335, 25},
        {"高知", 33.5597, 133.5311, 692, 30},     {"福岡", 33.6064, 130.4181, 3000, 15},
        {"北九州", 33.8834, 130.8752, 1300, 15},  {"久留米", 33.3192, 130.5083, 835, 15},
        {"佐賀", 33.2494, 130.2988, 811, 18},     {"長崎", 32.7448, 129.8737, 800, 20},
        {"佐世保", 33.1799, 129.7151, 512, 18},   {"熊本", 32.7898, 130.7417, 1738, 25},
        {"大分", 33.2382, 131.6126, 1124, 25},    {"宮崎", 31.9111, 131.4239, 1070, 30},
        {"鹿児島", 31.5602, 130.5581, 1588, 30},  {"那覇", 26.2124, 127.6809, 1467, 12},
    };
    return all;
}

const Place& pick_place(Rng& rng) {
    static const std::vector<double> weights = [] {
        std::vector<double> w;
        for (const Place& p : places()) w.push_back(p.population_k);
        return w;
    }();
    return places()[rng.weighted(weights)];
}

geo::LatLon point_near(Rng& rng, const Place& place) {
    constexpr double kKmPerDegree = 111.32;
    double n1 = 0, n2 = 0;
    do {
        n1 = rng.normal();
        n2 = rng.normal();
    } while (n1 * n1 + n2 * n2 > 9.0);
    const double lat = place.lat + n1 * place.spread_km / kKmPerDegree;
    const double lon =
        place.lon + n2 * place.spread_km / (kKmPerDegree * std::cos(place.lat * kPi / 180.0));
    return {lat, lon};
}

geo::LatLon point_at_distance(Rng& rng, geo::LatLon from, double km) {
    const double azimuth = rng.uniform(-180.0, 180.0);
    double lat = 0, lon = 0;
    GeographicLib::Geodesic::WGS84().Direct(from.lat_deg, from.lon_deg, azimuth, km * 1000.0, lat,
                                            lon);
    return {lat, lon};
}

// ---------------------------------------------------------------------------------------------
// Calls

std::string_view problem_code(Cause c) {
    switch (c) {
        case Cause::battery: return "battery";
        case Cause::flat_tire: return "flat_tire";
        case Cause::lockout: return "lockout";
        case Cause::wheel_drop: return "wheel_drop";
        case Cause::fuel: return "fuel";
        case Cause::breakdown: return "breakdown";
        case Cause::accident: return "accident";
    }
    return "other";
}

const std::vector<double>& hourly_call_profile() {
    // Road-service calls by hour of day (Japan time): quiet at night, a morning peak of flat
    // batteries as people start their cars, a broad daytime plateau and an evening peak of
    // commuters. Relative weights; they sum to 100.
    static const std::vector<double> profile = {
        1.4, 1.0, 0.8, 0.7, 0.7, 1.0, 2.2, 4.2, 6.4, 7.6, 7.2, 6.0,
        6.1, 6.6, 6.0, 6.1, 6.5, 7.3, 6.7, 5.0, 3.8, 2.9, 2.2, 1.6,
    };
    return profile;
}

namespace {

constexpr double kCauseWeights[] = {
    35,  // battery (JAF: バッテリー上がり ~35 %)
    18,  // flat_tire (タイヤのパンク・バースト ~18 %)
    10,  // lockout (キー閉じ込み)
    5,   // wheel_drop (落輪)
    3,   // fuel (燃料切れ)
    23,  // breakdown (engine, transmission, electrics: mostly towed)
    6,   // accident (事故): every job paid, no remote support (第1条2 車両故障)
};

Cause draw_cause(Rng& rng) {
    static const std::vector<double> weights(std::begin(kCauseWeights), std::end(kCauseWeights));
    return kAllCauses[rng.weighted(weights)];
}

int draw_occupants(Rng& rng) {
    const double u = rng.uniform();
    return u < 0.55 ? 1 : u < 0.85 ? 2 : u < 0.95 ? 3 : 4;
}

// The job the agent asks for, and the facts of the breakdown that billing needs. About 40 % of
// calls end up needing a tow: every mechanical breakdown and accident, and the batteries, tyres
// and wheel drops that cannot be dealt with on the spot.
void plan_job(Rng& rng, CallPlan& call) {
    dispatch::JobRequest& job = call.job;
    job = dispatch::JobRequest{};
    switch (call.cause) {
        case Cause::battery:
            job.service = rng.chance(0.18) ? dispatch::Service::tow : dispatch::Service::jump_start;
            break;
        case Cause::flat_tire:
            job.service = rng.chance(0.25) ? dispatch::Service::tow : dispatch::Service::tire_change;
            if (job.service == dispatch::Service::tire_change && rng.chance(0.08)) job.tires = 2;
            break;
        case Cause::lockout:
            job.service = dispatch::Service::lockout;
            job.key_lost = rng.chance(0.08);
            job.trunk_lockout = rng.chance(0.04);
            job.special_lock = rng.chance(0.03);
            break;
        case Cause::wheel_drop: {
            // A car that cannot be driven once back on the road is towed instead.
            if (rng.chance(0.2)) {
                job.service = dispatch::Service::tow;
                break;
            }
            job.service = dispatch::Service::wheel_drop_recovery;
            dispatch::WheelDrop drop;
            drop.wheels = rng.chance(0.8) ? 1 : 2;
            drop.drop_m = std::round(rng.uniform(0.1, 1.4) * 10.0) / 10.0;
            job.wheel_drop = drop;
            break;
        }
        case Cause::fuel:
            job.service = dispatch::Service::fuel_delivery;
            call.fuel_litres = 10;
            break;
        case Cause::breakdown:
            job.service = rng.chance(0.95) ? dispatch::Service::tow : dispatch::Service::light_work;
            break;
        case Cause::accident: job.service = dispatch::Service::tow; break;
    }
    if (job.service == dispatch::Service::tow) {
        // Most shops are near; one tow in ten goes far: the customer's own dealer, which is not a
        // designated shop (a paid tow), and some of those go beyond 50 km.
        const bool own_dealer = rng.chance(0.1);
        call.tow_road_km =
            own_dealer ? rng.uniform(30.0, 120.0) : std::min(60.0, 1.0 + rng.exponential(9.0));
        call.tow_road_km = std::round(call.tow_road_km * 10.0) / 10.0;
        const int hour = static_cast<int>(call.at_s / 3600);
        const bool night = hour >= 19 || hour < 8;
        call.to_storage = night ? rng.chance(0.5) : rng.chance(0.05);
        if (call.to_storage) {
            call.storage_minutes = static_cast<std::int64_t>(rng.uniform(8.0, 60.0) * 60.0);
        }
        call.second_tow = rng.chance(0.02);
        call.tow_destination = own_dealer        ? dispatch::TowDestination::not_designated
                               : call.to_storage ? dispatch::TowDestination::storage
                                                 : dispatch::TowDestination::designated_shop;
    }
}

std::int64_t round_yen(double yen, std::int64_t step) {
    return std::max<std::int64_t>(step, static_cast<std::int64_t>(std::llround(yen / step)) * step);
}

// What a stranded customer claims (ロードサービス規定 第1条3): one of the five benefits, mostly
// in time and within the cap; some over the cap, some outside the time window, some late, some
// with receipts that do not count, some claimed twice.
ClaimPlan plan_claim(Rng& rng, const WorkloadOptions& options, const CallPlan& call) {
    using billing::Benefit;
    using billing::ReceiptKind;
    ClaimPlan c;
    static const std::vector<double> benefit_weights = {20, 25, 25, 20, 10};
    constexpr Benefit kBenefits[] = {Benefit::taxi, Benefit::rental_car, Benefit::public_transport,
                                     Benefit::hotel, Benefit::post_repair_transport};
    c.benefit = kBenefits[rng.weighted(benefit_weights)];
    c.persons = call.occupants + (rng.chance(0.1) ? 2 : 0);
    const bool over_cap = rng.chance(options.over_cap_share);
    const bool outside = rng.chance(0.05);
    const std::int64_t rest_of_day = 86'400 - call.at_s;
    switch (c.benefit) {
        case Benefit::taxi:
        case Benefit::rental_car:
            c.used_after_s = outside ? static_cast<std::int64_t>(rng.uniform(25, 40) * 3600)
                                     : static_cast<std::int64_t>(rng.uniform(0.5, 20) * 3600);
            break;
        case Benefit::public_transport:
        case Benefit::hotel:
            c.used_after_s = outside ? rest_of_day + static_cast<std::int64_t>(rng.uniform(1, 10) * 3600)
                                     : static_cast<std::int64_t>(
                                           rng.uniform(0.0, 1.0) *
                                           static_cast<double>(std::max<std::int64_t>(1, rest_of_day - 1)));
            break;
        case Benefit::post_repair_transport:
            c.used_after_s = static_cast<std::int64_t>(rng.uniform(1, 10) * 86'400);
            break;
    }
    const int use_day = static_cast<int>((call.at_s + c.used_after_s) / 86'400);
    const auto cap = billing::benefit_cap(c.benefit);
    const double cap_total = static_cast<double>(cap.yen) * (cap.per_person ? c.persons : 1);
    // The main receipt: within the cap, or up to 60 % over it.
    const double main = over_cap ? cap_total * rng.uniform(1.05, 1.6) : cap_total * rng.uniform(0.3, 0.95);
    auto add = [&](ReceiptKind kind, double yen) {
        c.receipts.push_back({kind, round_yen(yen, 10), use_day});
    };
    switch (c.benefit) {
        case Benefit::taxi: add(ReceiptKind::taxi_fare, main); break;
        case Benefit::rental_car:
            add(ReceiptKind::rental_base, main);
            if (rng.chance(0.4)) add(ReceiptKind::rental_fuel, rng.uniform(1500, 4000));
            if (rng.chance(0.3)) add(ReceiptKind::rental_insurance, rng.uniform(1000, 2200));
            break;
        case Benefit::public_transport:
            add(rng.chance(0.8) ? ReceiptKind::rail : ReceiptKind::air, main);
            if (rng.chance(0.2)) add(ReceiptKind::bus, rng.uniform(300, 2000));
            break;
        case Benefit::hotel:
            add(ReceiptKind::hotel_room, main);
            if (rng.chance(0.35)) add(ReceiptKind::hotel_meal, rng.uniform(1500, 6000));
            break;
        case Benefit::post_repair_transport: add(ReceiptKind::transport, main); break;
    }
    // A receipt of another benefit's kind slipped in now and then: excluded, not counted.
    if (rng.chance(0.05)) add(ReceiptKind::taxi_fare == c.receipts[0].kind ? ReceiptKind::hotel_meal
                                                                            : ReceiptKind::taxi_fare,
                              rng.uniform(1000, 5000));
    c.received_after_days = rng.chance(options.late_share) ? static_cast<int>(rng.uniform(90, 120))
                                                           : 1 + static_cast<int>(rng.below(30));
    c.claim_twice = rng.chance(options.twice_share);
    return c;
}

}  // namespace

const char* receipt_issuer(billing::ReceiptKind kind) {
    using billing::ReceiptKind;
    switch (kind) {
        case ReceiptKind::taxi_fare: return "○○交通";
        case ReceiptKind::rail: return "JR";
        case ReceiptKind::air: return "○○航空";
        case ReceiptKind::bus: return "○○バス";
        case ReceiptKind::ship: return "○○フェリー";
        case ReceiptKind::hotel_room:
        case ReceiptKind::hotel_meal:
        case ReceiptKind::hotel_other: return "ホテル○○";
        case ReceiptKind::transport: return "○○陸送";
        case ReceiptKind::rental_base:
        case ReceiptKind::rental_fuel:
        case ReceiptKind::rental_insurance:
        case ReceiptKind::rental_dropoff:
        case ReceiptKind::rental_equipment: return "○○レンタカー";
    }
    return "○○";
}

namespace {

// Where a traveller breaks down: near a city at least 100 km from home (remote support), or
// 20–99 km away. Draws a few candidates and keeps the first that fits.
geo::LatLon travel_location(Rng& rng, geo::LatLon home, bool remote) {
    geo::LatLon best = point_at_distance(rng, home, remote ? 150.0 : 50.0);
    for (int attempt = 0; attempt < 20; ++attempt) {
        const geo::LatLon p = point_near(rng, pick_place(rng));
        const double km = geo::distance_m(home, p) / 1000.0;
        if (remote ? km >= 100.0 : (km >= 20.0 && km < 99.0)) return p;
    }
    return best;
}

}  // namespace

std::vector<CallPlan> plan_calls(const WorkloadOptions& options,
                                 const std::vector<geo::LatLon>& homes, Rng& rng) {
    if (homes.empty()) throw std::invalid_argument("plan_calls: no contracts");
    // One contract per call while there are enough, drawn without replacement.
    std::vector<std::size_t> order(homes.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    for (std::size_t i = order.size(); i > 1; --i) {
        std::swap(order[i - 1], order[rng.below(i)]);
    }
    std::vector<CallPlan> calls(options.calls);
    for (std::size_t i = 0; i < calls.size(); ++i) {
        CallPlan& call = calls[i];
        call.seed = rng.next();
        Rng r = rng.fork(call.seed);
        const std::size_t hour = r.weighted(hourly_call_profile());
        call.at_s = static_cast<std::int64_t>(hour) * 3600 + static_cast<std::int64_t>(r.below(3600));
        call.contract = i < order.size() ? order[i] : static_cast<std::size_t>(r.below(homes.size()));
        const geo::LatLon home = homes[call.contract];
        call.travelling = r.chance(options.travel_share);
        if (call.travelling) {
            call.location = travel_location(r, home, r.chance(options.remote_share));
        } else {
            call.location = point_at_distance(r, home, std::min(30.0, r.exponential(4.0)));
        }
        call.cause = draw_cause(r);
        call.occupants = draw_occupants(r);
        plan_job(r, call);
        const bool remote = geo::distance_m(home, call.location) >= 100'000.0;
        if (remote && call.job.service == dispatch::Service::tow && r.chance(options.claim_share)) {
            call.claim = plan_claim(r, options, call);
        }
    }
    std::stable_sort(calls.begin(), calls.end(),
                     [](const CallPlan& a, const CallPlan& b) { return a.at_s < b.at_s; });
    return calls;
}

}  // namespace roadside::sim
