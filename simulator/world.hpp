#pragma once
// The people and trucks of the simulated day: warranty contracts whose holders live across Japan
// in proportion to population, and the tow partners that serve them, spread the same way.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "config/products.hpp"
#include "core/calendar.hpp"
#include "dispatch/contract.hpp"
#include "dispatch/job.hpp"
#include "dispatch/shop.hpp"
#include "geo/geodesic.hpp"
#include "simulator/workload.hpp"

namespace roadside::sim {

struct SimPartner {
    geo::LatLon base;
    dispatch::CapabilitySet capabilities = 0;
};

// A designated repair shop (保証会社指定の工場, 第1条2(1)).
struct SimShop {
    geo::LatLon position;
    bool night_intake = false;
    dispatch::OpeningHours hours;
};

struct World {
    std::vector<dispatch::Contract> contracts;
    std::vector<std::int64_t> odometer_km;  // per contract: the reading the caller gives today
    std::vector<SimPartner> partners;
    std::vector<SimShop> shops;

    std::vector<geo::LatLon> homes() const;  // per contract, for plan_calls
};

// `contracts` contracts on the products of `products` as a call centre meets them on `day`: most
// active, some in their waiting period (免責期間), expired, cancelled or not started, on plans
// without road service, over their distance limit, with a lapsed 車検 or a vehicle outside
// 第5条 (too large, business use, a motorcycle) — so that about one caller in eight is not
// covered. Homes are drawn by population (pick_place, point_near).
//
// `partners` partners at population-weighted places: half on-site crews only, three in ten also
// with a wrecker, two in ten with a wrecker and a carrier; and one designated shop for every ten
// partners, spread the same way: most open 9:00–18:00 Monday to Saturday, some every day, one in
// twenty around the clock, one in six taking cars at night.
//
// Deterministic in `rng`. Precondition: `products` holds at least one plan with road service.
World make_world(const config::ProductCatalog& products, core::Date day, std::size_t contracts,
                 std::size_t partners, Rng& rng);

}  // namespace roadside::sim
