// The demo data run.sh loads: the same for the same seed and day, valid for its products, and a
// realistic mix of what a call centre meets.
#include "api/demo.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "api/shops.hpp"
#include "dispatch/coverage.hpp"
#include "dispatch/plate.hpp"

namespace roadside::api {
namespace {

config::ProductCatalog products() {
    return config::load_products(std::string(std::getenv("ROADSIDE_SOURCE_DIR")) +
                                 "/config/products");
}

TEST(DemoData, SameSeedSameDaySameContracts) {
    const auto catalog = products();
    const core::Date day = core::parse_date("2026-11-23").value();
    const auto a = demo_contracts(catalog, day, 300, 7);
    const auto b = demo_contracts(catalog, day, 300, 7);
    ASSERT_EQ(a.size(), 300u);
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].contract.contract_no, b[i].contract.contract_no);
        EXPECT_EQ(a[i].contract.vehicle.plate, b[i].contract.vehicle.plate);
        EXPECT_EQ(a[i].contract.start_date, b[i].contract.start_date);
        EXPECT_EQ(a[i].contract.home.lat_deg, b[i].contract.home.lat_deg);
    }
    const auto other = demo_contracts(catalog, day, 300, 8);
    int differ = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        differ += a[i].contract.vehicle.plate != other[i].contract.vehicle.plate;
    EXPECT_GT(differ, 250) << "another seed gives other data";
}

TEST(DemoData, EveryContractIsValidForItsProductAndTheMixIsRealistic) {
    const auto catalog = products();
    const core::Date day = core::parse_date("2026-11-23").value();
    const auto all = demo_contracts(catalog, day, 300, 20261123);
    std::set<std::string> numbers, product_ids, plates;
    int eligible = 0, with_road_service = 0, waiting = 0, expired = 0, not_started = 0,
        in_japan = 0;
    for (const auto& nc : all) {
        const auto& c = nc.contract;
        const config::Product* p = catalog.find(c.product_id);
        ASSERT_NE(p, nullptr);
        EXPECT_TRUE(p->offers_term(c.term_months)) << c.contract_no;
        EXPECT_TRUE(!c.zero_deductible || p->zero_deductible_option) << c.contract_no;
        EXPECT_FALSE(dispatch::normalize_plate(c.vehicle.plate).empty());
        numbers.insert(c.contract_no);
        product_ids.insert(c.product_id);
        plates.insert(dispatch::normalize_plate(c.vehicle.plate));
        in_japan += c.home.lat_deg > 24 && c.home.lat_deg < 46 && c.home.lon_deg > 122 &&
                    c.home.lon_deg < 146;
        const auto v = dispatch::check_coverage(
            c, *p, {core::japan_start_of_day(day) + std::chrono::hours{12}, c.home, std::nullopt});
        eligible += v.eligible;
        with_road_service += p->road_service;
        for (const auto& r : v.reasons) {
            waiting += r.code == dispatch::ReasonCode::in_deductible_period;
            expired += r.code == dispatch::ReasonCode::coverage_expired;
            not_started += r.code == dispatch::ReasonCode::coverage_not_started;
        }
    }
    EXPECT_EQ(numbers.size(), 300u);
    EXPECT_EQ(product_ids.size(), 15u) << "every product appears";
    EXPECT_GT(plates.size(), 295u);
    EXPECT_EQ(in_japan, 300);
    // 7 of the 15 plans carry no road service; on the others most calls are covered.
    EXPECT_GT(eligible * 2, with_road_service) << eligible << " of " << with_road_service;
    EXPECT_GT(waiting, 10);
    EXPECT_GT(expired, 10);
    EXPECT_GT(not_started, 3);
}

TEST(DemoData, PartnersFollowThePopulationAndCoverEveryService) {
    const auto a = demo_partners(kDemoPartnerCount, 20261123);
    const auto b = demo_partners(kDemoPartnerCount, 20261123);
    ASSERT_EQ(a.size(), static_cast<std::size_t>(kDemoPartnerCount));
    int near_tokyo = 0, near_tottori = 0, towing = 0, on_site = 0;
    std::set<std::string> names;
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].base.lat_deg, b[i].base.lat_deg) << "same seed, same network";
        EXPECT_TRUE(geo::is_valid(a[i].base));
        EXPECT_FALSE(a[i].capabilities.empty());
        names.insert(a[i].name);
        const auto& caps = a[i].capabilities;
        towing += std::find(caps.begin(), caps.end(), "wrecker") != caps.end();
        on_site += std::find(caps.begin(), caps.end(), "on_site") != caps.end();
        near_tokyo += geo::distance_m(a[i].base, {35.6895, 139.6917}) < 80'000;
        near_tottori += geo::distance_m(a[i].base, {35.5036, 134.2383}) < 40'000;
    }
    EXPECT_EQ(names.size(), a.size());
    // Tokyo, Kanagawa, Saitama and Chiba hold about 29 % of Japan; Tottori about 0.4 %.
    EXPECT_GT(near_tokyo, 100);
    EXPECT_LT(near_tottori, 15);
    EXPECT_GT(towing, 150);
    EXPECT_EQ(on_site, kDemoPartnerCount);
}

// 保証会社指定の工場: a few hundred shops spread like the partners, with opening hours the API reads.
TEST(DemoData, ShopsFollowThePopulationAndHaveReadableHours) {
    const auto a = demo_shops(kDemoShopCount, 20261123);
    const auto b = demo_shops(kDemoShopCount, 20261123);
    ASSERT_EQ(a.size(), static_cast<std::size_t>(kDemoShopCount));
    int near_tokyo = 0, night = 0, always = 0, saturdays = 0;
    std::set<std::string> names;
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].position.lat_deg, b[i].position.lat_deg) << "same seed, same shops";
        EXPECT_EQ(a[i].hours_json, b[i].hours_json);
        EXPECT_TRUE(geo::is_valid(a[i].position));
        names.insert(a[i].name);
        const nlohmann::json wrapped = {{"hours", nlohmann::json::parse(a[i].hours_json)}};
        const dispatch::OpeningHours h = read_hours(Fields(wrapped));  // throws when unreadable
        EXPECT_EQ(hours_json(h).dump(), a[i].hours_json) << "stored as the API writes it";
        always += h.always;
        saturdays += h.days[5].has_value();
        night += a[i].night_intake;
        near_tokyo += geo::distance_m(a[i].position, {35.6895, 139.6917}) < 80'000;
    }
    EXPECT_EQ(names.size(), a.size());
    EXPECT_GT(near_tokyo, 50);
    EXPECT_GT(always, 0);
    EXPECT_GT(saturdays, 200);
    EXPECT_GT(night, 30);
    EXPECT_LT(night, 150);
}

}  // namespace
}  // namespace roadside::api
