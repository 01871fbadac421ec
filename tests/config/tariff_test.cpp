// The operator's price list (config/tariff.hpp, config/tariff.json): ロードサービス規定 第7条1
// "丙所定の料金表". The source documents give no figures, so the file is illustrative configuration;
// what is tested is that it prices everything the rules make chargeable (第1条 services, 第2条
// paid extras, spec/rules.md §6) and that the loader refuses a file that would misprice a job.
#include "config/tariff.hpp"

#include "config/products.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <set>
#include <string>

namespace roadside::config {
namespace {

namespace fs = std::filesystem;
using test_support::TempDir;

fs::path tariff_file() {
    if (const char* src = std::getenv("ROADSIDE_SOURCE_DIR")) {
        return fs::path(src) / "config" / "tariff.json";
    }
    return fs::path(__FILE__).parent_path().parent_path().parent_path() / "config" /
           "tariff.json";
}

// ---------------------------------------------------------------------------------------------
// The real file.

TEST(TariffFile, LoadsAndPricesEveryService) {
    const Tariff t = load_tariff(tariff_file());
    EXPECT_EQ(t.service_yen.size(), std::size(kTariffServices));
    for (const char* s : kTariffServices) {
        ASSERT_TRUE(t.service_yen.contains(s)) << s;
        // A free service (第1条) is still paid by the warranty to the operator: never 0.
        EXPECT_GT(t.service_price(s), 0) << s;
    }
    EXPECT_GT(t.tow_per_km_yen, 0) << "第2条2(1) 1㎞毎の延長";
    EXPECT_GT(t.storage_per_day_yen, 0) << "第2条2(11)";
    EXPECT_GT(t.fuel_per_litre_yen, 0) << "第2条1(7)";
    EXPECT_GT(t.cancellation_yen, 0) << "第2条3(7)";
}

// One extra per paid item of 第2条1–3 that is not a service or a tow distance of its own
// (spec/rules.md §6). unit_yen null = 実費 (actual cost, reported by the partner).
struct ExpectedExtra {
    const char* code;
    const char* clause;
    bool actual_cost;
};

TEST(TariffFile, HasEveryPaidExtraWithItsClause) {
    // clang-format off
    const ExpectedExtra expected[] = {
        {"special_key",          "第2条1(1)",  false},  // 電子ロック等特殊構造の鍵
        {"battery_charge",       "第2条1(5)",  false},  // バッテリーの充電
        {"tire_chains",          "第2条1(6)",  false},  // チェーン脱着
        {"seasonal_tire_change", "第2条1(6)",  false},  // ノーマル⇔スタッドレス
        {"parts",                "第2条1(8)",  true},   // 消耗品・部品
        {"window_repair",        "第2条1(9)",  false},  // ガラスウィンドウ昇降
        {"electrical_repair",    "第2条1(10)", false},  // 保安部品に関連性のない電装品
        {"dolly",                "第2条2(2)",  false},  // ドーリーの使用等
        {"overturned",           "第2条2(4)",  false},  // 横転、転倒、落車
        {"crane",                "第2条2(5)",  false},  // クレーンの使用等
        {"collision_extraction", "第2条2(6)",  false},  // 公共物、建物等に追衝突
        {"multistorey_car_park", "第2条2(7)",  false},  // 立体駐車場等
        {"lowered_vehicle",      "第2条2(8)",  false},  // ローダウン車・エアロパーツ装着車
        {"move_after_unloading", "第2条2(9)",  false},  // 積み下ろしてから車両を移動
        {"secondary_transport",  "第2条2(10)", false},  // 二次搬送費用
        {"extra_staff",          "第2条2(12)", false},  // 増員
        {"extra_truck",          "第2条2(12)", false},  // 増車
        {"road_cleaning",        "第2条3(1)",  false},  // 道路清掃作業
        {"oil_absorbent",        "第2条3(1)",  false},  // オイル漏れの後処理資材
        {"waiting_time",         "第2条3(2)",  false},  // 待機料金
        {"flares",               "第2条3(3)",  true},   // 発炎筒等の費用実費
        {"ferry_fare",           "第2条3(4)",  true},   // カーフェリー乗船料金等
        {"toll_road",            "第2条3(6)",  true},   // 有料道路使用実費
    };
    // clang-format on
    const Tariff t = load_tariff(tariff_file());
    EXPECT_EQ(t.extras.size(), std::size(expected));
    for (const ExpectedExtra& e : expected) {
        const TariffExtra* x = t.find_extra(e.code);
        ASSERT_NE(x, nullptr) << e.code;
        EXPECT_EQ(x->code, e.code);
        EXPECT_EQ(x->clause, e.clause) << e.code;
        EXPECT_FALSE(x->name.empty()) << e.code;
        EXPECT_EQ(!x->unit_yen.has_value(), e.actual_cost) << e.code;
        if (x->unit_yen) {
            EXPECT_GT(*x->unit_yen, 0) << e.code;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The loader, on files written to a temporary directory.

const std::string kServiceYen = R"({"lockout": 11000, "jump_start": 12000, "tire_change": 13000,
                  "fuel_delivery": 14000, "light_work": 15000, "tow": 16000,
                  "wheel_drop_recovery": 17000})";

// R"j(…)j": the clauses hold ")" + quote, which would end a plain raw string.
const std::string kExtras = R"j([
    {"code": "dolly", "name": "Dolly", "clause": "第2条2(2)", "unit_yen": 8000},
    {"code": "toll_road", "name": "Tolls", "clause": "第2条3(6)", "unit_yen": null},
    {"code": "extra_staff", "name": "Staff", "clause": "第2条2(12)", "unit_yen": 8500,
     "not_billed_on_light_recovery": true}
  ])j";

std::string valid_tariff_json() {
    return R"({
  "_comment": "test tariff",
  "service_yen": )" + kServiceYen + R"(,
  "tow_per_km_yen": 700,
  "additional_tire_yen": 4500,
  "storage_per_day_yen": 3000,
  "fuel_per_litre_yen": 200,
  "cancellation_yen": 9000,
  "extras": )" + kExtras + R"(
})";
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    if (at == std::string::npos) throw std::logic_error("test text lacks: " + from);
    text.replace(at, from.size(), to);
    return text;
}

Tariff load_text(const std::string& text) {
    const TempDir dir;
    dir.write("tariff.json", text);
    return load_tariff(dir.path() / "tariff.json");
}

TEST(LoadTariff, ReadsEveryField) {
    const Tariff t = load_text(valid_tariff_json());
    EXPECT_EQ(t.service_price("lockout"), 11000);
    EXPECT_EQ(t.service_price("jump_start"), 12000);
    EXPECT_EQ(t.service_price("tire_change"), 13000);
    EXPECT_EQ(t.service_price("fuel_delivery"), 14000);
    EXPECT_EQ(t.service_price("light_work"), 15000);
    EXPECT_EQ(t.service_price("tow"), 16000);
    EXPECT_EQ(t.service_price("wheel_drop_recovery"), 17000);
    EXPECT_EQ(t.service_price("car_wash"), 0) << "unknown service: 0";
    EXPECT_EQ(t.tow_per_km_yen, 700);
    EXPECT_EQ(t.additional_tire_yen, 4500);
    EXPECT_EQ(t.storage_per_day_yen, 3000);
    EXPECT_EQ(t.fuel_per_litre_yen, 200);
    EXPECT_EQ(t.cancellation_yen, 9000);
    ASSERT_EQ(t.extras.size(), 3u);
    const TariffExtra* dolly = t.find_extra("dolly");
    ASSERT_NE(dolly, nullptr);
    EXPECT_EQ(dolly->code, "dolly");
    EXPECT_EQ(dolly->name, "Dolly");
    EXPECT_EQ(dolly->clause, "第2条2(2)");
    EXPECT_EQ(dolly->unit_yen, std::optional<std::int64_t>(8000));
    const TariffExtra* toll = t.find_extra("toll_road");
    ASSERT_NE(toll, nullptr);
    EXPECT_EQ(toll->unit_yen, std::nullopt) << "実費";
    EXPECT_FALSE(toll->not_billed_on_light_recovery) << "absent: billed as usual";
    const TariffExtra* staff = t.find_extra("extra_staff");
    ASSERT_NE(staff, nullptr);
    EXPECT_TRUE(staff->not_billed_on_light_recovery) << "第2条2(12)";
    EXPECT_EQ(t.find_extra("crane"), nullptr);
    EXPECT_EQ(t.find_extra("Dolly"), nullptr);
}

TEST(LoadTariff, AcceptsTheBoundaries) {
    struct Case {
        std::string why;
        std::string from;
        std::string to;
    };
    // clang-format off
    const Case cases[] = {
        {"price 0 (a free item is still priced)", R"("cancellation_yen": 9000)",
         R"("cancellation_yen": 0)"},
        {"price 10,000,000", R"("tow": 16000)", R"("tow": 10000000)"},
        {"no comment", R"("_comment": "test tariff",)", ""},
        {"no extras", kExtras, "[]"},
        {"code of 40 characters", R"("code": "dolly")",
         R"("code": "a234567890123456789012345678901234567890")"},
        {"code with digits and underscores", R"("code": "dolly")", R"("code": "dolly_2")"},
    };
    // clang-format on
    for (const Case& c : cases) {
        EXPECT_NO_THROW(load_text(replace(valid_tariff_json(), c.from, c.to))) << c.why;
    }
}

struct BadCase {
    std::string why;
    std::string from;
    std::string to;
    std::string field;  // must appear in the message, quoted
};

TEST(LoadTariff, RejectsInvalidFilesNamingTheField) {
    // clang-format off
    const BadCase cases[] = {
        // Every service must be priced: a missing one would bill the warranty 0 yen.
        {"missing service", R"("tow": 16000,)", "", "\"service_yen.tow\""},
        {"unknown service", R"("lockout": 11000,)", R"("lockout": 11000, "car_wash": 1,)",
         "\"service_yen.car_wash\""},
        {"service_yen not an object", kServiceYen, "[11000]", "\"service_yen\""},
        {"missing service_yen", R"("service_yen": )" + kServiceYen + ",", "", "\"service_yen\""},
        {"negative price", R"("tow_per_km_yen": 700)", R"("tow_per_km_yen": -700)",
         "\"tow_per_km_yen\""},
        {"negative service price", R"("lockout": 11000)", R"("lockout": -1)",
         "\"service_yen.lockout\""},
        {"fractional price", R"("fuel_per_litre_yen": 200)", R"("fuel_per_litre_yen": 199.5)",
         "\"fuel_per_litre_yen\""},
        {"integral float price", R"("fuel_per_litre_yen": 200)", R"("fuel_per_litre_yen": 200.0)",
         "\"fuel_per_litre_yen\""},
        {"price as a string", R"("storage_per_day_yen": 3000)", R"("storage_per_day_yen": "3000")",
         "\"storage_per_day_yen\""},
        {"price above 10,000,000", R"("cancellation_yen": 9000)",
         R"("cancellation_yen": 10000001)", "\"cancellation_yen\""},
        {"price above int64", R"("cancellation_yen": 9000)",
         R"("cancellation_yen": 18446744073709551615)", "\"cancellation_yen\""},
        {"price null", R"("cancellation_yen": 9000)", R"("cancellation_yen": null)",
         "\"cancellation_yen\""},
        {"missing tow_per_km_yen", R"("tow_per_km_yen": 700,)", "", "\"tow_per_km_yen\""},
        {"missing additional_tire_yen (第1条1(3))", R"("additional_tire_yen": 4500,)", "",
         "\"additional_tire_yen\""},
        {"negative additional_tire_yen", R"("additional_tire_yen": 4500)",
         R"("additional_tire_yen": -1)", "\"additional_tire_yen\""},
        {"extra flag not a boolean", R"("not_billed_on_light_recovery": true)",
         R"("not_billed_on_light_recovery": "yes")",
         "\"extras[2].not_billed_on_light_recovery\""},
        {"extra code additional_tire is a billing line code", R"("code": "dolly")",
         R"("code": "additional_tire")", "\"extras[0].code\""},
        {"missing extras", ",\n  \"extras\": " + kExtras, "", "\"extras\""},
        {"unknown top-level key (misspelt)", R"("cancellation_yen": 9000)",
         R"("cancelation_yen": 9000)", "\"cancelation_yen\""},
        {"comment not text", R"("_comment": "test tariff")", R"("_comment": 1)", "\"_comment\""},
        {"extras not an array", kExtras, "1", "\"extras\""},
        {"extras an object", kExtras, R"({"dolly": 1})", "\"extras\""},
        {"extra not an object", kExtras, "[1]", "\"extras[0]\""},
        {"unknown extra key", R"("unit_yen": 8000)", R"("unit_yen": 8000, "per": "job")",
         "\"extras[0].per\""},
        {"bad extra code: capital", R"("code": "dolly")", R"("code": "Dolly")",
         "\"extras[0].code\""},
        {"bad extra code: hyphen", R"("code": "toll_road")", R"("code": "toll-road")",
         "\"extras[1].code\""},
        {"bad extra code: leading digit", R"("code": "dolly")", R"("code": "2dolly")",
         "\"extras[0].code\""},
        {"bad extra code: leading underscore", R"("code": "dolly")", R"("code": "_dolly")",
         "\"extras[0].code\""},
        {"bad extra code: 41 characters", R"("code": "dolly")",
         R"("code": "a2345678901234567890123456789012345678901")", "\"extras[0].code\""},
        {"bad extra code: empty", R"("code": "dolly")", R"("code": "")", "\"extras[0].code\""},
        {"bad extra code: Japanese", R"("code": "dolly")", R"("code": "ドーリー")",
         "\"extras[0].code\""},
        {"duplicate extra code", R"("code": "toll_road")", R"("code": "dolly")",
         "\"extras[1].code\""},
        {"extra code a billing line code", R"("code": "dolly")", R"("code": "tow_km")",
         "\"extras[0].code\""},
        {"extra code a service name", R"("code": "dolly")", R"("code": "lockout")",
         "\"extras[0].code\""},
        {"extra without name", R"("name": "Dolly", )", "", "\"extras[0].name\""},
        {"extra without clause", R"j("clause": "第2条2(2)", )j", "", "\"extras[0].clause\""},
        {"extra without unit_yen (null must be explicit)", R"(, "unit_yen": null)", "",
         "\"extras[1].unit_yen\""},
        {"extra with negative unit_yen", R"("unit_yen": 8000)", R"("unit_yen": -8000)",
         "\"extras[0].unit_yen\""},
        {"extra with fractional unit_yen", R"("unit_yen": 8000)", R"("unit_yen": 8000.5)",
         "\"extras[0].unit_yen\""},
    };
    // clang-format on
    for (const BadCase& c : cases) {
        try {
            load_text(replace(valid_tariff_json(), c.from, c.to));
            ADD_FAILURE() << c.why << ": accepted";
        } catch (const ConfigError& e) {
            const std::string what = e.what();
            EXPECT_NE(what.find("tariff.json"), std::string::npos) << c.why << ": " << what;
            EXPECT_NE(what.find(c.field), std::string::npos) << c.why << ": " << what;
        }
    }
}

TEST(LoadTariff, NotJsonOrNotAnObject) {
    for (const char* text : {"", "{", "not json", "[1, 2]", "\"text\"", "42"}) {
        try {
            load_text(text);
            ADD_FAILURE() << "accepted: " << text;
        } catch (const ConfigError& e) {
            EXPECT_NE(std::string(e.what()).find("tariff.json"), std::string::npos) << e.what();
        }
    }
}

TEST(LoadTariff, MissingFileOrADirectory) {
    try {
        load_tariff("/nonexistent/roadside/tariff.json");
        ADD_FAILURE() << "accepted a missing file";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/roadside/tariff.json"),
                  std::string::npos)
            << e.what();
    }
    const TempDir dir;
    EXPECT_THROW(load_tariff(dir.path()), ConfigError);
}

}  // namespace
}  // namespace roadside::config
