// Who pays what for a job (billing/charges.hpp), ロードサービス規定 第1条 (free services, paid by the
// warranty) and 第2条 (paid services, the customer's), spec/rules.md §4–§6:
//   第1条2(1) "レッカーけん引・積載車運搬 … 50km" free; 第2条2(1) "無料サービス距離を越えた場合、
//   1㎞毎の延長" → every started km beyond is the customer's; 第2条2(11) storage beyond the free
//   24 h (無料サービス期間（24時間）以後の保管); 第2条1(7) ガス欠時における燃料代; 第2条3(7)
//   出動後にキャンセル.
#include "billing/charges.hpp"

#include "config/products.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <utility>
#include <string>
#include <vector>

namespace roadside::billing {
namespace {

using dispatch::Service;

// Distinct prices, so that a line priced from the wrong entry shows.
config::Tariff test_tariff() {
    config::Tariff t;
    t.service_yen = {{"lockout", 11000},    {"jump_start", 12000}, {"tire_change", 13000},
                     {"fuel_delivery", 14000}, {"light_work", 15000}, {"tow", 16000},
                     {"wheel_drop_recovery", 17000}};
    t.tow_per_km_yen = 730;
    t.additional_tire_yen = 4200;
    t.storage_per_day_yen = 3000;
    t.fuel_per_litre_yen = 200;
    t.cancellation_yen = 9500;
    auto extra = [&](std::string code, std::string clause, std::optional<std::int64_t> unit,
                     bool crew = false) {
        t.extras.emplace(code, config::TariffExtra{code, code, std::move(clause), unit, crew});
    };
    extra("dolly", "第2条2(2)", 8000);
    extra("waiting_time", "第2条3(2)", 3000);
    extra("extra_staff", "第2条2(12)", 8500, true);
    extra("extra_truck", "第2条2(12)", 15500, true);
    extra("toll_road", "第2条3(6)", std::nullopt);
    extra("parts", "第2条1(8)", std::nullopt);
    return t;
}

const config::Tariff& tariff() {
    static const config::Tariff t = test_tariff();
    return t;
}

// ---------------------------------------------------------------------------------------------
// The counting rules.

struct KmCase {
    const char* why;
    std::int64_t metres;
    int free_km;
    std::int64_t within;
    std::int64_t beyond;
};

TEST(TowKm, EveryStartedKmBeyondTheFreeDistance) {
    // clang-format off
    const KmCase cases[] = {
        {"no tow",                                         0,      50, 0,  0},
        {"1 m is a started km",                            1,      50, 1,  0},
        {"exactly 1 km",                                   1000,   50, 1,  0},
        {"1.001 km: 2 started km",                         1001,   50, 2,  0},
        {"49.999 km",                                      49'999, 50, 50, 0},
        {"第2条2(1): 50.0 km is all free",                 50'000, 50, 50, 0},
        {"第2条2(1): 50,001 m is 1 started km beyond",     50'001, 50, 50, 1},
        {"第2条2(1): 50.1 km is 1 started km beyond",      50'100, 50, 50, 1},
        {"第2条2(1): 51.0 km is 1 km beyond",              51'000, 50, 50, 1},
        {"第2条2(1): 51.001 km is 2 km beyond",            51'001, 50, 50, 2},
        {"第2条2(1): 62.4 km is 13 started km beyond",     62'400, 50, 50, 13},
        {"a product with 100 km free: 62.4 km all free",   62'400, 100, 63, 0},
        {"no free distance: every started km",             62'400, 0,  0,  63},
        {"1,000 km",                                       1'000'000, 50, 50, 950},
        {"negative metres count as none",                  -5,     50, 0,  0},
    };
    // clang-format on
    for (const KmCase& c : cases) {
        EXPECT_EQ(km_within_free(c.metres, c.free_km), c.within) << c.why;
        EXPECT_EQ(km_beyond_free(c.metres, c.free_km), c.beyond) << c.why;
    }
}

struct StorageCase {
    const char* why;
    std::int64_t minutes;
    int free_hours;
    std::int64_t days;
};

TEST(StorageDays, EveryStartedDayBeyondTheFree24Hours) {
    // clang-format off
    const StorageCase cases[] = {
        {"none",                                       0,               24, 0},
        {"第2条2(11): 24 h is within the free period", 24 * 60,         24, 0},
        {"第2条2(11): 24 h 1 min starts day 1",        24 * 60 + 1,     24, 1},
        {"第2条2(11): 25 h is 1 day",                  25 * 60,         24, 1},
        {"第2条2(11): 48 h is 1 day",                  48 * 60,         24, 1},
        {"第2条2(11): 48 h 1 min is 2 days",           48 * 60 + 1,     24, 2},
        {"72 h is 2 days",                             72 * 60,         24, 2},
        {"no free period: 1 min is 1 day",             1,               0,  1},
        {"negative minutes count as none",             -60,             24, 0},
    };
    // clang-format on
    for (const StorageCase& c : cases) {
        EXPECT_EQ(storage_days_beyond_free(c.minutes, c.free_hours), c.days) << c.why;
    }
}

// ---------------------------------------------------------------------------------------------
// job_charges

struct Line {
    std::string code;
    std::int64_t quantity;
    std::int64_t unit_yen;
    Payer payer;
    std::string clause;
};

struct JobCase {
    std::string why;
    CompletionFacts facts;
    std::vector<Line> lines;
    std::int64_t covered_yen;
    std::int64_t customer_yen;
};

CompletionFacts facts(Service s, bool free, std::int64_t tow_m = 0) {
    CompletionFacts f;
    f.service = s;
    f.free = free;
    f.tow_distance_m = tow_m;
    return f;
}

CompletionFacts with_storage(CompletionFacts f, std::int64_t minutes) {
    f.storage_minutes = minutes;
    return f;
}

CompletionFacts with_fuel(CompletionFacts f, std::int64_t litres) {
    f.fuel_litres = litres;
    return f;
}

CompletionFacts with_extras(CompletionFacts f, std::vector<ReportedExtra> extras) {
    f.extras = std::move(extras);
    return f;
}

CompletionFacts with_free_km(CompletionFacts f, int km) {
    f.free_tow_km = km;
    return f;
}

CompletionFacts with_tires(CompletionFacts f, int tires) {
    f.tires = tires;
    return f;
}

// 第2条2(12) 増員・増車料金（タイヤ1本、及び落差1m以内からの車両引上げ作業は除く）: on the free
// one-tire change and the free one-wheel recovery the warranty pays them.
const std::string kCrewWaived = "第2条2(12) (除く: タイヤ1本・落差1m以内の引上げ)";

constexpr Payer W = Payer::warranty;
constexpr Payer C = Payer::customer;

// Every line's amount is quantity × unit, and the totals are the sums by payer.
void expect_consistent(const Charges& ch, const std::string& why) {
    std::int64_t warranty = 0;
    std::int64_t customer = 0;
    for (const ChargeLine& l : ch.lines) {
        EXPECT_EQ(l.amount_yen, l.quantity * l.unit_yen) << why << ": " << l.code;
        (l.payer == Payer::warranty ? warranty : customer) += l.amount_yen;
    }
    EXPECT_EQ(ch.covered_yen, warranty) << why;
    EXPECT_EQ(ch.customer_yen, customer) << why;
}

void expect_lines(const Charges& ch, const std::vector<Line>& expected, const std::string& why) {
    ASSERT_EQ(ch.lines.size(), expected.size()) << why;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const ChargeLine& got = ch.lines[i];
        const Line& want = expected[i];
        const std::string at = why + ": line " + std::to_string(i) + " (" + want.code + ")";
        EXPECT_EQ(got.code, want.code) << at;
        EXPECT_EQ(got.quantity, want.quantity) << at;
        EXPECT_EQ(got.unit_yen, want.unit_yen) << at;
        EXPECT_EQ(got.amount_yen, want.quantity * want.unit_yen) << at;
        EXPECT_EQ(got.payer, want.payer) << at;
        EXPECT_EQ(got.clause, want.clause) << at;
    }
}

std::vector<JobCase> job_cases() {
    // clang-format off
    return {
        {"第1条1(1): a free lockout is the warranty's",
         facts(Service::lockout, true),
         {{"lockout", 1, 11000, W, "第1条"}}, 11000, 0},
        {"第1条1(2): a free jump start",
         facts(Service::jump_start, true),
         {{"jump_start", 1, 12000, W, "第1条"}}, 12000, 0},
        {"第2条1(3): a paid lockout (key lost) is the customer's",
         facts(Service::lockout, false),
         {{"lockout", 1, 11000, C, "第2条"}}, 0, 11000},
        {"第1条2(1), 第2条2(1): free tow of 62.4 km, 13 started km beyond 50 are the customer's",
         facts(Service::tow, true, 62'400),
         {{"tow", 1, 16000, W, "第1条"}, {"tow_km", 50, 730, W, "第1条2(1)"},
          {"tow_km_beyond_free", 13, 730, C, "第2条2(1)"}},
         16000 + 50 * 730, 13 * 730},
        {"第1条2(1): free tow of exactly 50.0 km, nothing beyond",
         facts(Service::tow, true, 50'000),
         {{"tow", 1, 16000, W, "第1条"}, {"tow_km", 50, 730, W, "第1条2(1)"}},
         16000 + 50 * 730, 0},
        {"第2条2(1): free tow of 50.1 km, 1 km beyond",
         facts(Service::tow, true, 50'100),
         {{"tow", 1, 16000, W, "第1条"}, {"tow_km", 50, 730, W, "第1条2(1)"},
          {"tow_km_beyond_free", 1, 730, C, "第2条2(1)"}},
         16000 + 50 * 730, 730},
        {"第2条2(1): free tow of 50,001 m, 1 km beyond",
         facts(Service::tow, true, 50'001),
         {{"tow", 1, 16000, W, "第1条"}, {"tow_km", 50, 730, W, "第1条2(1)"},
          {"tow_km_beyond_free", 1, 730, C, "第2条2(1)"}},
         16000 + 50 * 730, 730},
        {"第1条2(1): free tow of 12.3 km, 13 started km, all free",
         facts(Service::tow, true, 12'300),
         {{"tow", 1, 16000, W, "第1条"}, {"tow_km", 13, 730, W, "第1条2(1)"}},
         16000 + 13 * 730, 0},
        {"free tow of 0 m: no km lines",
         facts(Service::tow, true, 0),
         {{"tow", 1, 16000, W, "第1条"}}, 16000, 0},
        {"第1条2(1): the product's own free distance (30 km) counts, 62.4 km → 33 beyond",
         with_free_km(facts(Service::tow, true, 62'400), 30),
         {{"tow", 1, 16000, W, "第1条"}, {"tow_km", 30, 730, W, "第1条2(1)"},
          {"tow_km_beyond_free", 33, 730, C, "第2条2(1)"}},
         16000 + 30 * 730, 33 * 730},
        {"第2条3(5): a paid tow of 62.4 km, all 63 started km are the customer's",
         facts(Service::tow, false, 62'400),
         {{"tow", 1, 16000, C, "第2条"}, {"tow_km", 63, 730, C, "第2条"}},
         0, 16000 + 63 * 730},
        {"第2条: a paid tow of 50.0 km, no free distance to subtract",
         facts(Service::tow, false, 50'000),
         {{"tow", 1, 16000, C, "第2条"}, {"tow_km", 50, 730, C, "第2条"}},
         0, 16000 + 50 * 730},
        {"第2条2(11): tow to storage for 24 h, nothing for storage",
         with_storage(facts(Service::tow, true, 20'000), 24 * 60),
         {{"tow", 1, 16000, W, "第1条"}, {"tow_km", 20, 730, W, "第1条2(1)"}},
         16000 + 20 * 730, 0},
        {"第2条2(11): tow to storage for 25 h, 1 day",
         with_storage(facts(Service::tow, true, 20'000), 25 * 60),
         {{"tow", 1, 16000, W, "第1条"}, {"tow_km", 20, 730, W, "第1条2(1)"},
          {"storage", 1, 3000, C, "第2条2(11)"}},
         16000 + 20 * 730, 3000},
        {"第2条2(11): tow to storage for 48 h 1 min, 2 days",
         with_storage(facts(Service::tow, true, 20'000), 48 * 60 + 1),
         {{"tow", 1, 16000, W, "第1条"}, {"tow_km", 20, 730, W, "第1条2(1)"},
          {"storage", 2, 3000, C, "第2条2(11)"}},
         16000 + 20 * 730, 6000},
        {"第2条2(1), 2(11): beyond the free distance and stored 48 h, in the fixed order",
         with_storage(facts(Service::tow, true, 62'400), 48 * 60),
         {{"tow", 1, 16000, W, "第1条"}, {"tow_km", 50, 730, W, "第1条2(1)"},
          {"tow_km_beyond_free", 13, 730, C, "第2条2(1)"}, {"storage", 1, 3000, C, "第2条2(11)"}},
         16000 + 50 * 730, 13 * 730 + 3000},
        {"第1条1(4), 第2条1(7): free fuel delivery of 10 L, the fuel is the customer's",
         with_fuel(facts(Service::fuel_delivery, true), 10),
         {{"fuel_delivery", 1, 14000, W, "第1条"}, {"fuel", 10, 200, C, "第2条1(7)"}},
         14000, 2000},
        {"第2条1(7): a paid fuel delivery, service and fuel the customer's",
         with_fuel(facts(Service::fuel_delivery, false), 12),
         {{"fuel_delivery", 1, 14000, C, "第2条"}, {"fuel", 12, 200, C, "第2条1(7)"}},
         0, 14000 + 2400},
        {"第1条1(4): fuel delivery with no litres reported, no fuel line",
         facts(Service::fuel_delivery, true),
         {{"fuel_delivery", 1, 14000, W, "第1条"}}, 14000, 0},
        {"第1条2(2): a free wheel-drop recovery",
         facts(Service::wheel_drop_recovery, true),
         {{"wheel_drop_recovery", 1, 17000, W, "第1条"}}, 17000, 0},
        {"第2条2(3): a paid wheel-drop recovery (2 wheels)",
         facts(Service::wheel_drop_recovery, false),
         {{"wheel_drop_recovery", 1, 17000, C, "第2条"}}, 0, 17000},
        {"a tow distance on a non-tow service prices no km",
         facts(Service::light_work, true, 62'400),
         {{"light_work", 1, 15000, W, "第1条"}}, 15000, 0},
        {"第2条2(2), 3(2), 3(6), 1(8): extras are the customer's, in the reported order",
         with_extras(facts(Service::tow, true, 62'400),
                     {{"toll_road", 1, 2350}, {"dolly", 1, std::nullopt},
                      {"waiting_time", 3, std::nullopt}, {"parts", 1, 4980}}),
         {{"tow", 1, 16000, W, "第1条"}, {"tow_km", 50, 730, W, "第1条2(1)"},
          {"tow_km_beyond_free", 13, 730, C, "第2条2(1)"}, {"toll_road", 1, 2350, C, "第2条3(6)"},
          {"dolly", 1, 8000, C, "第2条2(2)"}, {"waiting_time", 3, 3000, C, "第2条3(2)"},
          {"parts", 1, 4980, C, "第2条1(8)"}},
         16000 + 50 * 730, 13 * 730 + 2350 + 8000 + 9000 + 4980},
        {"第2条2(12): 2 extra staff on a free one-wheel recovery (≤ 1 m) are not billed",
         with_extras(facts(Service::wheel_drop_recovery, true), {{"extra_staff", 2, std::nullopt}}),
         {{"wheel_drop_recovery", 1, 17000, W, "第1条"}, {"extra_staff", 2, 8500, W, kCrewWaived}},
         17000 + 17000, 0},
        {"第2条2(12): an extra truck on a free one-wheel recovery is not billed",
         with_extras(facts(Service::wheel_drop_recovery, true), {{"extra_truck", 1, std::nullopt}}),
         {{"wheel_drop_recovery", 1, 17000, W, "第1条"}, {"extra_truck", 1, 15500, W, kCrewWaived}},
         17000 + 15500, 0},
        {"第2条2(12): extra staff on a paid recovery (2 wheels / deeper) are the customer's",
         with_extras(facts(Service::wheel_drop_recovery, false), {{"extra_staff", 1, std::nullopt}}),
         {{"wheel_drop_recovery", 1, 17000, C, "第2条"}, {"extra_staff", 1, 8500, C, "第2条2(12)"}},
         0, 17000 + 8500},
        {"第2条2(12): a dolly on a free recovery is still the customer's (not 増員・増車)",
         with_extras(facts(Service::wheel_drop_recovery, true), {{"dolly", 1, std::nullopt}}),
         {{"wheel_drop_recovery", 1, 17000, W, "第1条"}, {"dolly", 1, 8000, C, "第2条2(2)"}},
         17000, 8000},
        {"第2条2(12): extra staff on the free one-tire change are not billed",
         with_extras(facts(Service::tire_change, true), {{"extra_staff", 1, std::nullopt}}),
         {{"tire_change", 1, 13000, W, "第1条"}, {"extra_staff", 1, 8500, W, kCrewWaived}},
         13000 + 8500, 0},
        {"第2条2(12): extra staff on a two-tire change are the customer's",
         with_extras(with_tires(facts(Service::tire_change, true), 2),
                     {{"extra_staff", 1, std::nullopt}}),
         {{"tire_change", 1, 13000, W, "第1条"},
          {"additional_tire", 1, 4200, C, "第1条1(3) (スペアタイヤ交換は１本まで)"},
          {"extra_staff", 1, 8500, C, "第2条2(12)"}},
         13000, 4200 + 8500},
        {"第2条2(12): extra staff on a free tow are the customer's",
         with_extras(facts(Service::tow, true, 5'000), {{"extra_staff", 1, std::nullopt}}),
         {{"tow", 1, 16000, W, "第1条"}, {"tow_km", 5, 730, W, "第1条2(1)"},
          {"extra_staff", 1, 8500, C, "第2条2(12)"}},
         16000 + 5 * 730, 8500},

        // 第1条1(3) 「スペアタイヤ交換は１本まで」: one tire free, each further tire the customer's.
        {"第1条1(3): exactly one tire, free",
         with_tires(facts(Service::tire_change, true), 1),
         {{"tire_change", 1, 13000, W, "第1条"}}, 13000, 0},
        {"第1条1(3): two tires, the second is the customer's",
         with_tires(facts(Service::tire_change, true), 2),
         {{"tire_change", 1, 13000, W, "第1条"},
          {"additional_tire", 1, 4200, C, "第1条1(3) (スペアタイヤ交換は１本まで)"}},
         13000, 4200},
        {"第1条1(3): four tires, three further tires",
         with_tires(facts(Service::tire_change, true), 4),
         {{"tire_change", 1, 13000, W, "第1条"},
          {"additional_tire", 3, 4200, C, "第1条1(3) (スペアタイヤ交換は１本まで)"}},
         13000, 3 * 4200},
        {"第2条: a paid two-tire change (not covered), all the customer's",
         with_tires(facts(Service::tire_change, false), 2),
         {{"tire_change", 1, 13000, C, "第2条"},
          {"additional_tire", 1, 4200, C, "第1条1(3) (スペアタイヤ交換は１本まで)"}},
         0, 13000 + 4200},

        // 第2条2(11): the free 24 h of storage belong to the free tow.
        {"第2条2(11): after a paid tow, 24 h of storage is a started day",
         with_storage(facts(Service::tow, false, 20'000), 24 * 60),
         {{"tow", 1, 16000, C, "第2条"}, {"tow_km", 20, 730, C, "第2条"},
          {"storage", 1, 3000, C, "第2条2(11)"}},
         0, 16000 + 20 * 730 + 3000},
        {"第2条2(11): after a paid tow, 1 minute of storage is a started day",
         with_storage(facts(Service::tow, false, 20'000), 1),
         {{"tow", 1, 16000, C, "第2条"}, {"tow_km", 20, 730, C, "第2条"},
          {"storage", 1, 3000, C, "第2条2(11)"}},
         0, 16000 + 20 * 730 + 3000},
        {"第2条2(11): after a paid tow, 24 h 1 min is 2 days",
         with_storage(facts(Service::tow, false, 20'000), 24 * 60 + 1),
         {{"tow", 1, 16000, C, "第2条"}, {"tow_km", 20, 730, C, "第2条"},
          {"storage", 2, 3000, C, "第2条2(11)"}},
         0, 16000 + 20 * 730 + 6000},
        {"第2条3(6): an actual cost is one line whatever quantity is reported",
         with_extras(facts(Service::tow, false, 1'000), {{"toll_road", 4, 1200}}),
         {{"tow", 1, 16000, C, "第2条"}, {"tow_km", 1, 730, C, "第2条"},
          {"toll_road", 1, 1200, C, "第2条3(6)"}},
         0, 16000 + 730 + 1200},
        {"a zero-quantity priced extra is left out",
         with_extras(facts(Service::lockout, true), {{"dolly", 0, std::nullopt}}),
         {{"lockout", 1, 11000, W, "第1条"}}, 11000, 0},
        {"the same extra twice gives two lines",
         with_extras(facts(Service::lockout, true),
                     {{"toll_road", 1, 500}, {"toll_road", 1, 700}}),
         {{"lockout", 1, 11000, W, "第1条"}, {"toll_road", 1, 500, C, "第2条3(6)"},
          {"toll_road", 1, 700, C, "第2条3(6)"}},
         11000, 1200},
    };
    // clang-format on
}

TEST(JobCharges, LinesAndTotalsByClause) {
    for (const JobCase& c : job_cases()) {
        const Charges ch = job_charges(tariff(), c.facts);
        expect_lines(ch, c.lines, c.why);
        EXPECT_EQ(ch.covered_yen, c.covered_yen) << c.why;
        EXPECT_EQ(ch.customer_yen, c.customer_yen) << c.why;
        expect_consistent(ch, c.why);
    }
}

TEST(JobCharges, TheServiceLineIsAlwaysFirstEvenAtZeroPrice) {
    config::Tariff t = tariff();
    t.service_yen["light_work"] = 0;
    const Charges ch = job_charges(t, facts(Service::light_work, true));
    ASSERT_EQ(ch.lines.size(), 1u);
    EXPECT_EQ(ch.lines[0].code, "light_work");
    EXPECT_EQ(ch.lines[0].quantity, 1);
    EXPECT_EQ(ch.lines[0].amount_yen, 0);
    EXPECT_EQ(ch.covered_yen, 0);
}

TEST(JobCharges, EveryServiceIsPricedFromItsOwnTariffEntry) {
    for (const Service s : dispatch::kAllServices) {
        const std::string name(dispatch::to_string(s));
        for (const bool free : {true, false}) {
            const Charges ch = job_charges(tariff(), facts(s, free));
            ASSERT_FALSE(ch.lines.empty()) << name;
            EXPECT_EQ(ch.lines[0].code, name);
            EXPECT_EQ(ch.lines[0].unit_yen, tariff().service_price(name)) << name;
            EXPECT_EQ(ch.lines[0].payer, free ? Payer::warranty : Payer::customer) << name;
            EXPECT_EQ(ch.lines[0].clause, free ? "第1条" : "第2条") << name;
        }
    }
}

struct ErrorCase {
    std::string why;
    std::vector<ReportedExtra> extras;
    std::string code;
    std::string field;
};

TEST(JobCharges, ExtrasTheTariffCannotPriceAreRefused) {
    // clang-format off
    const ErrorCase cases[] = {
        {"an extra the tariff does not have",
         {{"helicopter", 1, std::nullopt}}, "unknown_extra", "extras[0].code"},
        {"an unknown extra after valid ones names its index",
         {{"dolly", 1, std::nullopt}, {"toll_road", 1, 100}, {"Dolly", 1, std::nullopt}},
         "unknown_extra", "extras[2].code"},
        {"an unknown extra with an amount is still unknown",
         {{"car_wash", 1, 3000}}, "unknown_extra", "extras[0].code"},
        {"a priced extra with an amount: partners do not set tariff prices",
         {{"dolly", 1, 12000}}, "amount_not_allowed", "extras[0].amount_yen"},
        {"a priced extra with an amount of 0",
         {{"toll_road", 1, 800}, {"waiting_time", 2, 0}}, "amount_not_allowed",
         "extras[1].amount_yen"},
        {"第2条3(6) 実費 without the amount",
         {{"toll_road", 1, std::nullopt}}, "amount_required", "extras[0].amount_yen"},
        {"第2条1(8) parts without the amount",
         {{"dolly", 1, std::nullopt}, {"parts", 2, std::nullopt}}, "amount_required",
         "extras[1].amount_yen"},
    };
    // clang-format on
    for (const ErrorCase& c : cases) {
        try {
            job_charges(tariff(), with_extras(facts(Service::tow, true, 10'000), c.extras));
            ADD_FAILURE() << c.why << ": accepted";
        } catch (const ChargeError& e) {
            EXPECT_EQ(e.code, c.code) << c.why;
            EXPECT_EQ(e.field, c.field) << c.why;
            EXPECT_FALSE(std::string(e.what()).empty()) << c.why;
        }
    }
}

TEST(JobCharges, FactsOutsideSaneBoundsAreABugAtTheCaller) {
    const CompletionFacts tow = facts(Service::tow, true, 10'000);
    CompletionFacts negative_distance = tow;
    negative_distance.tow_distance_m = -1;
    CompletionFacts huge_distance = tow;
    huge_distance.tow_distance_m = std::int64_t{1} << 62;
    CompletionFacts negative_storage = tow;
    negative_storage.storage_minutes = -1;
    CompletionFacts negative_fuel = tow;
    negative_fuel.fuel_litres = -10;
    CompletionFacts huge_fuel = tow;
    huge_fuel.fuel_litres = std::int64_t{1} << 60;
    CompletionFacts negative_free_km = tow;
    negative_free_km.free_tow_km = -50;
    const std::pair<const char*, CompletionFacts> cases[] = {
        {"negative distance", negative_distance},
        {"distance that would overflow", huge_distance},
        {"negative storage", negative_storage},
        {"negative fuel", negative_fuel},
        {"fuel that would overflow", huge_fuel},
        {"negative free distance", negative_free_km},
        {"negative extra quantity", with_extras(tow, {{"dolly", -1, std::nullopt}})},
        {"extra quantity that would overflow",
         with_extras(tow, {{"dolly", std::int64_t{1} << 61, std::nullopt}})},
        {"negative actual cost", with_extras(tow, {{"toll_road", 1, -500}})},
        {"actual cost that would overflow the total",
         with_extras(tow, {{"toll_road", 1, INT64_MAX}, {"toll_road", 1, INT64_MAX}})},
    };
    for (const auto& [why, f] : cases) {
        EXPECT_THROW(job_charges(tariff(), f), std::invalid_argument) << why;
    }
}

TEST(JobCharges, AnAbsurdTariffOverflowsLoudlyNotSilently) {
    // load_tariff caps prices at 10,000,000 yen; a tariff built in code is not checked.
    config::Tariff t = tariff();
    t.tow_per_km_yen = INT64_MAX / 2;
    EXPECT_THROW(job_charges(t, facts(Service::tow, true, 3'000)), std::overflow_error);
}

// ---------------------------------------------------------------------------------------------
// estimate_charges, cancellation_charges

TEST(EstimateCharges, IsJobChargesWithTheEstimatedDistanceOnly) {
    struct Case {
        const char* why;
        Service service;
        bool free;
        std::int64_t metres;
        int free_km;
        std::int64_t customer_yen;
        int tires = 1;
    };
    // clang-format off
    const Case cases[] = {
        {"第2条2(1): free tow of 62.4 km → 13 km × per-km", Service::tow, true, 62'400, 50,
         13 * 730},
        {"第1条2(1): free tow of 50.0 km → nothing",        Service::tow, true, 50'000, 50, 0},
        {"第2条2(1): free tow of 50.1 km → 1 km",           Service::tow, true, 50'100, 50, 730},
        {"第2条: paid tow of 62.4 km → service and 63 km",  Service::tow, false, 62'400, 50,
         16000 + 63 * 730},
        {"第1条1(3): free tire change → nothing",           Service::tire_change, true, 0, 50, 0},
        {"第2条: paid tire change → the service",           Service::tire_change, false, 0, 50,
         13000},
        {"第1条1(3): free change of 3 tires → 2 further tires", Service::tire_change, true, 0, 50,
         2 * 4200, 3},
    };
    // clang-format on
    for (const Case& c : cases) {
        const Charges est =
            estimate_charges(tariff(), c.service, c.free, c.metres, c.free_km, c.tires);
        EXPECT_EQ(est.customer_yen, c.customer_yen) << c.why;
        expect_consistent(est, c.why);
        CompletionFacts f = facts(c.service, c.free, c.metres);
        f.free_tow_km = c.free_km;
        f.tires = c.tires;
        const Charges job = job_charges(tariff(), f);
        ASSERT_EQ(est.lines.size(), job.lines.size()) << c.why;
        for (std::size_t i = 0; i < job.lines.size(); ++i) {
            EXPECT_EQ(est.lines[i].code, job.lines[i].code) << c.why;
            EXPECT_EQ(est.lines[i].amount_yen, job.lines[i].amount_yen) << c.why;
            EXPECT_EQ(est.lines[i].payer, job.lines[i].payer) << c.why;
        }
        EXPECT_EQ(est.covered_yen, job.covered_yen) << c.why;
    }
}

TEST(CancellationCharges, OnlyAfterThePartnerSetOutAndOnlyTheCustomers) {
    // 第2条3(7) サービス実施者が出動後にキャンセルとなった場合の出動費用: from en_route (出動), not
    // from acceptance; and only when the customer cancels.
    struct Row {
        dispatch::JobStatus status;
        dispatch::CancelledBy by;
        std::int64_t customer_yen;
        const char* why;
    };
    using S = dispatch::JobStatus;
    using B = dispatch::CancelledBy;
    const Row rows[] = {
        {S::offered, B::customer, 0, "offered: nobody set out"},
        {S::unassigned, B::customer, 0, "unassigned"},
        {S::accepted, B::customer, 0, "accepted but not yet on the way"},
        {S::en_route, B::customer, 9500, "en_route: the truck set out"},
        {S::on_scene, B::customer, 9500, "on the scene"},
        {S::en_route, B::operator_, 0, "the operator cancels: never the customer's"},
        {S::on_scene, B::partner, 0, "the partner cancels: never the customer's"},
    };
    for (const Row& r : rows) {
        const Charges ch =
            cancellation_charges(tariff(), dispatch::cancellation_charged(r.status, r.by));
        EXPECT_EQ(ch.customer_yen, r.customer_yen) << r.why;
        EXPECT_EQ(ch.covered_yen, 0) << r.why;
    }
}

TEST(CancellationCharges, OnlyAfterThePartnerSetOut) {
    // 第2条3(7) サービス実施者が出動後にキャンセルとなった場合の出動費用.
    const Charges after = cancellation_charges(tariff(), true);
    expect_lines(after, {{"cancellation", 1, 9500, C, "第2条3(7)"}}, "after setting out");
    EXPECT_EQ(after.covered_yen, 0);
    EXPECT_EQ(after.customer_yen, 9500);

    const Charges before = cancellation_charges(tariff(), false);
    EXPECT_TRUE(before.lines.empty());
    EXPECT_EQ(before.covered_yen, 0);
    EXPECT_EQ(before.customer_yen, 0);
}

TEST(Payer, Names) {
    EXPECT_EQ(to_string(Payer::warranty), "warranty");
    EXPECT_EQ(to_string(Payer::customer), "customer");
}

// ---------------------------------------------------------------------------------------------
// The real tariff file prices every kind of job and every extra it lists.

std::filesystem::path tariff_file() {
    if (const char* src = std::getenv("ROADSIDE_SOURCE_DIR")) {
        return std::filesystem::path(src) / "config" / "tariff.json";
    }
    return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "config" /
           "tariff.json";
}

TEST(RealTariff, PricesAFreeTowBeyondTheFreeDistanceAndEveryExtra) {
    const config::Tariff t = config::load_tariff(tariff_file());
    // config::kTariffServices repeats dispatch::Service's names; they must not drift apart.
    for (const Service s : dispatch::kAllServices) {
        EXPECT_TRUE(t.service_yen.contains(dispatch::to_string(s))) << dispatch::to_string(s);
    }
    EXPECT_EQ(std::size(config::kTariffServices), std::size(dispatch::kAllServices));
    const Charges tow = job_charges(t, facts(Service::tow, true, 62'400));
    EXPECT_EQ(tow.customer_yen, 13 * t.tow_per_km_yen) << "第2条2(1): 62.4 km → 13 km";
    expect_consistent(tow, "real tariff tow");

    std::vector<ReportedExtra> extras;
    std::int64_t expected = 0;
    for (const auto& [code, extra] : t.extras) {
        if (extra.unit_yen) {
            extras.push_back({code, 2, std::nullopt});
            expected += 2 * *extra.unit_yen;
        } else {
            extras.push_back({code, 1, 1234});
            expected += 1234;
        }
    }
    const Charges all = job_charges(t, with_extras(facts(Service::lockout, true), extras));
    EXPECT_EQ(all.lines.size(), 1 + extras.size());
    EXPECT_EQ(all.customer_yen, expected);
    expect_consistent(all, "every extra");

    // 第2条2(12): the real tariff marks exactly its extra staff and truck as not billed on the
    // light recoveries, and prices further tires (第1条1(3)).
    std::vector<std::string> crew;
    for (const auto& [code, extra] : t.extras) {
        if (extra.not_billed_on_light_recovery) crew.push_back(code);
    }
    EXPECT_EQ(crew, (std::vector<std::string>{"extra_staff", "extra_truck"}));
    EXPECT_GT(t.additional_tire_yen, 0);
}

}  // namespace
}  // namespace roadside::billing
