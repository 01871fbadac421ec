// ロードサービス規定 第5条 (無料サービス対象車両): 車検証記載上、全長5,500㎜以下、全幅1,950㎜以下、
// 車両総重量3,000㎏以下の自家用四輪車のうち自家用7車種 — 自家用 普通/小型/軽四輪 × 乗用/貨物, and
// 特殊用途自動車 (キャンピング車のみ). Reasons come in the order of spec/api.md.
#include "dispatch/vehicle.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace roadside::dispatch {
namespace {

using RC = ReasonCode;

Vehicle eligible_car() {
    Vehicle v;
    v.plate = "品川 300 あ 1234";
    v.length_mm = 4690;
    v.width_mm = 1690;
    v.height_mm = 1990;
    v.gross_weight_kg = 2500;
    v.seating_capacity = 5;
    v.kind = VehicleKind::small;
    v.use = VehicleUse::passenger;
    v.private_use = true;
    v.body_shape = "箱型";
    return v;
}

std::string codes_text(const std::vector<RC>& codes) {
    std::string s = "[";
    for (const RC c : codes) s += std::string(s.size() > 1 ? ", " : "") + std::string(to_string(c));
    return s + "]";
}

std::vector<RC> codes_of(const std::vector<Reason>& reasons) {
    std::vector<RC> out;
    for (const Reason& r : reasons) out.push_back(r.code);
    return out;
}

struct CategoryCase {
    const char* why;
    VehicleKind kind;
    VehicleUse use;
    const char* body_shape;
    bool private_use;
    std::vector<RC> expected;
};

TEST(VehicleCategory, SevenPrivateUseCategoriesOfArticle5) {
    using K = VehicleKind;
    using U = VehicleUse;
    // clang-format off
    const CategoryCase cases[] = {
        // 第5条 自家用7車種.
        {"第5条 自家用普通乗用車", K::ordinary, U::passenger, "箱型", true, {}},
        {"第5条 自家用小型乗用車", K::small, U::passenger, "ステーションワゴン", true, {}},
        {"第5条 自家用軽四輪乗用車", K::kei, U::passenger, "箱型", true, {}},
        {"第5条 自家用普通貨物車", K::ordinary, U::cargo, "バン", true, {}},
        {"第5条 自家用小型貨物車", K::small, U::cargo, "ダンプ", true, {}},
        {"第5条 自家用軽四輪貨物車", K::kei, U::cargo, "バン", true, {}},
        {"第5条 特殊用途自動車 (キャンピング車のみ): 普通", K::ordinary, U::special, "キャンピング車",
         true, {}},
        {"第5条 特殊用途自動車 (キャンピング車のみ): 小型", K::small, U::special, "キャンピング車",
         true, {}},
        {"第5条 特殊用途自動車 (キャンピング車のみ): 軽キャンパー", K::kei, U::special,
         "キャンピング車", true, {}},
        {"camper written as キャンピングカー", K::ordinary, U::special, "キャンピングカー", true, {}},
        {"camper written in English", K::small, U::special, "camper", true, {}},
        {"camper with surrounding full-width spaces", K::ordinary, U::special, "　キャンピング車　",
         true, {}},
        // Other 特種 bodies are not in the seven categories.
        {"第5条: 特種 冷蔵冷凍車 is not a camper", K::ordinary, U::special, "冷蔵冷凍車", true,
         {RC::vehicle_type_not_covered}},
        {"第5条: 特種 救急車", K::ordinary, U::special, "救急車", true,
         {RC::vehicle_type_not_covered}},
        {"第5条: 特種 with an empty body shape", K::small, U::special, "", true,
         {RC::vehicle_type_not_covered}},
        // Buses, 大型特殊, 小型特殊 and two-wheelers are outside 自家用四輪車 7車種.
        {"第5条: 乗合 (bus)", K::ordinary, U::bus, "マイクロバス", true,
         {RC::vehicle_type_not_covered}},
        {"第5条: 大型特殊", K::large_special, U::special, "ホイールローダ", true,
         {RC::vehicle_type_not_covered}},
        {"第5条: 大型特殊 even with a camper body", K::large_special, U::special, "キャンピング車",
         true, {RC::vehicle_type_not_covered}},
        {"第5条: 小型特殊", K::small_special, U::cargo, "農耕作業用", true,
         {RC::vehicle_type_not_covered}},
        {"第5条: two_wheel kind", K::two_wheel, U::passenger, "オートバイ", true,
         {RC::vehicle_type_not_covered}},
        {"第5条: 小型二輪 (kind small, body オートバイ)", K::small, U::passenger, "オートバイ", true,
         {RC::vehicle_type_not_covered}},
        {"第5条: 側車付オートバイ", K::small, U::passenger, "側車付オートバイ", true,
         {RC::vehicle_type_not_covered}},
        {"第5条: スクーター", K::small, U::passenger, "スクーター", true,
         {RC::vehicle_type_not_covered}},
        {"第5条: body 二輪", K::small, U::passenger, "二輪自動車", true,
         {RC::vehicle_type_not_covered}},
        {"第5条: body ２輪 in full-width digits", K::small, U::passenger, "２輪", true,
         {RC::vehicle_type_not_covered}},
        {"第5条: body 2輪 in ASCII digits", K::small, U::passenger, "2輪", true,
         {RC::vehicle_type_not_covered}},
        // 事業用 is outside 自家用 whatever the category.
        {"第5条: 事業用 普通乗用 (taxi): only not-private", K::ordinary, U::passenger, "箱型", false,
         {RC::vehicle_not_private_use}},
        {"第5条: 事業用 軽貨物 (黒ナンバー)", K::kei, U::cargo, "バン", false,
         {RC::vehicle_not_private_use}},
        {"第5条: 事業用 bus fails both", K::ordinary, U::bus, "マイクロバス", false,
         {RC::vehicle_not_private_use, RC::vehicle_type_not_covered}},
        {"第5条: 事業用 camper", K::ordinary, U::special, "キャンピング車", false,
         {RC::vehicle_not_private_use}},
    };
    // clang-format on
    for (const auto& c : cases) {
        Vehicle v = eligible_car();
        v.kind = c.kind;
        v.use = c.use;
        v.body_shape = c.body_shape;
        v.private_use = c.private_use;
        const auto got = codes_of(check_vehicle(v));
        EXPECT_EQ(got, c.expected)
            << c.why << ": got " << codes_text(got) << ", expected " << codes_text(c.expected);
    }
}

struct SizeCase {
    const char* why;
    int length_mm;
    int width_mm;
    int gross_weight_kg;
    std::vector<RC> expected;
};

TEST(VehicleSize, InclusiveLimitsOfArticle5) {
    // clang-format off
    const SizeCase cases[] = {
        {"第5条: every limit exactly (5,500 / 1,950 / 3,000) is eligible", 5500, 1950, 3000, {}},
        {"第5条 全長5,500㎜以下: 5,501 mm", 5501, 1950, 3000, {RC::vehicle_too_long}},
        {"第5条 全幅1,950㎜以下: 1,951 mm", 5500, 1951, 3000, {RC::vehicle_too_wide}},
        {"第5条 車両総重量3,000㎏以下: 3,001 kg", 5500, 1950, 3001, {RC::vehicle_too_heavy}},
        {"第5条: kei-size car", 3395, 1475, 1030, {}},
        {"第5条: long and heavy", 6000, 1900, 3500,
         {RC::vehicle_too_long, RC::vehicle_too_heavy}},
        {"第5条: all three over, in api.md order", 5501, 1951, 3001,
         {RC::vehicle_too_long, RC::vehicle_too_wide, RC::vehicle_too_heavy}},
        {"第5条: 1 mm under every limit", 5499, 1949, 2999, {}},
    };
    // clang-format on
    for (const auto& c : cases) {
        Vehicle v = eligible_car();
        v.length_mm = c.length_mm;
        v.width_mm = c.width_mm;
        v.gross_weight_kg = c.gross_weight_kg;
        const auto got = codes_of(check_vehicle(v));
        EXPECT_EQ(got, c.expected)
            << c.why << ": got " << codes_text(got) << ", expected " << codes_text(c.expected);
    }
}

TEST(VehicleSize, ReasonsCarryTheMeasureAndTheLimit) {
    Vehicle v = eligible_car();
    v.length_mm = 5501;
    v.width_mm = 1951;
    v.gross_weight_kg = 3001;
    const auto reasons = check_vehicle(v);
    ASSERT_EQ(reasons.size(), 3u);
    using D = std::vector<std::pair<std::string, DetailValue>>;
    EXPECT_EQ(reasons[0].details,
              (D{{"length_mm", std::int64_t{5501}}, {"max_length_mm", std::int64_t{5500}}}));
    EXPECT_EQ(reasons[1].details,
              (D{{"width_mm", std::int64_t{1951}}, {"max_width_mm", std::int64_t{1950}}}));
    EXPECT_EQ(reasons[2].details, (D{{"gross_weight_kg", std::int64_t{3001}},
                                     {"max_gross_weight_kg", std::int64_t{3000}}}));
    for (const Reason& r : reasons) {
        EXPECT_NE(r.clause.find("第5条"), std::string::npos) << to_string(r.code);
        EXPECT_FALSE(r.message.empty()) << to_string(r.code);
    }
}

TEST(VehicleCheck, EveryVehicleReasonAtOnceInApiOrder) {
    // spec/api.md: vehicle_not_private_use, vehicle_type_not_covered, vehicle_too_long,
    // vehicle_too_wide, vehicle_too_heavy.
    Vehicle v = eligible_car();
    v.private_use = false;
    v.kind = VehicleKind::large_special;
    v.use = VehicleUse::special;
    v.body_shape = "クレーン車";
    v.length_mm = 9000;
    v.width_mm = 2490;
    v.gross_weight_kg = 20000;
    const std::vector<RC> expected = {RC::vehicle_not_private_use, RC::vehicle_type_not_covered,
                                      RC::vehicle_too_long, RC::vehicle_too_wide,
                                      RC::vehicle_too_heavy};
    EXPECT_EQ(codes_of(check_vehicle(v)), expected);
}

TEST(VehicleShape, CamperAndTwoWheelDetection) {
    struct Case {
        const char* shape;
        bool camper;
        bool two_wheel;
    };
    // clang-format off
    const Case cases[] = {
        {"キャンピング車", true, false}, {"キャンピングカー", true, false},
        {"camper", true, false},         {"Camper", true, false},
        {"箱型", false, false},          {"キャンプ用品運搬", false, false},
        {"オートバイ", false, true},     {"側車付オートバイ", false, true},
        {"スクーター", false, true},     {"二輪", false, true},
        {"２輪", false, true},           {"2輪", false, true},
        {"", false, false},              {"三輪", false, false},
    };
    // clang-format on
    for (const auto& c : cases) {
        EXPECT_EQ(is_camper(c.shape), c.camper) << c.shape;
        EXPECT_EQ(is_two_wheel_shape(c.shape), c.two_wheel) << c.shape;
    }
}

TEST(VehicleEnums, NamesOfApiRoundTrip) {
    // spec/api.md Contracts: vehicle.kind and vehicle.use values.
    for (const auto& [name, kind] :
         {std::pair{"ordinary", VehicleKind::ordinary}, std::pair{"small", VehicleKind::small},
          std::pair{"kei", VehicleKind::kei},
          std::pair{"large_special", VehicleKind::large_special},
          std::pair{"small_special", VehicleKind::small_special},
          std::pair{"two_wheel", VehicleKind::two_wheel}}) {
        EXPECT_EQ(to_string(kind), name);
        EXPECT_EQ(parse_vehicle_kind(name), kind) << name;
    }
    for (const auto& [name, use] :
         {std::pair{"passenger", VehicleUse::passenger}, std::pair{"cargo", VehicleUse::cargo},
          std::pair{"bus", VehicleUse::bus}, std::pair{"special", VehicleUse::special}}) {
        EXPECT_EQ(to_string(use), name);
        EXPECT_EQ(parse_vehicle_use(name), use) << name;
    }
    for (const char* bad : {"", "Ordinary", "ordinary ", "普通", "truck", "light"}) {
        EXPECT_FALSE(parse_vehicle_kind(bad).has_value()) << bad;
    }
    for (const char* bad : {"", "Passenger", "乗用", "freight", "camper"}) {
        EXPECT_FALSE(parse_vehicle_use(bad).has_value()) << bad;
    }
}

}  // namespace
}  // namespace roadside::dispatch
