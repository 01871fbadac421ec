// Coverage on the day of the call (dispatch/coverage.hpp; spec/rules.md §1–§3, spec/api.md
// "Coverage check and calls"). The products are the real configuration files, so these tests also
// check that the plan facts and the rule engine agree with the source documents.
//
// Times of calls are given in UTC on purpose: 23:59 Japan time is 14:59 UTC of the same day and
// 00:00 Japan time is 15:00 UTC of the day before, which is where an off-by-one-day bug would hide.
#include "dispatch/coverage.hpp"

#include <gtest/gtest.h>

#include <GeographicLib/Geodesic.hpp>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace roadside::dispatch {
namespace {

using core::Date;
using RC = ReasonCode;
using Codes = std::vector<RC>;

std::filesystem::path products_dir() {
    if (const char* src = std::getenv("ROADSIDE_SOURCE_DIR")) {
        return std::filesystem::path(src) / "config" / "products";
    }
    return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "config" /
           "products";
}

const config::ProductCatalog& catalog() {
    static const config::ProductCatalog c = config::load_products(products_dir());
    return c;
}

const config::Product& product(std::string_view id) {
    const config::Product* p = catalog().find(id);
    if (p == nullptr) throw std::logic_error("no product " + std::string(id));
    return *p;
}

Date d(int y, unsigned m, unsigned dd) {
    return Date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{dd}};
}

core::Instant instant(const char* rfc3339) {
    const auto t = core::parse_rfc3339(rfc3339);
    if (!t) throw std::logic_error(std::string("bad test time ") + rfc3339);
    return *t;
}

constexpr geo::LatLon kHome{35.6812, 139.7671};      // Tokyo Station
constexpr geo::LatLon kNearHome{35.6586, 139.7454};  // Tokyo Tower, ~3 km away
constexpr geo::LatLon kShinOsaka{34.7335, 135.5003};

// The api.md example contract: 買得典 basic from 2026-01-05 for 12 months, private small car.
// The inspection is valid well past every call below unless a case says otherwise.
Contract base_contract(std::string_view product_id) {
    Contract c;
    c.id = "contract-1";
    c.contract_no = "KT-2026-000123";
    c.product_id = std::string(product_id);
    c.start_date = d(2026, 1, 5);
    c.term_months = 12;
    c.zero_deductible = false;
    c.corporate = false;
    c.odometer_at_start_km = 45'210;
    c.holder.name = "山田 太郎";
    c.holder.birth_date = d(1980, 4, 1);
    c.home = kHome;
    c.vehicle.plate = "品川 300 あ 1234";
    c.vehicle.chassis_no = "GDJ150-999900";
    c.vehicle.length_mm = 4690;
    c.vehicle.width_mm = 1690;
    c.vehicle.height_mm = 1990;
    c.vehicle.gross_weight_kg = 2500;
    c.vehicle.seating_capacity = 5;
    c.vehicle.kind = VehicleKind::small;
    c.vehicle.use = VehicleUse::passenger;
    c.vehicle.private_use = true;
    c.vehicle.body_shape = "箱型";
    c.vehicle.inspection_expiry = d(2031, 12, 31);
    return c;
}

std::string codes_text(const Codes& codes) {
    std::string s = "[";
    for (const RC c : codes) s += std::string(s.size() > 1 ? ", " : "") + std::string(to_string(c));
    return s + "]";
}

Codes codes_of(const CoverageVerdict& v) {
    Codes out;
    for (const Reason& r : v.reasons) out.push_back(r.code);
    return out;
}

struct CoverageCase {
    const char* why;
    const char* product_id;
    void (*setup)(Contract&);  // nullptr: the base contract as is
    const char* at;            // the call
    std::optional<std::int64_t> odometer_km;
    Codes expected;
};

void run(std::span<const CoverageCase> cases) {
    for (const auto& c : cases) {
        Contract contract = base_contract(c.product_id);
        if (c.setup != nullptr) c.setup(contract);
        const CallFacts facts{instant(c.at), kNearHome, c.odometer_km};
        const CoverageVerdict v = check_coverage(contract, product(c.product_id), facts);
        const Codes got = codes_of(v);
        EXPECT_EQ(got, c.expected) << c.why << " [" << c.product_id << " at " << c.at << "]: got "
                                   << codes_text(got) << ", expected " << codes_text(c.expected);
        EXPECT_EQ(v.eligible, c.expected.empty()) << c.why;
    }
}

// ---------------------------------------------------------------------------------------------
// Reason codes: names and order are fixed by spec/api.md.

TEST(ReasonCodes, NamesAndOrderOfApi) {
    const char* const api_order[] = {
        "contract_cancelled",     "coverage_not_started",       "coverage_expired",
        "mileage_limit_exceeded", "plan_excludes_road_service", "in_deductible_period",
        "inspection_expired",     "vehicle_not_private_use",    "vehicle_type_not_covered",
        "vehicle_too_long",       "vehicle_too_wide",           "vehicle_too_heavy"};
    for (int i = 0; i < 12; ++i) {
        EXPECT_EQ(to_string(static_cast<RC>(i)), api_order[i]) << "position " << i;
    }
}

// ---------------------------------------------------------------------------------------------
// The period: ロードサービス規定 第3条(2)
// (ロードサービスが必要となった日に保証期間が有効であること), 保証規定 第3条1
// (登録年月日を起算点とし…), 民法第143条 for the last day.

TEST(CoverageTerm, LastCoveredDayAndTheDayAfter) {
    // clang-format off
    const CoverageCase cases[] = {
        {"第3条(2): 2026-01-05 + 12 months, last day 2027-01-04 at 23:59 JST", "kaitokuten-basic",
         nullptr, "2027-01-04T14:59:00Z", std::nullopt, {}},
        {"第3条(2): last day at 23:59:59 JST", "kaitokuten-basic", nullptr, "2027-01-04T14:59:59Z",
         std::nullopt, {}},
        {"第3条(2): 2027-01-05 00:00 JST (15:00 UTC the day before) is expired", "kaitokuten-basic",
         nullptr, "2027-01-04T15:00:00Z", std::nullopt, {RC::coverage_expired}},
        {"第3条(2): the same instants written with +09:00", "kaitokuten-basic", nullptr,
         "2027-01-04T23:59:00+09:00", std::nullopt, {}},
        {"第3条(2): 10:00 -05:00 on the last day is already the next day in Japan",
         "kaitokuten-basic", nullptr, "2027-01-04T10:00:00-05:00", std::nullopt,
         {RC::coverage_expired}},
        {"民法143条: Mar 31 + 6 months (輸入車ライト) ends Sep 30, 23:59 JST covered",
         "cartender-import-light",
         [](Contract& c) {
             c.start_date = d(2026, 3, 31);
             c.term_months = 6;
         },
         "2026-09-30T14:59:00Z", std::nullopt, {}},
        {"民法143条: Mar 31 + 6 months, Oct 1 00:00 JST expired", "cartender-import-light",
         [](Contract& c) {
             c.start_date = d(2026, 3, 31);
             c.term_months = 6;
         },
         "2026-09-30T15:00:00Z", std::nullopt, {RC::coverage_expired}},
        {"民法143条: Mar 30 + 6 months ends Sep 29, so Sep 30 is expired", "cartender-import-light",
         [](Contract& c) {
             c.start_date = d(2026, 3, 30);
             c.term_months = 6;
         },
         "2026-09-29T15:00:00Z", std::nullopt, {RC::coverage_expired}},
        {"民法143条: Jan 31 + 12 months ends 2027-01-30", "kaitokuten-basic",
         [](Contract& c) { c.start_date = d(2026, 1, 31); }, "2027-01-30T14:59:00Z", std::nullopt,
         {}},
        {"民法143条: Jan 31 + 12 months, 2027-01-31 expired", "kaitokuten-basic",
         [](Contract& c) { c.start_date = d(2026, 1, 31); }, "2027-01-30T15:00:00Z", std::nullopt,
         {RC::coverage_expired}},
        {"民法143条: Feb 29 + 12 months: 2029 has no Feb 29, last day Feb 28", "kaitokuten-basic",
         [](Contract& c) { c.start_date = d(2028, 2, 29); }, "2029-02-28T14:59:00Z", std::nullopt,
         {}},
        {"民法143条: Feb 29 + 12 months, 2029-03-01 expired", "kaitokuten-basic",
         [](Contract& c) { c.start_date = d(2028, 2, 29); }, "2029-02-28T15:00:00Z", std::nullopt,
         {RC::coverage_expired}},
        {"買得典 basic 60 months: last day 2031-01-04", "kaitokuten-basic",
         [](Contract& c) { c.term_months = 60; }, "2031-01-04T14:59:00Z", std::nullopt, {}},
        {"買得典 basic 60 months: 2031-01-05 expired", "kaitokuten-basic",
         [](Contract& c) { c.term_months = 60; }, "2031-01-04T15:00:00Z", std::nullopt,
         {RC::coverage_expired}},
        {"Cartender 3 years from Jan 31: last day 2029-01-30", "cartender-domestic-premium",
         [](Contract& c) {
             c.start_date = d(2026, 1, 31);
             c.term_months = 36;
         },
         "2029-01-30T14:59:00Z", std::nullopt, {}},
        {"Cartender 3 years from Jan 31: 2029-01-31 expired", "cartender-domestic-premium",
         [](Contract& c) {
             c.start_date = d(2026, 1, 31);
             c.term_months = 36;
         },
         "2029-01-30T15:00:00Z", std::nullopt, {RC::coverage_expired}},
        {"a year after expiry", "kaitokuten-basic", nullptr, "2028-01-10T03:00:00Z", std::nullopt,
         {RC::coverage_expired}},
    };
    // clang-format on
    run(cases);
}

// Before the start date (名義変更日 = 保証開始日) only coverage_not_started applies, never the
// 免責期間 that follows the start.
TEST(CoverageTerm, BeforeTheStartDate) {
    // clang-format off
    const CoverageCase cases[] = {
        {"保証開始日: 23:59 JST the day before the start", "kaitokuten-basic", nullptr,
         "2026-01-04T14:59:00Z", std::nullopt, {RC::coverage_not_started}},
        {"保証開始日: 00:00 JST on the start day is in the 免責期間, not 'not started'",
         "kaitokuten-basic", nullptr, "2026-01-04T15:00:00Z", std::nullopt,
         {RC::in_deductible_period}},
        {"保証開始日 with 免責ゼロ: 23:59 JST the day before", "kaitokuten-basic",
         [](Contract& c) { c.zero_deductible = true; }, "2026-01-04T14:59:00Z", std::nullopt,
         {RC::coverage_not_started}},
        {"保証開始日 with 免責ゼロ: 00:00 JST on the start day is covered", "kaitokuten-basic",
         [](Contract& c) { c.zero_deductible = true; }, "2026-01-04T15:00:00Z", std::nullopt, {}},
        {"a month before the start", "cartender-domestic-standard", nullptr,
         "2025-12-05T03:00:00Z", std::nullopt, {RC::coverage_not_started}},
        {"import plan before the start: plan still excludes road service, no 免責",
         "kaitokuten-import", nullptr, "2026-01-04T14:59:00Z", std::nullopt,
         {RC::coverage_not_started, RC::plan_excludes_road_service}},
    };
    // clang-format on
    run(cases);
}

// ---------------------------------------------------------------------------------------------
// 免責期間: "※免責期間中はサービス対象外です". 1 month from the start (Cartender, 買得典 domestic),
// 2 months for the 買得典 輸入車プラン (seeds/004 保証期間・免責期間), with the month rule of
// 民法143条.

TEST(DeductiblePeriod, LastDayAndFirstServiceDay) {
    // clang-format off
    const CoverageCase cases[] = {
        {"免責 1 month from 01-05: 02-04 23:59 JST is in it", "kaitokuten-basic", nullptr,
         "2026-02-04T14:59:00Z", std::nullopt, {RC::in_deductible_period}},
        {"免責 1 month from 01-05: service from 02-05 00:00 JST", "kaitokuten-basic", nullptr,
         "2026-02-04T15:00:00Z", std::nullopt, {}},
        {"免責 Jan 31 + 1 month: 02-28 23:59 JST is in it", "kaitokuten-basic",
         [](Contract& c) { c.start_date = d(2026, 1, 31); }, "2026-02-28T14:59:00Z", std::nullopt,
         {RC::in_deductible_period}},
        {"免責 Jan 31 + 1 month: service from 03-01 00:00 JST", "kaitokuten-basic",
         [](Contract& c) { c.start_date = d(2026, 1, 31); }, "2026-02-28T15:00:00Z", std::nullopt,
         {}},
        {"免責 Jan 31 + 1 month in a leap year: 02-29 is in it", "kaitokuten-basic",
         [](Contract& c) { c.start_date = d(2028, 1, 31); }, "2028-02-29T14:59:00Z", std::nullopt,
         {RC::in_deductible_period}},
        {"免責 Jan 31 + 1 month in a leap year: service from 03-01", "kaitokuten-basic",
         [](Contract& c) { c.start_date = d(2028, 1, 31); }, "2028-02-29T15:00:00Z", std::nullopt,
         {}},
        {"Cartender 免責 名義変更日から1ヵ月: 02-04", "cartender-domestic-standard", nullptr,
         "2026-02-04T14:59:00Z", std::nullopt, {RC::in_deductible_period}},
        {"Cartender 免責: service from 02-05", "cartender-domestic-standard", nullptr,
         "2026-02-04T15:00:00Z", std::nullopt, {}},
        {"Cartender 輸入車ライト from Mar 31: 免責 until Apr 30", "cartender-import-light",
         [](Contract& c) {
             c.start_date = d(2026, 3, 31);
             c.term_months = 6;
         },
         "2026-04-30T14:59:00Z", std::nullopt, {RC::in_deductible_period}},
        {"Cartender 輸入車ライト from Mar 31: service from May 1", "cartender-import-light",
         [](Contract& c) {
             c.start_date = d(2026, 3, 31);
             c.term_months = 6;
         },
         "2026-04-30T15:00:00Z", std::nullopt, {}},
        {"買得典 輸入車プラン 2ヶ月: still in 免責 after one month (02-05)", "kaitokuten-import",
         nullptr, "2026-02-05T03:00:00Z", std::nullopt,
         {RC::plan_excludes_road_service, RC::in_deductible_period}},
        {"買得典 輸入車プラン 2ヶ月: 03-04 23:59 JST is the last 免責 day", "kaitokuten-import",
         nullptr, "2026-03-04T14:59:00Z", std::nullopt,
         {RC::plan_excludes_road_service, RC::in_deductible_period}},
        {"買得典 輸入車プラン 2ヶ月: 03-05 00:00 JST 免責 over (plan still has no road service)",
         "kaitokuten-import", nullptr, "2026-03-04T15:00:00Z", std::nullopt,
         {RC::plan_excludes_road_service}},
        {"買得典 輸入車プラン 2ヶ月 from Dec 31: 免責 until Feb 28", "kaitokuten-import",
         [](Contract& c) { c.start_date = d(2025, 12, 31); }, "2026-02-28T14:59:00Z",
         std::nullopt, {RC::plan_excludes_road_service, RC::in_deductible_period}},
        {"買得典 輸入車プラン 2ヶ月 from Dec 31: over on Mar 1", "kaitokuten-import",
         [](Contract& c) { c.start_date = d(2025, 12, 31); }, "2026-02-28T15:00:00Z",
         std::nullopt, {RC::plan_excludes_road_service}},
        {"買得典 輸入車プラン 2ヶ月 from Jan 31: Mar 31 exists, 免責 until Mar 30",
         "kaitokuten-import", [](Contract& c) { c.start_date = d(2026, 1, 31); },
         "2026-03-30T14:59:00Z", std::nullopt,
         {RC::plan_excludes_road_service, RC::in_deductible_period}},
        {"買得典 輸入車プラン 2ヶ月 from Jan 31: over on Mar 31", "kaitokuten-import",
         [](Contract& c) { c.start_date = d(2026, 1, 31); }, "2026-03-30T15:00:00Z",
         std::nullopt, {RC::plan_excludes_road_service}},
    };
    // clang-format on
    run(cases);
}

// 免責ゼロ特約 (seeds/004): プレミアム・ベーシック・レクサス・GT・VTプラン, 国産車に限り;
// ミニマム、輸入車プランは対象外. Aucnet names a 免責ゼロ option (seeds/000). Cartender has none.
// A contract that carries the flag on a plan that does not offer it keeps its 免責期間.
TEST(DeductiblePeriod, ZeroDeductibleOptionOnlyWhereOffered) {
    struct Case {
        const char* product_id;
        Codes expected_on_start_day;
    };
    // clang-format off
    const Case cases[] = {
        {"kaitokuten-premium", {}},
        {"kaitokuten-basic", {}},
        {"kaitokuten-lexus", {}},
        {"kaitokuten-gt", {}},
        {"kaitokuten-vt", {RC::plan_excludes_road_service}},
        {"aucnet-simple", {RC::plan_excludes_road_service}},
        {"aucnet-basic", {RC::plan_excludes_road_service}},
        {"aucnet-premium", {RC::plan_excludes_road_service}},
        {"aucnet-platinum", {RC::plan_excludes_road_service}},
        // Not offered: the flag has no effect.
        {"kaitokuten-minimum", {RC::plan_excludes_road_service, RC::in_deductible_period}},
        {"kaitokuten-import", {RC::plan_excludes_road_service, RC::in_deductible_period}},
        {"cartender-domestic-standard", {RC::in_deductible_period}},
        {"cartender-domestic-premium", {RC::in_deductible_period}},
        {"cartender-import-light", {RC::in_deductible_period}},
        {"cartender-import-standard", {RC::in_deductible_period}},
    };
    // clang-format on
    for (const auto& c : cases) {
        const config::Product& p = product(c.product_id);
        Contract contract = base_contract(c.product_id);
        contract.term_months = p.term_months.front();
        contract.zero_deductible = true;
        // 00:00 JST on the start day 2026-01-05.
        const CallFacts facts{instant("2026-01-04T15:00:00Z"), kNearHome, std::nullopt};
        const Codes got = codes_of(check_coverage(contract, p, facts));
        EXPECT_EQ(got, c.expected_on_start_day)
            << "免責ゼロ特約 on " << c.product_id << ": got " << codes_text(got) << ", expected "
            << codes_text(c.expected_on_start_day);

        // Without the option every plan is in its 免責期間 on the start day.
        contract.zero_deductible = false;
        const Codes without = codes_of(check_coverage(contract, p, facts));
        EXPECT_NE(std::find(without.begin(), without.end(), RC::in_deductible_period),
                  without.end())
            << "免責期間 without the option on " << c.product_id << ": got " << codes_text(without);
    }
}

TEST(DeductiblePeriod, ReasonNamesTheLastDayAndTheFirstServiceDay) {
    const Contract c = base_contract("kaitokuten-basic");
    const auto v = check_coverage(c, product("kaitokuten-basic"),
                                  {instant("2026-01-20T03:00:00Z"), kNearHome, std::nullopt});
    ASSERT_EQ(codes_of(v), Codes{RC::in_deductible_period});
    using D = std::vector<std::pair<std::string, DetailValue>>;
    EXPECT_EQ(v.reasons[0].details, (D{{"deductible_until", std::string("2026-02-04")},
                                       {"service_from", std::string("2026-02-05")}}));
    EXPECT_NE(v.reasons[0].clause.find("免責期間"), std::string::npos) << v.reasons[0].clause;
}

// ---------------------------------------------------------------------------------------------
// Which plans carry road service (seeds/001: 全保証プランに付帯; seeds/004:
// ロードサービス(無料付帯) プレミアム、ベーシック、レクサス、GTプランのみ; Aucnet: not stated, so
// not included).

TEST(RoadServicePlans, EveryProductAfterItsDeductible) {
    struct Case {
        const char* product_id;
        Codes expected;
    };
    // clang-format off
    const Case cases[] = {
        {"cartender-domestic-standard", {}},
        {"cartender-domestic-premium", {}},
        {"cartender-import-light", {}},
        {"cartender-import-standard", {}},
        {"kaitokuten-premium", {}},
        {"kaitokuten-basic", {}},
        {"kaitokuten-lexus", {}},
        {"kaitokuten-gt", {}},
        {"kaitokuten-minimum", {RC::plan_excludes_road_service}},
        {"kaitokuten-vt", {RC::plan_excludes_road_service}},
        {"kaitokuten-import", {RC::plan_excludes_road_service}},
        {"aucnet-simple", {RC::plan_excludes_road_service}},
        {"aucnet-basic", {RC::plan_excludes_road_service}},
        {"aucnet-premium", {RC::plan_excludes_road_service}},
        {"aucnet-platinum", {RC::plan_excludes_road_service}},
    };
    // clang-format on
    for (const auto& c : cases) {
        const config::Product& p = product(c.product_id);
        Contract contract = base_contract(c.product_id);
        contract.term_months = p.term_months.front();
        // 2026-03-10 10:00 JST: after every plan's 免責期間 (the longest, 2 months, ends 03-04).
        const auto v =
            check_coverage(contract, p, {instant("2026-03-10T01:00:00Z"), kNearHome, std::nullopt});
        EXPECT_EQ(codes_of(v), c.expected) << c.product_id << ": got " << codes_text(codes_of(v));
        EXPECT_EQ(v.terms.road_service, c.expected.empty()) << c.product_id;
    }
}

// ---------------------------------------------------------------------------------------------
// Distance limits: カーテンダー 保証規定 第3条2 (法人名義: 1年 15,000㎞, 2年 3万㎞, 3年 4万5000㎞,
// 加入時までの走行距離は考慮しない) and 加入規定 (1･4ナンバー and 法人名義: 15,000㎞×加入年数);
// 買得典 走行距離制限 (1・4・8ナンバー、法人名義車両 15,000km×加入年数; 輸入車 法人名義のみ;
// VT 50,000km).

// "1・4・8ナンバー" are kinds of vehicle, read from the 車検証's kind and use (spec/rules.md §1):
// 1 = 普通貨物, 4 = 小型貨物 and 軽貨物 (軽貨物 plates run 4xx and then 6xx), 8 = 特種用途. The
// plate's first digit decides nothing: a 6xx 軽貨物 is a 4-number vehicle, and a passenger car
// whose plate was typed as 400 is not.
struct Kind {
    VehicleKind kind;
    VehicleUse use;
    const char* plate;
};
constexpr Kind kPassenger3{VehicleKind::ordinary, VehicleUse::passenger, "品川 300 あ 1234"};
constexpr Kind kPassenger5{VehicleKind::small, VehicleUse::passenger, "品川 500 あ 1234"};
constexpr Kind kKeiPassenger{VehicleKind::kei, VehicleUse::passenger, "品川 580 あ 1234"};
constexpr Kind kCargo1{VehicleKind::ordinary, VehicleUse::cargo, "品川 100 あ 1234"};
constexpr Kind kCargo4{VehicleKind::small, VehicleUse::cargo, "品川 400 あ 1234"};
constexpr Kind kKeiCargo4{VehicleKind::kei, VehicleUse::cargo, "品川 480 あ 1234"};
constexpr Kind kKeiCargo6{VehicleKind::kei, VehicleUse::cargo, "品川 680 あ 1234"};
constexpr Kind kSpecial8{VehicleKind::ordinary, VehicleUse::special, "品川 800 さ 1234"};
constexpr Kind kPassengerOn4Plate{VehicleKind::small, VehicleUse::passenger, "品川 400 あ 1234"};
constexpr Kind kCargoOn3Plate{VehicleKind::ordinary, VehicleUse::cargo, "品川 300 あ 1234"};
constexpr Kind kCargoNoClass{VehicleKind::ordinary, VehicleUse::cargo, "品川 あ 1234"};

void give(Contract& c, const Kind& k) {
    c.vehicle.kind = k.kind;
    c.vehicle.use = k.use;
    c.vehicle.plate = k.plate;
    // 第5条: the only 特種用途 body that is covered.
    if (k.use == VehicleUse::special) c.vehicle.body_shape = "キャンピング車";
}

TEST(NumberClass, FromKindAndUseNotFromThePlate) {
    struct Row {
        const char* why;
        Kind vehicle;
        std::optional<int> expected;
    };
    const Row rows[] = {
        {"普通乗用 3", kPassenger3, 3},
        {"小型乗用 5", kPassenger5, 5},
        {"軽乗用 5 (on a 580 plate)", kKeiPassenger, 5},
        {"普通貨物 1", kCargo1, 1},
        {"小型貨物 4", kCargo4, 4},
        {"軽貨物 on a 4xx plate: 4", kKeiCargo4, 4},
        {"軽貨物 on a 6xx plate: still 4", kKeiCargo6, 4},
        {"特種用途 8", kSpecial8, 8},
        {"a passenger car on a plate typed 400: 5", kPassengerOn4Plate, 5},
        {"普通貨物 on a plate typed 300: 1", kCargoOn3Plate, 1},
        {"a plate without a class: the kind still tells", kCargoNoClass, 1},
        {"乗合 2", {VehicleKind::ordinary, VehicleUse::bus, "品川 200 あ 1"}, 2},
        {"大型特殊 9", {VehicleKind::large_special, VehicleUse::special, "品川 900 あ 1"}, 9},
        {"two-wheeler: none", {VehicleKind::two_wheel, VehicleUse::passenger, "品川 あ 1"},
         std::nullopt},
        {"小型特殊: none", {VehicleKind::small_special, VehicleUse::special, "品川 あ 1"},
         std::nullopt},
    };
    for (const Row& r : rows) {
        Vehicle v;
        v.kind = r.vehicle.kind;
        v.use = r.vehicle.use;
        v.plate = r.vehicle.plate;
        EXPECT_EQ(number_class(v), r.expected) << r.why;
    }
}

struct LimitCase {
    const char* why;
    const char* product_id;
    bool corporate;
    int term_months;
    Kind vehicle;
    std::optional<std::int64_t> contract_limit_km;
    std::optional<std::int64_t> expected_km;
};

TEST(MileageLimit, WhichContractsAreLimitedAndHowFar) {
    // clang-format off
    const LimitCase cases[] = {
        {"private 3ナンバー: no limit", "kaitokuten-basic", false, 12, kPassenger3,
         std::nullopt, std::nullopt},
        {"private 5ナンバー: no limit", "kaitokuten-basic", false, 12, kPassenger5,
         std::nullopt, std::nullopt},
        {"private 軽乗用: no limit", "kaitokuten-basic", false, 12, kKeiPassenger,
         std::nullopt, std::nullopt},
        {"法人名義 1 year: 15,000 km", "kaitokuten-basic", true, 12, kPassenger3,
         std::nullopt, 15'000},
        {"法人名義 2 years: 30,000 km", "kaitokuten-basic", true, 24, kPassenger3,
         std::nullopt, 30'000},
        {"法人名義 3 years: 45,000 km", "kaitokuten-basic", true, 36, kPassenger3,
         std::nullopt, 45'000},
        {"法人名義 5 years (basic): 75,000 km", "kaitokuten-basic", true, 60, kPassenger3,
         std::nullopt, 75'000},
        {"買得典 1ナンバー 普通貨物", "kaitokuten-premium", false, 12, kCargo1, std::nullopt,
         15'000},
        {"買得典 4ナンバー 小型貨物, 2 years", "kaitokuten-lexus", false, 24, kCargo4,
         std::nullopt, 30'000},
        {"買得典 軽貨物 on a 4xx plate", "kaitokuten-basic", false, 12, kKeiCargo4,
         std::nullopt, 15'000},
        {"買得典 軽貨物 on a 6xx plate: limited like any 4-number vehicle", "kaitokuten-basic",
         false, 12, kKeiCargo6, std::nullopt, 15'000},
        {"買得典 8ナンバー 特種用途", "kaitokuten-gt", false, 12, kSpecial8, std::nullopt, 15'000},
        {"a passenger car on a plate typed 400: not limited", "kaitokuten-basic", false, 12,
         kPassengerOn4Plate, std::nullopt, std::nullopt},
        {"a 普通貨物 on a plate typed 300: limited", "kaitokuten-basic", false, 12,
         kCargoOn3Plate, std::nullopt, 15'000},
        {"a 普通貨物 with no class on its plate: limited", "kaitokuten-basic", false, 12,
         kCargoNoClass, std::nullopt, 15'000},
        {"買得典 ミニマム 法人名義 (no road service, but the limit still exists)",
         "kaitokuten-minimum", true, 12, kPassenger3, std::nullopt, 15'000},
        {"Cartender 国産 1･4ナンバー: 1ナンバー 3 years", "cartender-domestic-standard", false, 36,
         kCargo1, std::nullopt, 45'000},
        {"Cartender 国産 4ナンバー", "cartender-domestic-premium", false, 12, kCargo4,
         std::nullopt, 15'000},
        {"Cartender 国産 軽貨物 on a 6xx plate", "cartender-domestic-standard", false, 12,
         kKeiCargo6, std::nullopt, 15'000},
        {"Cartender names only 1･4ナンバー: 8ナンバー is not limited",
         "cartender-domestic-standard", false, 12, kSpecial8, std::nullopt, std::nullopt},
        {"Cartender 法人名義 2 years", "cartender-domestic-standard", true, 24, kPassenger3,
         std::nullopt, 30'000},
        {"Cartender 輸入車 法人名義 1 year", "cartender-import-standard", true, 12, kPassenger3,
         std::nullopt, 15'000},
        // JUDGEMENT CALL: 15,000㎞×加入年数 for a 6-month term read literally as 0.5 years.
        {"Cartender 輸入車ライト 法人名義 6 months: 15,000 x 0.5 = 7,500 km (pro rata)",
         "cartender-import-light", true, 6, kPassenger3, std::nullopt, 7'500},
        {"Cartender 輸入車 lists no plate classes", "cartender-import-standard", false, 12,
         kCargo1, std::nullopt, std::nullopt},
        {"買得典 輸入車 法人名義", "kaitokuten-import", true, 12, kPassenger3, std::nullopt,
         15'000},
        {"買得典 輸入車: 1・4・8ナンバー are not a criterion", "kaitokuten-import", false, 12,
         kCargo4, std::nullopt, std::nullopt},
        {"買得典 VT: 50,000 km for every contract", "kaitokuten-vt", false, 12, kPassenger3,
         std::nullopt, 50'000},
        {"買得典 VT 法人名義: still 50,000 km, not 15,000", "kaitokuten-vt", true, 12, kCargo1,
         std::nullopt, 50'000},
        {"explicit contract limit wins on an unlimited contract", "kaitokuten-basic", false, 12,
         kPassenger3, 20'000, 20'000},
        {"explicit contract limit wins over 法人名義 x years", "kaitokuten-basic", true, 36,
         kPassenger3, 40'000, 40'000},
        {"explicit contract limit wins over VT's fixed limit", "kaitokuten-vt", false, 12,
         kPassenger3, 60'000, 60'000},
        {"Aucnet: no distance limit in the source", "aucnet-basic", true, 12, kCargo1,
         std::nullopt, std::nullopt},
    };
    // clang-format on
    for (const auto& c : cases) {
        Contract contract = base_contract(c.product_id);
        contract.corporate = c.corporate;
        contract.term_months = c.term_months;
        give(contract, c.vehicle);
        contract.mileage_limit_km = c.contract_limit_km;
        const config::Product& p = product(c.product_id);
        EXPECT_EQ(mileage_limit_km(contract, p), c.expected_km) << c.why;
        EXPECT_EQ(coverage_terms(contract, p).mileage_limit_km, c.expected_km) << c.why;
    }
}

TEST(MileageLimit, ThePlanDecidesWhichCriteriaApply) {
    // A plan that limits only by number class (as a product file may say): 法人名義 alone does not
    // limit it. And a plan with no per-year figure has no limit however it is flagged.
    config::Product classes_only = product("kaitokuten-basic");
    classes_only.mileage.corporate = false;
    classes_only.mileage.plate_classes = {1};
    config::Product no_figure = product("kaitokuten-basic");
    no_figure.mileage.km_per_year = 0;

    Contract c = base_contract("kaitokuten-basic");
    c.corporate = true;
    EXPECT_EQ(mileage_limit_km(c, classes_only), std::nullopt) << "法人名義 on a classes-only plan";
    give(c, kCargo4);
    EXPECT_EQ(mileage_limit_km(c, classes_only), std::nullopt) << "4ナンバー not listed";
    give(c, kCargo1);
    EXPECT_EQ(mileage_limit_km(c, classes_only), 15'000) << "1ナンバー listed";
    EXPECT_EQ(mileage_limit_km(c, no_figure), std::nullopt) << "km_per_year 0";
}

// 第3条2 ①所定走行距離…に達した日 ends the period: reaching the limit is still covered, one km
// beyond it is not. The distance counts from enrolment (加入時までの走行距離は考慮しない).
TEST(MileageLimit, ExactlyAtTheLimitAndOneKmOver) {
    // The base contract starts with 45,210 km on the odometer; 03-10 is after every 免責期間.
    // clang-format off
    const CoverageCase cases[] = {
        {"法人名義 1 year: 15,000 km driven exactly", "kaitokuten-basic",
         [](Contract& c) { c.corporate = true; }, "2026-03-10T01:00:00Z", 60'210, {}},
        {"法人名義 1 year: 15,001 km driven", "kaitokuten-basic",
         [](Contract& c) { c.corporate = true; }, "2026-03-10T01:00:00Z", 60'211,
         {RC::mileage_limit_exceeded}},
        {"4ナンバー 2 years: 30,000 km exactly", "kaitokuten-basic",
         [](Contract& c) {
             c.term_months = 24;
             give(c, kCargo4);
         },
         "2026-03-10T01:00:00Z", 75'210, {}},
        {"4ナンバー 2 years: 30,001 km", "kaitokuten-basic",
         [](Contract& c) {
             c.term_months = 24;
             give(c, kCargo4);
         },
         "2026-03-10T01:00:00Z", 75'211, {RC::mileage_limit_exceeded}},
        {"軽貨物 on a 6xx plate, 1 year: 15,001 km", "kaitokuten-basic",
         [](Contract& c) { give(c, kKeiCargo6); }, "2026-03-10T01:00:00Z", 60'211,
         {RC::mileage_limit_exceeded}},
        {"a passenger car on a plate typed 400: 15,001 km is fine", "kaitokuten-basic",
         [](Contract& c) { give(c, kPassengerOn4Plate); }, "2026-03-10T01:00:00Z", 60'211, {}},
        {"8ナンバー 1 year: 15,001 km", "kaitokuten-premium",
         [](Contract& c) { give(c, kSpecial8); }, "2026-03-10T01:00:00Z",
         60'211, {RC::mileage_limit_exceeded}},
        {"VT 50,000 km exactly", "kaitokuten-vt", nullptr, "2026-03-10T01:00:00Z", 95'210,
         {RC::plan_excludes_road_service}},
        {"VT 50,001 km", "kaitokuten-vt", nullptr, "2026-03-10T01:00:00Z", 95'211,
         {RC::mileage_limit_exceeded, RC::plan_excludes_road_service}},
        {"explicit limit 20,000 km exactly", "kaitokuten-basic",
         [](Contract& c) { c.mileage_limit_km = 20'000; }, "2026-03-10T01:00:00Z", 65'210, {}},
        {"explicit limit 20,001 km", "kaitokuten-basic",
         [](Contract& c) { c.mileage_limit_km = 20'000; }, "2026-03-10T01:00:00Z", 65'211,
         {RC::mileage_limit_exceeded}},
        {"unlimited private car: 500,000 km driven is fine", "kaitokuten-basic", nullptr,
         "2026-03-10T01:00:00Z", 545'210, {}},
        {"Cartender 8ナンバー is unlimited", "cartender-domestic-standard",
         [](Contract& c) { give(c, kSpecial8); }, "2026-03-10T01:00:00Z",
         245'210, {}},
        {"no odometer reading on the call: the distance is not judged", "kaitokuten-basic",
         [](Contract& c) { c.corporate = true; }, "2026-03-10T01:00:00Z", std::nullopt, {}},
        {"no odometer at enrolment: the distance cannot be judged", "kaitokuten-basic",
         [](Contract& c) {
             c.corporate = true;
             c.odometer_at_start_km.reset();
         },
         "2026-03-10T01:00:00Z", 999'999, {}},
        {"the distance ends the period before the date does (whichever comes first)",
         "kaitokuten-basic", [](Contract& c) { c.corporate = true; }, "2026-12-31T01:00:00Z",
         100'000, {RC::mileage_limit_exceeded}},
    };
    // clang-format on
    run(cases);
}

TEST(MileageLimit, ReasonCarriesTheFigures) {
    Contract c = base_contract("kaitokuten-basic");
    c.corporate = true;
    const auto v = check_coverage(c, product("kaitokuten-basic"),
                                  {instant("2026-03-10T01:00:00Z"), kNearHome, 60'211});
    ASSERT_EQ(codes_of(v), Codes{RC::mileage_limit_exceeded});
    using D = std::vector<std::pair<std::string, DetailValue>>;
    EXPECT_EQ(v.reasons[0].details, (D{{"mileage_limit_km", std::int64_t{15'000}},
                                       {"driven_km", std::int64_t{15'001}},
                                       {"odometer_km", std::int64_t{60'211}},
                                       {"odometer_at_start_km", std::int64_t{45'210}}}));
}

// ---------------------------------------------------------------------------------------------
// Cancellation: ロードサービス規定 第3条(2)
// 保証が失効または解除となった日以降はロードサービスを提供しません.

TEST(Cancellation, FromTheCancellationDayOn) {
    // clang-format off
    const CoverageCase cases[] = {
        {"第3条(2): the day before cancellation, 23:59 JST, is covered", "kaitokuten-basic",
         [](Contract& c) { c.cancelled_on = d(2026, 6, 10); }, "2026-06-09T14:59:00Z",
         std::nullopt, {}},
        {"第3条(2): the cancellation day, 00:00 JST, no service", "kaitokuten-basic",
         [](Contract& c) { c.cancelled_on = d(2026, 6, 10); }, "2026-06-09T15:00:00Z",
         std::nullopt, {RC::contract_cancelled}},
        {"第3条(2): months after the cancellation", "kaitokuten-basic",
         [](Contract& c) { c.cancelled_on = d(2026, 6, 10); }, "2026-11-01T01:00:00Z",
         std::nullopt, {RC::contract_cancelled}},
        {"第3条(2): cancelled on the start day, called that day", "kaitokuten-basic",
         [](Contract& c) { c.cancelled_on = d(2026, 1, 5); }, "2026-01-05T03:00:00Z",
         std::nullopt, {RC::contract_cancelled, RC::in_deductible_period}},
        {"第3条(2): cancellation in the future has no effect yet", "cartender-domestic-standard",
         [](Contract& c) { c.cancelled_on = d(2026, 12, 1); }, "2026-06-09T15:00:00Z",
         std::nullopt, {}},
        {"第3条(2): cancelled and also expired", "kaitokuten-basic",
         [](Contract& c) { c.cancelled_on = d(2026, 6, 10); }, "2027-02-01T01:00:00Z",
         std::nullopt, {RC::contract_cancelled, RC::coverage_expired}},
    };
    // clang-format on
    run(cases);
}

TEST(Cancellation, ReasonNamesTheDateAndTheCause) {
    Contract c = base_contract("kaitokuten-basic");
    c.cancelled_on = d(2026, 6, 10);
    c.cancel_reason = "使用者変更";
    const auto v = check_coverage(c, product("kaitokuten-basic"),
                                  {instant("2026-06-10T01:00:00Z"), kNearHome, std::nullopt});
    ASSERT_EQ(codes_of(v), Codes{RC::contract_cancelled});
    using D = std::vector<std::pair<std::string, DetailValue>>;
    EXPECT_EQ(v.reasons[0].details, (D{{"cancelled_on", std::string("2026-06-10")},
                                       {"cancel_reason", std::string("使用者変更")}}));
}

// ---------------------------------------------------------------------------------------------
// 車検: ロードサービス規定 第6条(4) 車検登録のない場合. The 有効期間の満了する日 is still valid.

TEST(Inspection, ExpiryDayIsStillValid) {
    // clang-format off
    const CoverageCase cases[] = {
        {"第6条(4): the expiry day at 23:59 JST is valid", "kaitokuten-basic",
         [](Contract& c) { c.vehicle.inspection_expiry = d(2026, 6, 30); }, "2026-06-30T14:59:00Z",
         std::nullopt, {}},
        {"第6条(4): the day after the expiry, 00:00 JST", "kaitokuten-basic",
         [](Contract& c) { c.vehicle.inspection_expiry = d(2026, 6, 30); }, "2026-06-30T15:00:00Z",
         std::nullopt, {RC::inspection_expired}},
        {"第6条(4): expiry long before the call", "cartender-domestic-standard",
         [](Contract& c) { c.vehicle.inspection_expiry = d(2025, 12, 31); },
         "2026-06-30T03:00:00Z", std::nullopt, {RC::inspection_expired}},
        {"第6条(4): expired inspection during the 免責期間", "kaitokuten-basic",
         [](Contract& c) { c.vehicle.inspection_expiry = d(2026, 1, 10); }, "2026-01-11T03:00:00Z",
         std::nullopt, {RC::in_deductible_period, RC::inspection_expired}},
    };
    // clang-format on
    run(cases);
}

// ---------------------------------------------------------------------------------------------
// 第5条 is checked on every call, after the contract rules.

TEST(VehicleOnCall, Article5IsAppliedToTheContractVehicle) {
    // clang-format off
    const CoverageCase cases[] = {
        {"第5条: 5,500 mm is fine", "kaitokuten-basic",
         [](Contract& c) { c.vehicle.length_mm = 5500; }, "2026-03-10T01:00:00Z", std::nullopt,
         {}},
        {"第5条: 5,501 mm", "kaitokuten-basic", [](Contract& c) { c.vehicle.length_mm = 5501; },
         "2026-03-10T01:00:00Z", std::nullopt, {RC::vehicle_too_long}},
        {"第5条: 事業用", "cartender-domestic-standard",
         [](Contract& c) { c.vehicle.private_use = false; }, "2026-03-10T01:00:00Z", std::nullopt,
         {RC::vehicle_not_private_use}},
        {"第5条: キャンピング車 is covered", "kaitokuten-basic",
         [](Contract& c) {
             c.vehicle.kind = VehicleKind::ordinary;
             c.vehicle.use = VehicleUse::special;
             c.vehicle.body_shape = "キャンピング車";
         },
         "2026-03-10T01:00:00Z", std::nullopt, {}},
        {"第5条: other 特種 is not", "kaitokuten-basic",
         [](Contract& c) {
             c.vehicle.use = VehicleUse::special;
             c.vehicle.body_shape = "冷蔵冷凍車";
         },
         "2026-03-10T01:00:00Z", std::nullopt, {RC::vehicle_type_not_covered}},
    };
    // clang-format on
    run(cases);
}

// ---------------------------------------------------------------------------------------------
// spec/api.md: reasons lists every rule that fails, in the api order of codes.

TEST(ReasonOrder, EveryFailingRuleInApiOrder) {
    // clang-format off
    const CoverageCase cases[] = {
        {"after the end: cancelled, expired, mileage, plan, 車検, all of 第5条",
         "kaitokuten-minimum",
         [](Contract& c) {
             c.cancelled_on = d(2026, 2, 1);
             c.corporate = true;
             c.vehicle.inspection_expiry = d(2026, 12, 31);
             c.vehicle.private_use = false;
             c.vehicle.kind = VehicleKind::large_special;
             c.vehicle.use = VehicleUse::special;
             c.vehicle.body_shape = "クレーン車";
             c.vehicle.length_mm = 9000;
             c.vehicle.width_mm = 2490;
             c.vehicle.gross_weight_kg = 20'000;
         },
         "2027-02-01T01:00:00Z", 100'000,
         {RC::contract_cancelled, RC::coverage_expired, RC::mileage_limit_exceeded,
          RC::plan_excludes_road_service, RC::inspection_expired, RC::vehicle_not_private_use,
          RC::vehicle_type_not_covered, RC::vehicle_too_long, RC::vehicle_too_wide,
          RC::vehicle_too_heavy}},
        {"before the start: cancelled, not started, plan, 車検, 第5条 — no 免責",
         "kaitokuten-import",
         [](Contract& c) {
             c.cancelled_on = d(2025, 12, 20);
             c.vehicle.inspection_expiry = d(2025, 12, 1);
             c.vehicle.kind = VehicleKind::two_wheel;
             c.vehicle.body_shape = "オートバイ";
             c.vehicle.gross_weight_kg = 3001;
         },
         "2026-01-04T14:59:00Z", std::nullopt,
         {RC::contract_cancelled, RC::coverage_not_started, RC::plan_excludes_road_service,
          RC::inspection_expired, RC::vehicle_type_not_covered, RC::vehicle_too_heavy}},
        {"in the 免責期間: cancelled, mileage, plan, 免責, 車検, 第5条", "kaitokuten-import",
         [](Contract& c) {
             c.cancelled_on = d(2026, 1, 20);
             c.corporate = true;
             c.vehicle.inspection_expiry = d(2026, 1, 31);
             c.vehicle.private_use = false;
             c.vehicle.width_mm = 1951;
         },
         "2026-02-01T01:00:00Z", 70'000,
         {RC::contract_cancelled, RC::mileage_limit_exceeded, RC::plan_excludes_road_service,
          RC::in_deductible_period, RC::inspection_expired, RC::vehicle_not_private_use,
          RC::vehicle_too_wide}},
    };
    // clang-format on
    run(cases);
}

TEST(ReasonOrder, EveryReasonNamesItsClause) {
    Contract c = base_contract("kaitokuten-minimum");
    c.cancelled_on = d(2026, 1, 20);
    c.corporate = true;
    c.vehicle.inspection_expiry = d(2026, 1, 10);
    c.vehicle.private_use = false;
    c.vehicle.use = VehicleUse::bus;
    c.vehicle.length_mm = 5501;
    c.vehicle.width_mm = 1951;
    c.vehicle.gross_weight_kg = 3001;
    const auto v = check_coverage(c, product("kaitokuten-minimum"),
                                  {instant("2026-02-01T01:00:00Z"), kNearHome, 70'000});
    ASSERT_EQ(v.reasons.size(), 10u) << codes_text(codes_of(v));
    for (const Reason& r : v.reasons) {
        EXPECT_FALSE(r.clause.empty()) << to_string(r.code);
        EXPECT_FALSE(r.message.empty()) << to_string(r.code);
    }
    for (const Reason& r : v.reasons) {
        if (r.code == RC::inspection_expired) {
            EXPECT_NE(r.clause.find("第6条(4)"), std::string::npos) << r.clause;
        }
        if (r.code == RC::contract_cancelled) {
            EXPECT_NE(r.clause.find("第3条(2)"), std::string::npos) << r.clause;
        }
        if (r.code >= RC::vehicle_not_private_use) {
            EXPECT_NE(r.clause.find("第5条"), std::string::npos) << r.clause;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The terms shown to the agent (api.md "coverage": start_date, end_date, deductible_until).

struct TermsCase {
    const char* why;
    const char* product_id;
    Date start;
    int term_months;
    bool zero_deductible;
    Date end;
    std::optional<Date> deductible_until;
};

TEST(CoverageTerms, EndAndDeductibleUntil) {
    // clang-format off
    const TermsCase cases[] = {
        {"rules.md §1 example", "kaitokuten-basic", d(2026, 1, 5), 12, false, d(2027, 1, 4),
         d(2026, 2, 4)},
        {"免責ゼロ特約 removes the 免責期間", "kaitokuten-basic", d(2026, 1, 5), 12, true,
         d(2027, 1, 4), std::nullopt},
        {"Jan 31: 免責 until Feb 28", "kaitokuten-premium", d(2026, 1, 31), 12, false,
         d(2027, 1, 30), d(2026, 2, 28)},
        {"買得典 輸入車 2-month 免責", "kaitokuten-import", d(2026, 1, 5), 12, false,
         d(2027, 1, 4), d(2026, 3, 4)},
        {"買得典 輸入車 ignores 免責ゼロ", "kaitokuten-import", d(2026, 1, 5), 12, true,
         d(2027, 1, 4), d(2026, 3, 4)},
        {"Cartender ignores 免責ゼロ", "cartender-domestic-premium", d(2026, 1, 5), 24, true,
         d(2028, 1, 4), d(2026, 2, 4)},
        {"Mar 31 + 6 months", "cartender-import-light", d(2026, 3, 31), 6, false, d(2026, 9, 30),
         d(2026, 4, 30)},
        {"VT with 免責ゼロ", "kaitokuten-vt", d(2026, 1, 5), 12, true, d(2027, 1, 4),
         std::nullopt},
        {"Aucnet without the option: 1 month", "aucnet-premium", d(2026, 1, 5), 36, false,
         d(2029, 1, 4), d(2026, 2, 4)},
    };
    // clang-format on
    for (const auto& c : cases) {
        Contract contract = base_contract(c.product_id);
        contract.start_date = c.start;
        contract.term_months = c.term_months;
        contract.zero_deductible = c.zero_deductible;
        const CoverageTerms t = coverage_terms(contract, product(c.product_id));
        EXPECT_EQ(t.start_date, c.start) << c.why;
        EXPECT_EQ(t.end_date, c.end) << c.why;
        EXPECT_EQ(t.deductible_until, c.deductible_until) << c.why;
    }
}

TEST(CoverageVerdict, CallDateIsTheJapanDay) {
    const Contract c = base_contract("kaitokuten-basic");
    const auto& p = product("kaitokuten-basic");
    EXPECT_EQ(
        check_coverage(c, p, {instant("2026-03-09T14:59:59Z"), kNearHome, std::nullopt}).call_date,
        d(2026, 3, 9));
    EXPECT_EQ(
        check_coverage(c, p, {instant("2026-03-09T15:00:00Z"), kNearHome, std::nullopt}).call_date,
        d(2026, 3, 10));
}

// ---------------------------------------------------------------------------------------------
// Distance from home and remote support: ロードサービス規定 第1条3(1) 自宅から直線距離100㎞以上;
// spec/api.md remote_support_eligible = distance_from_home_km >= 100, decided on whole metres.

struct RemoteCase {
    const char* why;
    double placed_m;  // geodesic distance from home
    std::int64_t distance_m;
    bool remote;
};

TEST(RemoteSupport, HundredKilometreEdge) {
    // clang-format off
    const RemoteCase cases[] = {
        {"第1条3(1): 99,999.4 m rounds to 99,999 m: not remote", 99'999.4, 99'999, false},
        {"第1条3(1): 99,999.5 m (+1 um, off the tie) rounds to 100,000 m: remote", 99'999.500001,
         100'000, true},
        {"第1条3(1): 100,000 m exactly: remote (以上)", 100'000.0, 100'000, true},
        {"第1条3(1): 100,000.6 m", 100'000.6, 100'001, true},
        {"第1条3(1): 99 km", 99'000.0, 99'000, false},
        {"50 km, the free tow distance, is far from remote", 50'000.0, 50'000, false},
    };
    // clang-format on
    const auto& wgs84 = GeographicLib::Geodesic::WGS84();
    const auto& p = product("kaitokuten-basic");
    for (const double azimuth_deg : {0.0, 90.0, 200.0, 315.0}) {
        for (const auto& c : cases) {
            double lat = 0;
            double lon = 0;
            wgs84.Direct(kHome.lat_deg, kHome.lon_deg, azimuth_deg, c.placed_m, lat, lon);
            const auto v =
                check_coverage(base_contract("kaitokuten-basic"), p,
                               {instant("2026-03-10T01:00:00Z"), {lat, lon}, std::nullopt});
            EXPECT_EQ(v.distance_from_home_m, c.distance_m) << c.why << " azimuth " << azimuth_deg;
            EXPECT_EQ(v.remote_support_eligible, c.remote) << c.why << " azimuth " << azimuth_deg;
            EXPECT_TRUE(v.eligible) << c.why;
        }
    }
}

TEST(RemoteSupport, TokyoToShinOsaka) {
    const auto& p = product("kaitokuten-basic");
    const auto v = check_coverage(base_contract("kaitokuten-basic"), p,
                                  {instant("2026-03-10T01:00:00Z"), kShinOsaka, std::nullopt});
    // Independent reference (Vincenty on WGS84): 402,459.137 m.
    EXPECT_NEAR(static_cast<double>(v.distance_from_home_m), 402'459.0, 1.0);
    EXPECT_TRUE(v.remote_support_eligible);
    EXPECT_EQ(v.free_tow_km, 50) << "第1条2(1) 50㎞までを限度";

    const auto at_home = check_coverage(base_contract("kaitokuten-basic"), p,
                                        {instant("2026-03-10T01:00:00Z"), kHome, std::nullopt});
    EXPECT_EQ(at_home.distance_from_home_m, 0);
    EXPECT_FALSE(at_home.remote_support_eligible);
}

TEST(RemoteSupport, DistanceIsReportedEvenWhenNotCovered) {
    // api.md: remote_support_eligible is distance_from_home_km >= 100, whatever the verdict; the
    // claim rules decide separately that an uncovered incident gets nothing.
    const auto v =
        check_coverage(base_contract("kaitokuten-minimum"), product("kaitokuten-minimum"),
                       {instant("2026-03-10T01:00:00Z"), kShinOsaka, std::nullopt});
    EXPECT_FALSE(v.eligible);
    EXPECT_TRUE(v.remote_support_eligible);
    EXPECT_GT(v.distance_from_home_m, 400'000);
}

// The status shown with a contract (2026-01-05 + 12 months; cancellation on 2026-06-10 where set).
TEST(ContractStatus, WhereTheContractStandsOnADay) {
    struct Case {
        Date day;
        bool cancelled;
        std::string_view status;
        const char* why;
    };
    const Case cases[] = {
        {d(2026, 1, 4), false, "not_started", "the day before the start date"},
        {d(2026, 1, 5), false, "active", "the start date (in 免責, but the contract runs)"},
        {d(2027, 1, 4), false, "active", "the last covered day"},
        {d(2027, 1, 5), false, "expired", "the day after"},
        {d(2026, 6, 9), true, "active", "the day before the cancellation date"},
        {d(2026, 6, 10), true, "cancelled", "from the cancellation date (第3条(2))"},
        {d(2027, 2, 1), true, "cancelled", "cancelled wins over expired"},
    };
    for (const auto& c : cases) {
        Contract contract = base_contract("kaitokuten-basic");
        if (c.cancelled) contract.cancelled_on = d(2026, 6, 10);
        const CoverageTerms t = coverage_terms(contract, product("kaitokuten-basic"));
        EXPECT_EQ(contract_status(contract, t, c.day), c.status) << c.why;
    }
}

// Several contracts on one plate: the one in force on the day of the call.
TEST(SelectContract, TheContractInForceOnTheDayOfTheCall) {
    Contract newest = base_contract("kaitokuten-basic");  // 2026-01-05 .. 2027-01-04
    Contract older = base_contract("kaitokuten-basic");
    older.start_date = d(2024, 3, 1);  // .. 2025-02-28
    Contract cancelled = base_contract("kaitokuten-basic");
    cancelled.start_date = d(2025, 3, 1);  // .. 2026-02-28, cancelled 2025-10-01
    cancelled.cancelled_on = d(2025, 10, 1);
    const std::vector<const Contract*> plate = {&newest, &cancelled, &older};  // newest first
    EXPECT_EQ(select_contract(plate, catalog(), d(2026, 6, 1)), 0u);
    EXPECT_EQ(select_contract(plate, catalog(), d(2024, 12, 1)), 2u);
    EXPECT_EQ(select_contract(plate, catalog(), d(2025, 6, 1)), 1u) << "before its cancellation";
    EXPECT_EQ(select_contract(plate, catalog(), d(2025, 11, 1)), 0u)
        << "none in force: the newest, whose verdict explains why";
}

// ---------------------------------------------------------------------------------------------
// Notes: warnings that never make a call ineligible.

std::vector<NoteCode> notes_of(const CoverageVerdict& v) {
    std::vector<NoteCode> out;
    for (const Note& n : v.notes) out.push_back(n.code);
    return out;
}

// spec/rules.md §1: where the distance rule applies but a figure it needs is unknown, the verdict
// stays eligible and says mileage_unverified, so that the agent asks for the odometer.
TEST(MileageUnverified, ANoteNotAReason) {
    struct Row {
        const char* why;
        const char* product_id;
        void (*setup)(Contract&);
        std::optional<std::int64_t> odometer_km;
        bool note;
        const char* ask;  // the "ask" detail, when the note is there
    };
    // clang-format off
    const Row rows[] = {
        {"法人名義, no odometer on the call", "kaitokuten-basic",
         [](Contract& c) { c.corporate = true; }, std::nullopt, true, "odometer_km"},
        {"法人名義, odometer on the call: checked, no note", "kaitokuten-basic",
         [](Contract& c) { c.corporate = true; }, 50'000, false, nullptr},
        {"法人名義, no odometer at enrolment: cannot be checked", "kaitokuten-basic",
         [](Contract& c) {
             c.corporate = true;
             c.odometer_at_start_km.reset();
         }, 50'000, true, nullptr},
        {"軽貨物 on a 6xx plate, no odometer", "kaitokuten-basic",
         [](Contract& c) { give(c, kKeiCargo6); }, std::nullopt, true, "odometer_km"},
        {"1ナンバー, no odometer", "cartender-domestic-standard",
         [](Contract& c) { give(c, kCargo1); }, std::nullopt, true, "odometer_km"},
        {"8ナンバー on Cartender (not limited): no note", "cartender-domestic-standard",
         [](Contract& c) { give(c, kSpecial8); }, std::nullopt, false, nullptr},
        {"a passenger car on a plate typed 400: no limit, no note", "kaitokuten-basic",
         [](Contract& c) { give(c, kPassengerOn4Plate); }, std::nullopt, false, nullptr},
        {"private passenger car, no odometer: no limit, no note", "kaitokuten-basic", nullptr,
         std::nullopt, false, nullptr},
        {"explicit contract limit, no odometer", "kaitokuten-basic",
         [](Contract& c) { c.mileage_limit_km = 20'000; }, std::nullopt, true, "odometer_km"},
    };
    // clang-format on
    for (const Row& r : rows) {
        SCOPED_TRACE(r.why);
        Contract c = base_contract(r.product_id);
        if (r.setup != nullptr) r.setup(c);
        const auto v =
            check_coverage(c, product(r.product_id), {instant("2026-03-10T01:00:00Z"), kNearHome,
                                                      r.odometer_km});
        EXPECT_TRUE(v.eligible);
        EXPECT_TRUE(v.reasons.empty());
        ASSERT_EQ(notes_of(v), r.note ? std::vector<NoteCode>{NoteCode::mileage_unverified}
                                      : std::vector<NoteCode>{});
        if (!r.note) continue;
        const Note& n = v.notes[0];
        EXPECT_EQ(to_string(n.code), "mileage_unverified");
        EXPECT_NE(n.clause.find("第3条2"), std::string::npos);
        EXPECT_EQ(n.details.front().first, "mileage_limit_km");
        bool asks = false;
        for (const auto& [k, value] : n.details) {
            if (k == "ask") asks = std::get<std::string>(value) == "odometer_km";
        }
        EXPECT_EQ(asks, r.ask != nullptr);
    }
}

TEST(MileageUnverified, AlsoOnAnIneligibleVerdict) {
    // VT has no road service but a 50,000 km limit: the reason and the note both show.
    const auto v = check_coverage(base_contract("kaitokuten-vt"), product("kaitokuten-vt"),
                                  {instant("2026-03-10T01:00:00Z"), kNearHome, std::nullopt});
    EXPECT_EQ(codes_of(v), Codes{RC::plan_excludes_road_service});
    EXPECT_EQ(notes_of(v), std::vector<NoteCode>{NoteCode::mileage_unverified});
}

// ロードサービス規定 第3条(1): the caller gives the name and date of birth; what the agent records is
// compared with the holder (山田 太郎, ヤマダ タロウ, 1980-04-01). A mismatch warns; it never refuses.
TEST(CallerIdentity, MismatchIsAWarning) {
    struct Row {
        const char* why;
        std::optional<std::string> name;
        std::optional<Date> birth_date;
        std::optional<bool> name_matches;
        std::optional<bool> birth_date_matches;
    };
    const Row rows[] = {
        {"nothing asked", std::nullopt, std::nullopt, std::nullopt, std::nullopt},
        {"same name, same spacing", "山田 太郎", std::nullopt, true, std::nullopt},
        {"same name, full-width space", "山田　太郎", std::nullopt, true, std::nullopt},
        {"same name, no space", "山田太郎", std::nullopt, true, std::nullopt},
        {"the kana reading", "ヤマダ タロウ", std::nullopt, true, std::nullopt},
        {"the reading in hiragana", "やまだ たろう", std::nullopt, true, std::nullopt},
        {"another name", "佐藤 花子", std::nullopt, false, std::nullopt},
        {"the surname only", "山田", std::nullopt, false, std::nullopt},
        {"blank name", "  ", std::nullopt, false, std::nullopt},
        {"birth date matches", std::nullopt, d(1980, 4, 1), std::nullopt, true},
        {"birth date a day off", std::nullopt, d(1980, 4, 2), std::nullopt, false},
        {"both match", "山田 太郎", d(1980, 4, 1), true, true},
        {"name matches, birth date does not", "山田 太郎", d(1981, 4, 1), true, false},
    };
    Contract holder = base_contract("kaitokuten-basic");
    holder.holder.name_kana = "ヤマダ タロウ";
    for (const Row& r : rows) {
        SCOPED_TRACE(r.why);
        const auto v = check_coverage(holder, product("kaitokuten-basic"),
                                      {instant("2026-03-10T01:00:00Z"), kNearHome, std::nullopt},
                                      CallerIdentity{r.name, r.birth_date});
        EXPECT_TRUE(v.eligible);
        EXPECT_EQ(v.identity.name_matches, r.name_matches);
        EXPECT_EQ(v.identity.birth_date_matches, r.birth_date_matches);
        const bool mismatch = r.name_matches == false || r.birth_date_matches == false;
        EXPECT_EQ(notes_of(v), mismatch ? std::vector<NoteCode>{NoteCode::caller_identity_mismatch}
                                        : std::vector<NoteCode>{});
        if (mismatch) {
            EXPECT_EQ(v.notes[0].clause, "ロードサービス規定 第3条(1)");
        }
    }
}

TEST(CallerIdentity, NotesInTheirOrder) {
    Contract c = base_contract("kaitokuten-basic");
    c.corporate = true;
    const auto v = check_coverage(c, product("kaitokuten-basic"),
                                  {instant("2026-03-10T01:00:00Z"), kNearHome, std::nullopt},
                                  CallerIdentity{"佐藤 花子", d(1990, 1, 1)});
    EXPECT_EQ(notes_of(v), (std::vector<NoteCode>{NoteCode::mileage_unverified,
                                                  NoteCode::caller_identity_mismatch}));
    EXPECT_EQ(to_string(NoteCode::caller_identity_mismatch), "caller_identity_mismatch");
}

}  // namespace
}  // namespace roadside::dispatch
