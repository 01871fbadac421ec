#include "core/text.hpp"

#include <gtest/gtest.h>

namespace roadside::core {
namespace {

TEST(Text, FullWidthToHalfWidth) {
    EXPECT_EQ(to_halfwidth("ＬＡ１００Ｓ－００４４１０８８８３"), "LA100S-0044108883");
    EXPECT_EQ(to_halfwidth("品川　３００　あ　１２３４"), "品川 300 あ 1234");
    EXPECT_EQ(to_halfwidth("小　型"), "小 型");
    EXPECT_EQ(to_halfwidth("ヤマダ タロウ"), "ヤマダ タロウ") << "kana stays as it is";
    EXPECT_EQ(to_halfwidth("A\u2212B\u2010C"), "A-B-C");
}

TEST(Text, Identifiers) {
    EXPECT_EQ(normalize_identifier("室蘭　５８０　お　　２２５"), "室蘭580お225");
    EXPECT_EQ(normalize_identifier(" 品川 300 あ 1234 "), "品川300あ1234");
    EXPECT_EQ(collapse_spaces("  a \t b\n\nc  "), "a b c");
}

TEST(Text, Utf8) {
    EXPECT_TRUE(is_valid_utf8("品川"));
    EXPECT_FALSE(is_valid_utf8("\xC3\x28"));
    EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80")) << "surrogate";
    EXPECT_FALSE(is_valid_utf8("\xC0\xAF")) << "overlong";
    EXPECT_EQ(utf8_length("品川 300"), 6u);
}

}  // namespace
}  // namespace roadside::core
