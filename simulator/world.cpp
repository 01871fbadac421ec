#include "simulator/world.hpp"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <stdexcept>
#include <string>

#include "simulator/audit.hpp"

namespace roadside::sim {

std::vector<geo::LatLon> World::homes() const {
    std::vector<geo::LatLon> out;
    out.reserve(contracts.size());
    for (const auto& c : contracts) out.push_back(c.home);
    return out;
}

namespace {

using dispatch::VehicleKind;
using dispatch::VehicleUse;

// What people drive, as written on the 車検証, with the exceptions of 第5条 a call centre meets:
// a business-use car, a vehicle over the size or weight limits, a motorcycle. Weights are
// relative frequencies.
struct VehicleKindTemplate {
    VehicleKind kind;
    VehicleUse use;
    bool private_use;
    const char* body;
    int length_mm, width_mm, height_mm, gross_weight_kg, seats;
    int plate_class;  // 分類番号: 4xx cargo plates carry a distance limit on some plans
    double weight;
};

constexpr VehicleKindTemplate kVehicles[] = {
    {VehicleKind::kei, VehicleUse::passenger, true, "箱型", 3395, 1475, 1650, 1050, 4, 580, 32},
    {VehicleKind::small, VehicleUse::passenger, true, "箱型", 4300, 1695, 1500, 1500, 5, 500, 27},
    {VehicleKind::ordinary, VehicleUse::passenger, true, "ステーションワゴン", 4690, 1800, 1700,
     2100, 7, 300, 24},
    {VehicleKind::kei, VehicleUse::cargo, true, "バン", 3395, 1475, 1890, 1200, 2, 480, 6},
    {VehicleKind::small, VehicleUse::cargo, true, "キャブオーバ", 4690, 1690, 1990, 2950, 3, 400,
     5},
    {VehicleKind::ordinary, VehicleUse::special, true, "キャンピング車", 4990, 1880, 2600, 2900, 6,
     800, 2},
    // Outside 第5条.
    {VehicleKind::ordinary, VehicleUse::passenger, false, "箱型", 4900, 1850, 1500, 2100, 5, 300,
     0.6},
    {VehicleKind::ordinary, VehicleUse::passenger, true, "箱型", 5650, 1990, 1900, 3200, 7, 300,
     0.8},
    {VehicleKind::two_wheel, VehicleUse::passenger, true, "オートバイ", 2210, 830, 1280, 320, 2, 0,
     0.4},
};

const std::vector<double>& vehicle_weights() {
    static const std::vector<double> w = [] {
        std::vector<double> out;
        for (const auto& v : kVehicles) out.push_back(v.weight);
        return out;
    }();
    return w;
}

constexpr const char* kKana[] = {"あ", "い", "う", "え", "か", "き", "く", "け", "さ", "す",
                                 "せ", "そ", "た", "ち", "つ", "て", "な", "に", "ぬ", "ね"};

int pick_int(Rng& rng, int lo, int hi) {  // [lo, hi]
    return lo + static_cast<int>(rng.below(static_cast<std::uint64_t>(hi - lo + 1)));
}

// Where a contract stands on the day of the call. Shares are of all contracts; the rest are
// active and past their waiting period.
enum class Standing { active, waiting, expired, cancelled, not_started };
Standing draw_standing(Rng& rng) {
    const double u = rng.uniform();
    if (u < 0.04) return Standing::waiting;
    if (u < 0.07) return Standing::expired;
    if (u < 0.08) return Standing::cancelled;
    if (u < 0.085) return Standing::not_started;
    return Standing::active;
}

dispatch::Vehicle make_vehicle(Rng& rng, const Place& place, core::Date day, Id id) {
    const VehicleKindTemplate& t = kVehicles[rng.weighted(vehicle_weights())];
    dispatch::Vehicle v;
    char plate[96];
    const char* kana = kKana[rng.below(std::size(kKana))];
    if (t.plate_class > 0) {
        std::snprintf(plate, sizeof plate, "%s %d %s %d", place.name,
                      t.plate_class + pick_int(rng, 0, 30), kana, pick_int(rng, 1, 9999));
    } else {
        std::snprintf(plate, sizeof plate, "%s %s %d", place.name, kana, pick_int(rng, 1, 9999));
    }
    v.plate = plate;
    char chassis[32];
    std::snprintf(chassis, sizeof chassis, "SIM-%07u", static_cast<unsigned>(id));
    v.chassis_no = chassis;
    v.kind = t.kind;
    v.use = t.use;
    v.private_use = t.private_use;
    v.body_shape = t.body;
    v.length_mm = t.length_mm;
    v.width_mm = t.width_mm;
    v.height_mm = t.height_mm;
    v.gross_weight_kg = t.gross_weight_kg;
    v.seating_capacity = t.seats;
    // 車検 every two years; one car in seventy has let it lapse (第6条(4)).
    v.inspection_expiry = rng.chance(1.0 / 70) ? core::add_days(day, -pick_int(rng, 1, 200))
                                               : core::add_days(day, pick_int(rng, 0, 730));
    return v;
}

// The plans on sale, split by whether they carry road service.
struct Plans {
    std::vector<const config::Product*> with_road, without_road;
};

// How long ago the contract started, for where it stands on the day of the call; a cancelled
// one gets its cancellation too. The term is at least 6 months (≥ 168 days), the waiting period
// at most 2 months (≤ 62 days), so 70 … 160 days ago is active for every plan.
int draw_days_ago(Rng& rng, core::Date day, dispatch::Contract& c) {
    const int term_days_min = c.term_months * 28;
    switch (draw_standing(rng)) {
        case Standing::active:
            return pick_int(rng, 70, std::max(70, term_days_min - 8));
        case Standing::waiting:
            return pick_int(rng, 0, 27);
        case Standing::expired:
            return c.term_months * 31 + pick_int(rng, 1, 365);
        case Standing::cancelled: {
            const int days_ago = pick_int(rng, 70, std::max(70, term_days_min - 8));
            c.cancelled_on = core::add_days(day, -pick_int(rng, 1, 60));
            c.cancel_reason = "名義変更";
            return days_ago;
        }
        case Standing::not_started:
            return -pick_int(rng, 1, 14);
    }
    return 0;
}

// The plan and its options.
void draw_plan(Rng& rng, const Plans& plans, dispatch::Contract& c) {
    // Now and then a customer whose plan has no road service calls anyway.
    const bool no_road = !plans.without_road.empty() && rng.chance(0.03);
    const auto& pool = no_road ? plans.without_road : plans.with_road;
    const config::Product& p = *pool[rng.below(pool.size())];
    c.product_id = p.id;
    c.term_months = p.term_months.empty() ? 12 : p.term_months[rng.below(p.term_months.size())];
    c.zero_deductible = p.zero_deductible_option && rng.chance(0.25);
    c.corporate = rng.chance(0.06);
}

// The holder, living at `place`.
void draw_holder(Rng& rng, const Place& place, std::size_t i, dispatch::Contract& c) {
    c.holder.name = "契約者 " + std::to_string(i + 1);
    c.holder.name_kana = "ケイヤクシャ";
    c.holder.birth_date =
        core::Date{std::chrono::year{1950 + pick_int(rng, 0, 55)},
                   std::chrono::month{static_cast<unsigned>(pick_int(rng, 1, 12))},
                   std::chrono::day{static_cast<unsigned>(pick_int(rng, 1, 28))}};
    c.holder.address = place.name;
}

// The i-th contract and the odometer its caller reads out on the day.
void add_contract(World& w, const Plans& plans, core::Date day, std::size_t i, Rng& rng) {
    const Id id = static_cast<Id>(i);
    dispatch::Contract c;
    c.id = contract_name(id);
    char no[32];
    std::snprintf(no, sizeof no, "SIM-%07u", static_cast<unsigned>(id + 1));
    c.contract_no = no;
    draw_plan(rng, plans, c);
    const int days_ago = draw_days_ago(rng, day, c);
    c.start_date = core::add_days(day, -days_ago);

    const Place& place = pick_place(rng);
    c.home = point_near(rng, place);
    draw_holder(rng, place, i, c);
    c.vehicle = make_vehicle(rng, place, day, id);

    // The odometer the caller reads out: business vehicles and cargo plates run further, so
    // some of them are past their distance limit (保証規定 第3条2).
    c.odometer_at_start_km = pick_int(rng, 5'000, 110'000);
    const bool heavy_user = c.corporate || c.vehicle.use == VehicleUse::cargo;
    const double km_per_day = heavy_user ? rng.uniform(10, 50) : rng.uniform(5, 40);
    const double driven = std::max(0, days_ago) * km_per_day;
    w.odometer_km.push_back(*c.odometer_at_start_km + static_cast<std::int64_t>(driven));
    w.contracts.push_back(std::move(c));
}

SimPartner make_partner(Rng& rng) {
    SimPartner p;
    p.base = point_near(rng, pick_place(rng));
    using dispatch::Capability;
    const auto bit = [](Capability c) { return static_cast<unsigned>(c); };
    const double u = rng.uniform();
    p.capabilities = bit(Capability::on_site);
    if (u >= 0.5) p.capabilities |= bit(Capability::wrecker);
    if (u >= 0.8) p.capabilities |= bit(Capability::carrier);
    return p;
}

// Designated shops, drawn after everything else so that the contracts and partners of a seed stay
// what they were.
void add_shops(World& w, std::size_t count, Rng& rng) {
    w.shops.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        SimShop s;
        s.position = point_near(rng, pick_place(rng));
        const double u = rng.uniform();
        if (u < 0.05) {
            s.hours.always = true;
        } else {
            const std::size_t days = u < 0.3 ? 7 : 6;  // every day, or Monday to Saturday
            for (std::size_t d = 0; d < days; ++d) {
                s.hours.days[d] = dispatch::DayHours{9 * 60, 18 * 60};
            }
        }
        s.night_intake = s.hours.always || rng.chance(1.0 / 6);
        w.shops.push_back(s);
    }
}

}  // namespace

World make_world(const config::ProductCatalog& products, core::Date day, std::size_t contracts,
                 std::size_t partners, Rng& rng) {
    Plans plans;
    for (const auto& p : products.all()) {
        (p.road_service ? plans.with_road : plans.without_road).push_back(&p);
    }
    if (plans.with_road.empty()) {
        throw std::invalid_argument("make_world: no plan carries road service");
    }

    World w;
    w.contracts.reserve(contracts);
    w.odometer_km.reserve(contracts);
    for (std::size_t i = 0; i < contracts; ++i) add_contract(w, plans, day, i, rng);
    w.partners.reserve(partners);
    for (std::size_t i = 0; i < partners; ++i) w.partners.push_back(make_partner(rng));
    add_shops(w, std::max<std::size_t>(1, partners / 10), rng);
    return w;
}

}  // namespace roadside::sim
