#pragma once
// Demo data for a new user: a few hundred contracts over the 15 products with homes spread across
// Japan, the same for the same seed and day. Loaded once (contract numbers start with "DEMO-").
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <vector>

#include "config/products.hpp"
#include "store/contracts.hpp"
#include "store/partners.hpp"
#include "store/shops.hpp"

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

// Pure: a partner network across Japan, in proportion to each prefecture's population, spread
// around its capital (wider in Hokkaido). About half the partners are on-site crews only; the rest
// also run wreckers or carriers.
std::vector<store::NewPartner> demo_partners(int count, std::uint64_t seed);
inline constexpr int kDemoPartnerCount = 500;

// Pure: designated repair shops (保証会社指定の工場) spread like the partners. Most open on
// weekdays and Saturdays in office hours; some every day; about one in six takes cars at night,
// and a few are open around the clock.
std::vector<store::NewShop> demo_shops(int count, std::uint64_t seed);
inline constexpr int kDemoShopCount = 300;

// Inserts the demo contracts unless there are some, and the partners and the shops unless there
// are any (so a database made by an earlier version gets them too); returns how many of each.
struct DemoLoaded {
    int contracts = 0;
    int partners = 0;
    int shops = 0;
};
boost::asio::awaitable<DemoLoaded> load_demo_data(store::Connection& db,
                                                  const config::ProductCatalog& products,
                                                  core::Date today, int count, std::uint64_t seed);

}  // namespace roadside::api
