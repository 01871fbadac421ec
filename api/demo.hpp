#pragma once
// Demo data for a new user: a few hundred contracts over the 15 products with homes spread across
// Japan, the same for the same seed and day. Loaded once (contract numbers start with "DEMO-").
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <vector>

#include "config/products.hpp"
#include "store/contracts.hpp"

namespace roadside::api {

struct DemoCity {
    const char* name;
    const char* plate_region;  // 運輸支局 name on plates
    double lat;
    double lon;
};
const std::vector<DemoCity>& demo_cities();

// Pure: the contracts to create. `today` anchors the start dates so that, whenever it runs, the
// demo has contracts that are active, in their waiting period, not started and expired.
std::vector<store::NewContract> demo_contracts(const config::ProductCatalog& products,
                                               core::Date today, int count, std::uint64_t seed);

// Inserts them unless demo data exists already; returns how many were inserted.
boost::asio::awaitable<int> load_demo_data(store::Connection& db,
                                           const config::ProductCatalog& products, core::Date today,
                                           int count, std::uint64_t seed);

}  // namespace roadside::api
