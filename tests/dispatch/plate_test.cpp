// Number plates (dispatch/plate.hpp): matching key (spec/api.md Contracts: "Plates are matched
// after normalisation (full-width/half-width, spaces)") and the 分類番号 digit that decides the
// 1・4・8 ナンバー distance limit (カーテンダー 加入規定 / 保証規定 第3条2, 買得典 走行距離制限).
#include "dispatch/plate.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace roadside::dispatch {
namespace {

struct NormalizeCase {
    const char* why;
    const char* plate;
    const char* key;
};

TEST(NormalizePlate, Table) {
    // clang-format off
    const NormalizeCase cases[] = {
        {"api.md: half-width with spaces", "品川 300 あ 1234", "品川300あ1234"},
        {"api.md: full-width digits and ideographic spaces", "品川　３００　あ　１２３４",
         "品川300あ1234"},
        {"hyphen between serial digits", "品川 300 あ 12-34", "品川300あ1234"},
        {"full-width hyphen-minus", "品川 300 あ 12－34", "品川300あ1234"},
        {"minus sign U+2212", "品川 300 あ 12−34", "品川300あ1234"},
        {"katakana middle dot padding (・・12)", "品川 300 あ ・・12", "品川300あ12"},
        {"half-width middle dot padding (･･12)", "品川 300 あ ･･12", "品川300あ12"},
        {"no spaces at all", "品川300あ1234", "品川300あ1234"},
        {"tabs and repeated spaces", "品川\t300   あ  1234 ", "品川300あ1234"},
        {"letters in the 分類番号 (full-width Ａ)", "品川 ３３Ａ あ 1234", "品川33Aあ1234"},
        {"hiragana region name", "なにわ 500 さ 1", "なにわ500さ1"},
        {"kana is kept as is (not folded to katakana)", "品川 300 ア 1234", "品川300ア1234"},
        {"empty", "", ""},
    };
    // clang-format on
    for (const auto& c : cases) EXPECT_EQ(normalize_plate(c.plate), c.key) << c.why;
}

TEST(NormalizePlate, DifferentPlatesStayDifferent) {
    // Normalisation must not merge plates that differ in region, class, kana or serial.
    const char* base = "品川 300 あ 1234";
    for (const char* other : {"品川 500 あ 1234", "横浜 300 あ 1234", "品川 300 い 1234",
                              "品川 300 あ 1235", "品川 30 あ 1234"}) {
        EXPECT_NE(normalize_plate(base), normalize_plate(other)) << other;
    }
}

struct ClassCase {
    const char* why;
    const char* plate;
    std::optional<int> digit;
};

TEST(PlateClassDigit, Table) {
    // clang-format off
    const ClassCase cases[] = {
        {"3ナンバー (small/ordinary passenger)", "品川 300 あ 1234", 3},
        {"5ナンバー", "品川 500 あ 1234", 5},
        {"1ナンバー (ordinary cargo)", "品川 100 あ 1234", 1},
        {"4ナンバー (small cargo)", "品川 400 あ 1234", 4},
        {"8ナンバー (special use)", "品川 800 さ 1234", 8},
        {"kei cargo 480", "品川 480 あ 1234", 4},
        {"kei passenger 580", "品川 580 あ 1234", 5},
        {"two-digit class (older plates)", "品川 11 あ 1234", 1},
        {"one-digit class (oldest plates)", "品川 4 あ 1234", 4},
        {"letters in the class: 30A", "品川 30A あ 1234", 3},
        {"full-width digits", "品川　１００　あ　１２３４", 1},
        {"full-width class with letter", "品川　４ＡＢ　あ　１２３４", 4},
        {"hiragana region", "なにわ 800 さ 12-34", 8},
        {"no spaces", "横浜100た5678", 1},
        {"no class: region, kana, serial", "品川 あ 1234", std::nullopt},
        {"digits without a kana are the serial, not a class", "室蘭 1234", std::nullopt},
        {"no region name", "300 あ 1234", std::nullopt},
        {"class starts with a letter", "品川 A00 あ 1234", std::nullopt},
        {"empty", "", std::nullopt},
        {"region only", "品川", std::nullopt},
    };
    // clang-format on
    for (const auto& c : cases) EXPECT_EQ(plate_class_digit(c.plate), c.digit) << c.why;
}

}  // namespace
}  // namespace roadside::dispatch
