// The product catalogue (config/products.hpp, config/products/*.json): every required plan of
// spec/api.md exists, and the facts that the road-service rules depend on match the source
// documents (spec/rules.md §1; seeds/000 Aucnet, seeds/001 Cartender, seeds/004 買得典).
#include "config/products.hpp"

#include "../spec_product_ids.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace roadside::config {
namespace {

namespace fs = std::filesystem;

fs::path products_dir() {
    if (const char* src = std::getenv("ROADSIDE_SOURCE_DIR")) {
        return fs::path(src) / "config" / "products";
    }
    return fs::path(__FILE__).parent_path().parent_path().parent_path() / "config" / "products";
}

const ProductCatalog& catalog() {
    static const ProductCatalog c = load_products(products_dir());
    return c;
}

using test_support::TempDir;

// spec/api.md "Products": one id per plan in the source documents.
const std::vector<std::string>& kRequiredIds = roadside::testing::kSpecProductIds;

TEST(ProductCatalog, EveryFileLoadsAndEveryRequiredIdExists) {
    const ProductCatalog& c = catalog();
    std::set<std::string> ids;
    for (const Product& p : c.all()) ids.insert(p.id);
    EXPECT_EQ(ids, std::set<std::string>(kRequiredIds.begin(), kRequiredIds.end()));
    EXPECT_EQ(c.all().size(), 15u);
    for (const std::string& id : kRequiredIds) {
        const Product* p = c.find(id);
        ASSERT_NE(p, nullptr) << id;
        EXPECT_EQ(p->id, id);
    }
    // Every *.json in the directory is one of them (a stray file would be loaded too).
    int files = 0;
    for (const auto& entry : fs::directory_iterator(products_dir())) {
        if (entry.path().extension() == ".json") ++files;
    }
    EXPECT_EQ(files, 15);
}

TEST(ProductCatalog, SortedByIdAndFindsNothingUnknown) {
    const ProductCatalog& c = catalog();
    for (std::size_t i = 1; i < c.all().size(); ++i) {
        EXPECT_LT(c.all()[i - 1].id, c.all()[i].id);
    }
    EXPECT_EQ(c.find("kaitokuten-deluxe"), nullptr);
    EXPECT_EQ(c.find(""), nullptr);
    EXPECT_EQ(c.find("Kaitokuten-Basic"), nullptr);
    EXPECT_EQ(c.find("kaitokuten-basic.json"), nullptr);
}

// The facts, plan by plan. Sources:
//   road service — seeds/001 全保証プランに付帯; seeds/004 ロードサービス(無料付帯) プレミアム、
//     ベーシック、レクサス、GTプランのみ; Aucnet: not stated, so not included (rules.md §1).
//   免責期間 — seeds/001 名義変更日から1ヵ月; seeds/004 1ヶ月間, 輸入車プラン 2ヶ月間.
//   免責ゼロ特約 — seeds/004 プレミアム・ベーシック・レクサス・GT・VT (ミニマム、輸入車は対象外);
//     seeds/000 Aucnet オプション 免責ゼロ.
//   terms — seeds/001 国産 1年・2年・3年, 輸入車 ライト 6カ月 / スタンダード 1年;
//     seeds/004 プレミアム/レクサス/GT 1年～3年, ベーシック 1年～5年, ミニマム/VT/輸入車 1年;
//     seeds/000 1年/2年, 延長1年 (3年).
//   distance limits — seeds/001 1･4ナンバー and 法人名義 15,000㎞×加入年数 (輸入車: 法人名義);
//     seeds/004 1・4・8ナンバー、法人名義 15,000km×加入年数, 輸入車 法人名義, VT 50,000km.
struct FactCase {
    const char* id;
    const char* provider;
    const char* origin;
    bool road_service;
    int deductible_months;
    bool zero_deductible_option;
    std::vector<int> term_months;
    bool corporate_limited;
    std::vector<int> plate_classes;
    std::int64_t km_per_year;
    std::optional<std::int64_t> fixed_km;
};

TEST(ProductFacts, MatchTheSourceDocuments) {
    // clang-format off
    const FactCase cases[] = {
        {"cartender-domestic-standard", "cartender", "domestic", true, 1, false, {12, 24, 36},
         true, {1, 4}, 15'000, std::nullopt},
        {"cartender-domestic-premium", "cartender", "domestic", true, 1, false, {12, 24, 36}, true,
         {1, 4}, 15'000, std::nullopt},
        {"cartender-import-light", "cartender", "import", true, 1, false, {6}, true, {}, 15'000,
         std::nullopt},
        {"cartender-import-standard", "cartender", "import", true, 1, false, {12}, true, {},
         15'000, std::nullopt},
        {"kaitokuten-premium", "kaitokuten", "domestic", true, 1, true, {12, 24, 36}, true,
         {1, 4, 8}, 15'000, std::nullopt},
        {"kaitokuten-basic", "kaitokuten", "domestic", true, 1, true, {12, 24, 36, 48, 60}, true,
         {1, 4, 8}, 15'000, std::nullopt},
        {"kaitokuten-minimum", "kaitokuten", "domestic", false, 1, false, {12}, true, {1, 4, 8},
         15'000, std::nullopt},
        {"kaitokuten-lexus", "kaitokuten", "domestic", true, 1, true, {12, 24, 36}, true,
         {1, 4, 8}, 15'000, std::nullopt},
        {"kaitokuten-gt", "kaitokuten", "domestic", true, 1, true, {12, 24, 36}, true, {1, 4, 8},
         15'000, std::nullopt},
        {"kaitokuten-vt", "kaitokuten", "domestic", false, 1, true, {12}, false, {}, 0, 50'000},
        {"kaitokuten-import", "kaitokuten", "import", false, 2, false, {12}, true, {}, 15'000,
         std::nullopt},
        {"aucnet-simple", "aucnet", "domestic", false, 1, true, {12, 24, 36}, false, {}, 0,
         std::nullopt},
        {"aucnet-basic", "aucnet", "domestic", false, 1, true, {12, 24, 36}, false, {}, 0,
         std::nullopt},
        {"aucnet-premium", "aucnet", "domestic", false, 1, true, {12, 24, 36}, false, {}, 0,
         std::nullopt},
        {"aucnet-platinum", "aucnet", "domestic", false, 1, true, {12, 24, 36}, false, {}, 0,
         std::nullopt},
    };
    // clang-format on
    ASSERT_EQ(std::size(cases), kRequiredIds.size());
    for (const auto& c : cases) {
        const Product* p = catalog().find(c.id);
        ASSERT_NE(p, nullptr) << c.id;
        EXPECT_EQ(p->provider, c.provider) << c.id;
        EXPECT_EQ(p->origin, c.origin) << c.id;
        EXPECT_EQ(p->road_service, c.road_service) << c.id << ": road service";
        EXPECT_EQ(p->deductible_months, c.deductible_months) << c.id << ": 免責期間";
        EXPECT_EQ(p->zero_deductible_option, c.zero_deductible_option) << c.id << ": 免責ゼロ特約";
        EXPECT_EQ(p->term_months, c.term_months) << c.id << ": 保証期間";
        EXPECT_EQ(p->max_term_months(), c.term_months.back()) << c.id;
        EXPECT_EQ(p->mileage.corporate, c.corporate_limited) << c.id << ": 法人名義";
        EXPECT_EQ(p->mileage.plate_classes, c.plate_classes) << c.id << ": ナンバー";
        EXPECT_EQ(p->mileage.km_per_year, c.km_per_year) << c.id;
        EXPECT_EQ(p->mileage.fixed_km, c.fixed_km) << c.id;
        // ロードサービス規定 第1条2(1) 50㎞までを限度; 第1条3(1) 直線距離100㎞以上.
        EXPECT_EQ(p->free_tow_km, 50) << c.id;
        EXPECT_EQ(p->remote_support_min_km, 100) << c.id;
        EXPECT_FALSE(p->name.empty()) << c.id;
        EXPECT_FALSE(p->sources.empty()) << c.id << ": every file names its sources";
    }
}

TEST(ProductFacts, SummaryRules) {
    // rules.md §1, read across the catalogue rather than plan by plan.
    std::set<std::string> with_road_service;
    std::set<std::string> two_month_deductible;
    std::set<std::string> zero_option;
    for (const Product& p : catalog().all()) {
        if (p.road_service) with_road_service.insert(p.id);
        if (p.deductible_months == 2) two_month_deductible.insert(p.id);
        if (p.zero_deductible_option) zero_option.insert(p.id);
        // 免責ゼロ特約: 国産車に限り.
        if (p.zero_deductible_option) {
            EXPECT_EQ(p.origin, "domestic") << p.id;
        }
        // The 免責期間 must end inside the shortest term.
        EXPECT_LT(p.deductible_months, p.term_months.front()) << p.id;
    }
    EXPECT_EQ(with_road_service,
              (std::set<std::string>{"cartender-domestic-standard", "cartender-domestic-premium",
                                     "cartender-import-light", "cartender-import-standard",
                                     "kaitokuten-premium", "kaitokuten-basic", "kaitokuten-lexus",
                                     "kaitokuten-gt"}));
    EXPECT_EQ(two_month_deductible, (std::set<std::string>{"kaitokuten-import"}));
    EXPECT_EQ(zero_option,
              (std::set<std::string>{"kaitokuten-premium", "kaitokuten-basic", "kaitokuten-lexus",
                                     "kaitokuten-gt", "kaitokuten-vt", "aucnet-simple",
                                     "aucnet-basic", "aucnet-premium", "aucnet-platinum"}));
}

TEST(ProductFacts, OffersTerm) {
    struct Case {
        const char* id;
        int months;
        bool offered;
    };
    // clang-format off
    const Case cases[] = {
        {"kaitokuten-basic", 12, true},        {"kaitokuten-basic", 60, true},
        {"kaitokuten-basic", 48, true},        {"kaitokuten-basic", 72, false},
        {"kaitokuten-basic", 6, false},        {"kaitokuten-premium", 36, true},
        {"kaitokuten-premium", 48, false},     {"kaitokuten-minimum", 24, false},
        {"cartender-import-light", 6, true},   {"cartender-import-light", 12, false},
        {"cartender-import-standard", 6, false}, {"cartender-domestic-standard", 18, false},
        {"aucnet-basic", 36, true},            {"aucnet-basic", 0, false},
    };
    // clang-format on
    for (const auto& c : cases) {
        EXPECT_EQ(catalog().find(c.id)->offers_term(c.months), c.offered)
            << c.id << " " << c.months << " months";
    }
}

// ---------------------------------------------------------------------------------------------
// Unusable files are refused at start with a message that names the file and the field.

std::string valid_product_json(const std::string& id) {
    return R"({"id": ")" + id + R"(", "provider": "kaitokuten", "name": "テスト",
        "origin": "domestic", "road_service": true, "deductible_months": 1,
        "zero_deductible_option": false, "term_months": [12, 24],
        "mileage_limit": {"corporate": true, "plate_classes": [1, 4, 8], "km_per_year": 15000,
                          "fixed_km": null},
        "free_tow_km": 50, "remote_support_min_km": 100, "sources": ["test"]})";
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
    const auto pos = text.find(from);
    if (pos == std::string::npos) throw std::logic_error("test fixture: no " + from);
    return text.replace(pos, from.size(), to);
}

TEST(ParseProduct, ValidFixture) {
    const Product p = parse_product(valid_product_json("x-plan"), "x-plan.json");
    EXPECT_EQ(p.id, "x-plan");
    EXPECT_EQ(p.term_months, (std::vector<int>{12, 24}));
    EXPECT_EQ(p.mileage.plate_classes, (std::vector<int>{1, 4, 8}));
    EXPECT_FALSE(p.mileage.fixed_km.has_value());
}

struct BadProductCase {
    const char* why;
    std::string from;
    std::string to;
    std::string message_part;  // the field the error must name
};

TEST(ParseProduct, RejectsWithFileAndField) {
    // clang-format off
    const BadProductCase cases[] = {
        {"missing id", R"("id": "x-plan", )", "", "\"id\""},
        {"empty name", R"("name": "テスト")", R"("name": "")", "\"name\""},
        {"unknown provider", R"("provider": "kaitokuten")", R"("provider": "toyota")",
         "\"provider\""},
        {"unknown origin", R"("origin": "domestic")", R"("origin": "overseas")", "\"origin\""},
        {"road_service as a string", R"("road_service": true)", R"("road_service": "yes")",
         "\"road_service\""},
        {"deductible 13 months", R"("deductible_months": 1)", R"("deductible_months": 13)",
         "\"deductible_months\""},
        {"negative deductible", R"("deductible_months": 1)", R"("deductible_months": -1)",
         "\"deductible_months\""},
        {"deductible as long as the shortest term", R"("term_months": [12, 24])",
         R"("term_months": [1, 24])", "\"deductible_months\""},
        {"empty term list", R"("term_months": [12, 24])", R"("term_months": [])",
         "\"term_months\""},
        {"terms not ascending", R"("term_months": [12, 24])", R"("term_months": [24, 12])",
         "\"term_months\""},
        {"duplicate term", R"("term_months": [12, 24])", R"("term_months": [12, 12])",
         "\"term_months\""},
        {"term 0", R"("term_months": [12, 24])", R"("term_months": [0, 12])", "\"term_months\""},
        {"term 121", R"("term_months": [12, 24])", R"("term_months": [12, 121])",
         "\"term_months\""},
        {"plate class 10", "[1, 4, 8]", "[1, 4, 10]", "\"mileage_limit.plate_classes\""},
        {"plate class as text", "[1, 4, 8]", R"(["1"])", "\"mileage_limit.plate_classes\""},
        {"mileage_limit missing corporate", R"("corporate": true, )", "",
         "\"mileage_limit.corporate\""},
        {"fixed_km zero", R"("fixed_km": null)", R"("fixed_km": 0)", "\"mileage_limit.fixed_km\""},
        {"free_tow_km as float", R"("free_tow_km": 50)", R"("free_tow_km": 50.5)",
         "\"free_tow_km\""},
        {"sources holding a number", R"("sources": ["test"])", R"("sources": [1])",
         "\"sources\""},
        {"missing remote_support_min_km", R"("remote_support_min_km": 100, )", "",
         "\"remote_support_min_km\""},
    };
    // clang-format on
    for (const auto& c : cases) {
        const std::string text = replace(valid_product_json("x-plan"), c.from, c.to);
        try {
            parse_product(text, "x-plan.json");
            ADD_FAILURE() << c.why << ": accepted";
        } catch (const ConfigError& e) {
            const std::string what = e.what();
            EXPECT_NE(what.find("x-plan.json"), std::string::npos) << c.why << ": " << what;
            EXPECT_NE(what.find(c.message_part), std::string::npos) << c.why << ": " << what;
        }
    }
}

TEST(ParseProduct, NotJsonOrNotAnObject) {
    for (const char* text : {"", "{", "not json", "[1, 2]", "\"text\"", "42"}) {
        try {
            parse_product(text, "broken.json");
            ADD_FAILURE() << "accepted: " << text;
        } catch (const ConfigError& e) {
            EXPECT_NE(std::string(e.what()).find("broken.json"), std::string::npos) << e.what();
        }
    }
}

TEST(LoadProducts, DirectoryErrors) {
    EXPECT_THROW(load_products("/nonexistent/roadside/products"), ConfigError);

    const TempDir empty;
    EXPECT_THROW(load_products(empty.path()), ConfigError) << "no product files";

    const TempDir only_other_files;
    only_other_files.write("README.md", "not a product");
    EXPECT_THROW(load_products(only_other_files.path()), ConfigError);
}

TEST(LoadProducts, IdMustEqualTheFileName) {
    const TempDir dir;
    dir.write("plan-a.json", valid_product_json("plan-b"));
    try {
        load_products(dir.path());
        ADD_FAILURE() << "accepted a file whose id differs from its name";
    } catch (const ConfigError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("plan-a.json"), std::string::npos) << what;
        EXPECT_NE(what.find("\"id\""), std::string::npos) << what;
    }
}

TEST(LoadProducts, OneBadFileFailsTheWholeCatalogue) {
    const TempDir dir;
    dir.write("plan-a.json", valid_product_json("plan-a"));
    dir.write("plan-b.json", replace(valid_product_json("plan-b"), R"("deductible_months": 1)",
                                     R"("deductible_months": "1")"));
    try {
        load_products(dir.path());
        ADD_FAILURE() << "accepted a broken file";
    } catch (const ConfigError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("plan-b.json"), std::string::npos) << what;
        EXPECT_NE(what.find("\"deductible_months\""), std::string::npos) << what;
    }
}

TEST(LoadProducts, LoadsOnlyJsonFiles) {
    const TempDir dir;
    dir.write("plan-a.json", valid_product_json("plan-a"));
    dir.write("plan-b.json", valid_product_json("plan-b"));
    dir.write("notes.txt", "ignored");
    fs::create_directories(dir.path() / "sub.json");  // a directory, not a file
    const ProductCatalog c = load_products(dir.path());
    ASSERT_EQ(c.all().size(), 2u);
    EXPECT_EQ(c.all()[0].id, "plan-a");
    EXPECT_EQ(c.all()[1].id, "plan-b");
    EXPECT_NE(c.find("plan-b"), nullptr);
}

}  // namespace
}  // namespace roadside::config
