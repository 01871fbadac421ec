// Bank accounts and the 全銀協 総合振込 file (billing/zengin.hpp): the JIS X 0201 kana conversion,
// account validation, the writer, the validator and the parser. Expected records are spelled out
// field by field from the format (120 bytes + CR LF; N right-aligned zero-filled, C left-aligned
// space-filled), not produced by the code under test.
#include "billing/zengin.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace roadside::billing {
namespace {

// ---------------------------------------------------------------------------------------------
// Helpers, independent of the code under test.

// Raw bytes.
std::string B(std::initializer_list<int> bytes) {
    std::string out;
    for (const int b : bytes) out.push_back(static_cast<char>(b));
    return out;
}

// UTF-8 of one code point.
std::string utf8(char32_t cp) {
    std::string out;
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
    return out;
}

// Half-width katakana and ASCII written in UTF-8 -> their JIS X 0201 bytes (U+FF61 -> 0xA1 …),
// so that expectations can be read: J("ｶﾞ") == B({0xB6, 0xDE}).
std::string J(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        const auto b0 = static_cast<unsigned char>(text[i]);
        if (b0 < 0x80) {
            out.push_back(static_cast<char>(b0));
            ++i;
            continue;
        }
        if ((b0 & 0xF0) != 0xE0 || i + 3 > text.size()) throw std::logic_error("J: not U+FFxx");
        const char32_t cp = ((b0 & 0x0F) << 12) |
                            ((static_cast<unsigned char>(text[i + 1]) & 0x3F) << 6) |
                            (static_cast<unsigned char>(text[i + 2]) & 0x3F);
        if (cp < 0xFF61 || cp > 0xFF9F) throw std::logic_error("J: not half-width katakana");
        out.push_back(static_cast<char>(cp - 0xFF61 + 0xA1));
        i += 3;
    }
    return out;
}

std::string pad(std::string s, std::size_t width) {
    if (s.size() > width) throw std::logic_error("pad: too long");
    s.append(width - s.size(), ' ');
    return s;
}

std::string repeat(std::string_view s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out.append(s);
    return out;
}

core::Date d(int y, unsigned m, unsigned dd) {
    return core::Date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{dd}};
}

// ---------------------------------------------------------------------------------------------
// to_zengin_kana / is_zengin_text

struct KanaCase {
    const char* why;
    std::string input;
    std::string expected;  // JIS X 0201 bytes
};

TEST(KanaConversion, Table) {
    // clang-format off
    const KanaCase cases[] = {
        {"voiced: ガ -> ｶﾞ, two bytes", "ガ", B({0xB6, 0xDE})},
        {"semi-voiced: パ -> ﾊﾟ", "パ", B({0xCA, 0xDF})},
        {"ヴ -> ｳﾞ", "ヴ", B({0xB3, 0xDE})},
        {"small tsu made large", "ッ", B({0xC2})},
        {"small ya yu yo made large", "ャュョ", B({0xD4, 0xD5, 0xD6})},
        {"small vowels made large", "ァィゥェォ", B({0xB1, 0xB2, 0xB3, 0xB4, 0xB5})},
        {"small wa made large", "ヮ", B({0xDC})},
        {"small ka / ke made large", "ヵヶ", B({0xB6, 0xB9})},
        {"wo is 0xA6", "ヲ", B({0xA6})},
        {"n is 0xDD", "ン", B({0xDD})},
        {"ヰ ヱ -> ｲ ｴ", "ヰヱ", B({0xB2, 0xB4})},
        {"long vowel mark -> '-'", "ー", "-"},
        {"ideographic space -> ' '", "ア　イ", B({0xB1, ' ', 0xB2})},
        {"half-width kana kept", "ｼｹﾝ ﾊﾅｺ", B({0xBC, 0xB9, 0xDD, ' ', 0xCA, 0xC5, 0xBA})},
        {"half-width voiced kept", "ｶﾞﾊﾟ", B({0xB6, 0xDE, 0xCA, 0xDF})},
        {"small half-width made large", "ｧｨｩｪｫｬｭｮｯ",
         B({0xB1, 0xB2, 0xB3, 0xB4, 0xB5, 0xD4, 0xD5, 0xD6, 0xC2})},
        {"half-width long vowel -> '-'", "ｱｰ", B({0xB1, '-'})},
        {"full-width latin and digits", "ＡＢＣ１２３", "ABC123"},
        {"lower case -> upper case", "abc", "ABC"},
        {"full-width lower case", "ａｂｃ", "ABC"},
        {"full-width brackets and punctuation", "（カ）．，／", B({'(', 0xB6, ')', '.', ',', '/'})},
        {"「」 -> ｢ ｣", "「ア」", B({0xA2, 0xB1, 0xA3})},
        {"half-width ｢ ｣ kept", "｢ｱ｣", B({0xA2, 0xB1, 0xA3})},
        {"・ -> '.'", "ア・イ", B({0xB1, '.', 0xB2})},
        {"full-width hyphen -> '-'", "ア－イ", B({0xB1, '-', 0xB2})},
        {"minus sign -> '-'", "ア\u2212イ", B({0xB1, '-', 0xB2})},
        {"yen / backslash", "\\", "\\"},
        {"inner runs of spaces kept, ends trimmed", "  ア  イ  ", B({0xB1, ' ', ' ', 0xB2})},
        {"full-width spaces at the ends trimmed", "　ア　", B({0xB1})},
        {"empty stays empty", "", ""},
        {"decomposed voiced mark (U+3099)", "カ\u3099", B({0xB6, 0xDE})},
    };
    // clang-format on
    for (const auto& c : cases) {
        const auto got = to_zengin_kana(c.input);
        ASSERT_TRUE(got.has_value()) << c.why;
        EXPECT_EQ(*got, c.expected) << c.why;
        EXPECT_TRUE(is_zengin_text(*got)) << c.why;
    }
}

TEST(KanaConversion, ExactBytesOfAName) {
    EXPECT_EQ(to_zengin_kana("ヤマダ　タロウ"),
              B({0xD4, 0xCF, 0xC0, 0xDE, 0x20, 0xC0, 0xDB, 0xB3}));
    EXPECT_EQ(to_zengin_kana("ヤマダ　タロウ"), J("ﾔﾏﾀﾞ ﾀﾛｳ"));
}

TEST(KanaConversion, GojuonRowsAreConsecutiveBytes) {
    // JIS X 0201 orders ｱ..ﾝ (0xB1..0xDD) exactly as the syllabary without ヲ.
    const std::string letters =
        "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン";
    std::string expected;
    for (int b = 0xB1; b <= 0xDD; ++b) expected.push_back(static_cast<char>(b));
    EXPECT_EQ(to_zengin_kana(letters), expected);

    std::string voiced_expected;
    for (const int base : {0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xBB, 0xBC, 0xBD, 0xBE, 0xBF, 0xC0, 0xC1,
                           0xC2, 0xC3, 0xC4, 0xCA, 0xCB, 0xCC, 0xCD, 0xCE}) {
        voiced_expected.append(B({base, 0xDE}));
    }
    EXPECT_EQ(to_zengin_kana("ガギグゲゴザジズゼゾダヂヅデドバビブベボ"), voiced_expected);
    EXPECT_EQ(to_zengin_kana("パピプペポ"),
              B({0xCA, 0xDF, 0xCB, 0xDF, 0xCC, 0xDF, 0xCD, 0xDF, 0xCE, 0xDF}));
    // Full width and half width give the same bytes.
    EXPECT_EQ(to_zengin_kana("ヴァイオリン　ショップ"), to_zengin_kana("ｳﾞｧｲｵﾘﾝ ｼｮｯﾌﾟ"));
}

TEST(KanaConversion, EveryKatakanaConverts) {
    for (char32_t cp = 0x30A1; cp <= 0x30F6; ++cp) {
        const auto got = to_zengin_kana(utf8(cp));
        ASSERT_TRUE(got.has_value()) << "U+" << std::hex << static_cast<std::uint32_t>(cp);
        EXPECT_TRUE(got->size() == 1 || got->size() == 2)
            << "U+" << std::hex << static_cast<std::uint32_t>(cp);
        EXPECT_TRUE(is_zengin_text(*got)) << "U+" << std::hex << static_cast<std::uint32_t>(cp);
        const auto first = static_cast<unsigned char>((*got)[0]);
        EXPECT_TRUE(first == 0xA6 || (first >= 0xB1 && first <= 0xDD))
            << "starts with a letter: U+" << std::hex << static_cast<std::uint32_t>(cp);
    }
    for (char32_t cp = 0xFF61; cp <= 0xFF9F; ++cp) {
        const auto got = to_zengin_kana(utf8(cp));
        if (got) {
            EXPECT_TRUE(is_zengin_text(*got)) << std::hex << static_cast<std::uint32_t>(cp);
        }
    }
}

TEST(KanaConversion, RejectsWhatHasNoZenginByte) {
    // clang-format off
    const std::pair<const char*, std::string> cases[] = {
        {"hiragana", "やまだ"},
        {"hiragana mixed with katakana", "ヤマだ"},
        {"kanji", "山田"},
        {"kanji among kana", "ヤマダ　太郎"},
        {"emoji", "ヤマダ\U0001F600"},
        {"'!' has no place in the Zengin set", "ア!"},
        {"'@'", "ア@イ"},
        {"full-width '！'", "ア！"},
        {"tab", "ア\tイ"},
        {"newline", "ア\nイ"},
        {"ideographic full stop", "ア。"},
        {"half-width ｡ (0xA1) is not in the set", "ｱ｡"},
        {"half-width ､ (0xA4) is not in the set", "ｱ､"},
        {"iteration mark ヽ", "アヽ"},
        {"raw JIS byte is not UTF-8", B({0xB6})},
        {"overlong UTF-8", B({0xC0, 0xAF})},
        {"latin with accent", "Ä"},
    };
    // clang-format on
    for (const auto& [why, input] : cases) {
        EXPECT_EQ(to_zengin_kana(input), std::nullopt) << why;
    }
}

TEST(ZenginText, CharacterSet) {
    EXPECT_TRUE(is_zengin_text(""));
    EXPECT_TRUE(is_zengin_text("ABCXYZ 0123456789()-./,\\"));
    for (const int b : {0xA2, 0xA3, 0xA6, 0xB1, 0xC0, 0xDD, 0xDE, 0xDF}) {
        EXPECT_TRUE(is_zengin_text(B({b}))) << b;
    }
    for (const int b : {int{'a'}, int{'z'}, int{'!'}, int{'@'}, int{'_'}, int{'\t'}, int{'\r'},
                        int{'\n'}, 0, 0x7F, 0x80, 0xA0, 0xA1, 0xA4, 0xA5, 0xA7, 0xAF, 0xB0, 0xE0,
                        0xFF}) {
        EXPECT_FALSE(is_zengin_text(B({b}))) << b;
        EXPECT_FALSE(is_zengin_text(B({'A', b, 'B'}))) << b;
    }
}

// ---------------------------------------------------------------------------------------------
// Accounts

BankAccount good_account() {
    return BankAccount{"0005", "001", AccountType::ordinary, "1234567", "ヤマダ　タロウ"};
}

struct AccountCase {
    const char* why;
    std::function<void(BankAccount&)> change;
    const char* field;  // nullptr when valid
    const char* code;
};

TEST(BankAccount, FieldEdges) {
    using A = BankAccount&;
    // clang-format off
    const AccountCase cases[] = {
        {"the base account", [](A) {}, nullptr, nullptr},
        {"bank: 4 digits", [](A a) { a.bank_code = "9999"; }, nullptr, nullptr},
        {"bank: 3 digits", [](A a) { a.bank_code = "005"; }, "bank_code", "invalid_bank_code"},
        {"bank: 5 digits", [](A a) { a.bank_code = "00050"; }, "bank_code", "invalid_bank_code"},
        {"bank: empty", [](A a) { a.bank_code = ""; }, "bank_code", "invalid_bank_code"},
        {"bank: full-width digits (the caller normalises)", [](A a) { a.bank_code = "０００５"; },
         "bank_code", "invalid_bank_code"},
        {"bank: a letter", [](A a) { a.bank_code = "00A5"; }, "bank_code", "invalid_bank_code"},
        {"bank: a space", [](A a) { a.bank_code = " 005"; }, "bank_code", "invalid_bank_code"},
        {"branch: 3 digits", [](A a) { a.branch_code = "000"; }, nullptr, nullptr},
        {"branch: 2 digits", [](A a) { a.branch_code = "01"; }, "branch_code", "invalid_branch_code"},
        {"branch: 4 digits", [](A a) { a.branch_code = "0001"; }, "branch_code", "invalid_branch_code"},
        {"branch: full-width", [](A a) { a.branch_code = "００１"; }, "branch_code",
         "invalid_branch_code"},
        {"branch: a letter", [](A a) { a.branch_code = "0a1"; }, "branch_code", "invalid_branch_code"},
        {"number: 7 digits", [](A a) { a.number = "0000000"; }, nullptr, nullptr},
        {"number: 6 digits", [](A a) { a.number = "123456"; }, "number", "invalid_account_number"},
        {"number: 8 digits", [](A a) { a.number = "12345678"; }, "number", "invalid_account_number"},
        {"number: full-width", [](A a) { a.number = "１２３４５６７"; }, "number",
         "invalid_account_number"},
        {"number: a letter", [](A a) { a.number = "123456X"; }, "number", "invalid_account_number"},
        {"number: a hyphen", [](A a) { a.number = "123-456"; }, "number", "invalid_account_number"},
        {"holder: 30 single-byte kana", [](A a) { a.holder_kana = repeat("ア", 30); }, nullptr, nullptr},
        {"holder: 31 single-byte kana", [](A a) { a.holder_kana = repeat("ア", 31); }, "holder_kana",
         "holder_kana_too_long"},
        {"holder: 15 voiced kana are 30 bytes", [](A a) { a.holder_kana = repeat("ガ", 15); },
         nullptr, nullptr},
        {"holder: 29 + a voiced kana are 31 bytes",
         [](A a) { a.holder_kana = repeat("ア", 29) + "ガ"; }, "holder_kana", "holder_kana_too_long"},
        {"holder: 28 + a voiced kana are 30 bytes",
         [](A a) { a.holder_kana = repeat("ア", 28) + "ガ"; }, nullptr, nullptr},
        {"holder: 16 voiced kana are 32 bytes", [](A a) { a.holder_kana = repeat("バ", 16); },
         "holder_kana", "holder_kana_too_long"},
        {"holder: spaces at the ends do not count",
         [](A a) { a.holder_kana = "　" + repeat("ア", 30) + "　"; }, nullptr, nullptr},
        {"holder: half-width", [](A a) { a.holder_kana = "ｼｹﾝ ﾊﾅｺ"; }, nullptr, nullptr},
        {"holder: company with brackets", [](A a) { a.holder_kana = "カ）ロードサービス"; }, nullptr,
         nullptr},
        {"holder: empty", [](A a) { a.holder_kana = ""; }, "holder_kana", "invalid_holder_kana"},
        {"holder: only spaces", [](A a) { a.holder_kana = "　 　"; }, "holder_kana",
         "invalid_holder_kana"},
        {"holder: kanji", [](A a) { a.holder_kana = "山田太郎"; }, "holder_kana",
         "invalid_holder_kana"},
        {"holder: hiragana", [](A a) { a.holder_kana = "やまだ"; }, "holder_kana",
         "invalid_holder_kana"},
        {"holder: no kana at all", [](A a) { a.holder_kana = "ABC"; }, "holder_kana",
         "invalid_holder_kana"},
        {"holder: only voiced marks", [](A a) { a.holder_kana = "ﾞﾞ"; }, "holder_kana",
         "invalid_holder_kana"},
        {"holder: a character outside the set", [](A a) { a.holder_kana = "ヤマダ!"; }, "holder_kana",
         "invalid_holder_kana"},
    };
    // clang-format on
    for (const auto& c : cases) {
        BankAccount a = good_account();
        c.change(a);
        const auto error = validate_bank_account(a);
        if (c.field == nullptr) {
            EXPECT_FALSE(error.has_value()) << c.why << ": " << (error ? error->code : "");
        } else {
            ASSERT_TRUE(error.has_value()) << c.why;
            EXPECT_EQ(error->field, c.field) << c.why;
            EXPECT_EQ(error->code, c.code) << c.why;
            EXPECT_FALSE(error->message.empty()) << c.why;
        }
    }
}

TEST(BankAccount, EveryTypeIsValid) {
    for (const auto type : {AccountType::ordinary, AccountType::current, AccountType::savings}) {
        BankAccount a = good_account();
        a.type = type;
        EXPECT_FALSE(validate_bank_account(a).has_value()) << to_string(type);
    }
}

TEST(BankAccountType, NamesAndCodes) {
    const std::tuple<AccountType, const char*, char> cases[] = {
        {AccountType::ordinary, "ordinary", '1'},
        {AccountType::current, "current", '2'},
        {AccountType::savings, "savings", '4'},
    };
    for (const auto& [type, name, code] : cases) {
        EXPECT_EQ(to_string(type), name);
        EXPECT_EQ(parse_account_type(name), type) << name;
        EXPECT_EQ(zengin_code(type), code) << name;
    }
    for (const char* bad : {"", "Ordinary", "1", "普通", "ordinary ", "checking"}) {
        EXPECT_EQ(parse_account_type(bad), std::nullopt) << bad;
    }
}

// ---------------------------------------------------------------------------------------------
// Requester

ZenginRequester requester() {
    ZenginRequester r;
    r.code = "123456";
    r.name_kana = "ロードサービス　カブシキガイシャ";
    r.bank_code = "0001";
    r.bank_name_kana = "ミズホ";
    r.branch_code = "100";
    r.branch_name_kana = "ホンテン";
    r.account_type = AccountType::current;
    r.account_number = "1234567";
    return r;
}

TEST(ZenginRequesterCheck, Edges) {
    using R = ZenginRequester&;
    // clang-format off
    const std::tuple<const char*, std::function<void(R)>, bool> cases[] = {
        {"the base requester", [](R) {}, true},
        {"code of 1 digit", [](R r) { r.code = "7"; }, true},
        {"code of 10 digits", [](R r) { r.code = "1234567890"; }, true},
        {"code of 11 digits", [](R r) { r.code = "12345678901"; }, false},
        {"empty code", [](R r) { r.code = ""; }, false},
        {"code with a letter", [](R r) { r.code = "12A"; }, false},
        {"name of 40 bytes", [](R r) { r.name_kana = repeat("ガ", 20); }, true},
        {"name of 41 bytes", [](R r) { r.name_kana = repeat("ガ", 20) + "ア"; }, false},
        {"empty name", [](R r) { r.name_kana = "　"; }, false},
        {"kanji name", [](R r) { r.name_kana = "株式会社"; }, false},
        {"bank code of 3 digits", [](R r) { r.bank_code = "001"; }, false},
        {"empty bank name", [](R r) { r.bank_name_kana = ""; }, true},
        {"bank name of 15 bytes", [](R r) { r.bank_name_kana = repeat("ア", 15); }, true},
        {"bank name of 16 bytes", [](R r) { r.bank_name_kana = repeat("ア", 14) + "ガ"; }, false},
        {"kanji bank name", [](R r) { r.bank_name_kana = "みずほ銀行"; }, false},
        {"branch code of 4 digits", [](R r) { r.branch_code = "1000"; }, false},
        {"empty branch name", [](R r) { r.branch_name_kana = ""; }, true},
        {"branch name of 16 bytes", [](R r) { r.branch_name_kana = repeat("ア", 16); }, false},
        {"account number of 6 digits", [](R r) { r.account_number = "123456"; }, false},
    };
    // clang-format on
    for (const auto& [why, change, ok] : cases) {
        ZenginRequester r = requester();
        change(r);
        const auto problem = validate_requester(r);
        EXPECT_EQ(!problem.has_value(), ok) << why << ": " << problem.value_or("");
        if (!ok) {
            EXPECT_THROW(make_zengin_file(r, d(2026, 3, 5), {}), ZenginError) << why;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The file

constexpr std::size_t kLine = 122;  // 120 bytes + CR LF

std::vector<ZenginTransfer> three_transfers() {
    return {
        {BankAccount{"0005", "001", AccountType::ordinary, "0000001", "ヤマダ　タロウ"}, 12345,
         "C0001"},
        {BankAccount{"0009", "123", AccountType::current, "7654321", "スズキ　ハナコ"},
         9'999'999'999, ""},
        {BankAccount{"0310", "999", AccountType::savings, "1000000", "ｼｹﾝ ﾊﾅｺ"}, 1, "ABC123"},
    };
}

const std::string& valid_file() {
    static const std::string file = make_zengin_file(requester(), d(2026, 3, 5), three_transfers());
    return file;
}

std::string_view record(std::string_view file, int n) {  // n from 1, without CR LF
    return file.substr(static_cast<std::size_t>(n - 1) * kLine, 120);
}

TEST(ZenginFile, RecordsAre120BytesWithCrLf) {
    const std::string& f = valid_file();
    // header, 3 data, trailer, end
    ASSERT_EQ(f.size(), 6 * kLine);
    for (int n = 1; n <= 6; ++n) {
        const std::size_t at = static_cast<std::size_t>(n - 1) * kLine;
        EXPECT_EQ(f.substr(at + 120, 2), "\r\n") << "record " << n;
        EXPECT_EQ(f.substr(at, 120).find_first_of("\r\n"), std::string::npos) << "record " << n;
    }
    EXPECT_EQ(f[0], '1');
    EXPECT_EQ(f[kLine], '2');
    EXPECT_EQ(f[2 * kLine], '2');
    EXPECT_EQ(f[3 * kLine], '2');
    EXPECT_EQ(f[4 * kLine], '8');
    EXPECT_EQ(f[5 * kLine], '9');
}

TEST(ZenginFile, HeaderFieldsAtTheirOffsets) {
    const std::string h(record(valid_file(), 1));
    EXPECT_EQ(h.substr(0, 1), "1") << "データ区分";
    EXPECT_EQ(h.substr(1, 2), "21") << "種別コード";
    EXPECT_EQ(h.substr(3, 1), "0") << "コード区分";
    EXPECT_EQ(h.substr(4, 10), "0000123456") << "振込依頼人コード, zero-filled";
    EXPECT_EQ(h.substr(14, 40), pad(J("ﾛ-ﾄﾞｻ-ﾋﾞｽ ｶﾌﾞｼｷｶﾞｲｼﾔ"), 40)) << "振込依頼人名";
    EXPECT_EQ(h.substr(54, 4), "0305") << "取組日 MMDD";
    EXPECT_EQ(h.substr(58, 4), "0001") << "仕向銀行番号";
    EXPECT_EQ(h.substr(62, 15), pad(J("ﾐｽﾞﾎ"), 15)) << "仕向銀行名";
    EXPECT_EQ(h.substr(77, 3), "100") << "仕向支店番号";
    EXPECT_EQ(h.substr(80, 15), pad(J("ﾎﾝﾃﾝ"), 15)) << "仕向支店名";
    EXPECT_EQ(h.substr(95, 1), "2") << "預金種目 当座";
    EXPECT_EQ(h.substr(96, 7), "1234567") << "口座番号";
    EXPECT_EQ(h.substr(103, 17), std::string(17, ' ')) << "ダミー";
}

TEST(ZenginFile, DataTrailerAndEndRecordsFieldByField) {
    const std::string& f = valid_file();
    std::string data1;
    data1.append("2");                           // データ区分
    data1.append("0005");                        // 被仕向銀行番号
    data1.append(15, ' ');                       // 被仕向銀行名
    data1.append("001");                         // 被仕向支店番号
    data1.append(15, ' ');                       // 被仕向支店名
    data1.append("0000");                        // 手形交換所番号
    data1.append("1");                           // 預金種目
    data1.append("0000001");                     // 口座番号
    data1.append(pad(J("ﾔﾏﾀﾞ ﾀﾛｳ"), 30));         // 受取人名
    data1.append("0000012345");                  // 振込金額
    data1.append("0");                           // 新規コード
    data1.append(pad("C0001", 10));              // 顧客コード1
    data1.append(10, ' ');                       // 顧客コード2
    data1.append("7");                           // 振込指定区分
    data1.append(" ");                           // 識別表示
    data1.append(7, ' ');                        // ダミー
    ASSERT_EQ(data1.size(), 120u);
    EXPECT_EQ(record(f, 2), data1);

    const std::string data2(record(f, 3));
    EXPECT_EQ(data2.substr(42, 1), "2") << "預金種目 当座";
    EXPECT_EQ(data2.substr(50, 30), pad(J("ｽｽﾞｷ ﾊﾅｺ"), 30));
    EXPECT_EQ(data2.substr(80, 10), "9999999999") << "the largest amount";
    EXPECT_EQ(data2.substr(91, 10), std::string(10, ' ')) << "no customer code";
    const std::string data3(record(f, 4));
    EXPECT_EQ(data3.substr(1, 4), "0310");
    EXPECT_EQ(data3.substr(20, 3), "999");
    EXPECT_EQ(data3.substr(42, 1), "4") << "預金種目 貯蓄";
    EXPECT_EQ(data3.substr(80, 10), "0000000001");

    std::string trailer = "8";
    trailer.append("000003");        // 合計件数
    trailer.append("010000012345");  // 合計金額: 12,345 + 9,999,999,999 + 1
    trailer.append(101, ' ');
    EXPECT_EQ(record(f, 5), trailer);

    std::string end = "9";
    end.append(119, ' ');
    EXPECT_EQ(f.substr(5 * kLine), end + "\r\n") << "the end record, then nothing";
}

TEST(ZenginFile, RoundTrip) {
    const std::string& f = valid_file();
    EXPECT_EQ(validate_zengin_file(f), std::vector<std::string>{});
    const ZenginFile parsed = parse_zengin_file(f);
    const ZenginRequester r = requester();
    EXPECT_EQ(parsed.header.type_code, "21");
    EXPECT_EQ(parsed.header.requester_code, "0000123456");
    EXPECT_EQ(parsed.header.requester_name, *to_zengin_kana(r.name_kana));
    EXPECT_EQ(parsed.header.transfer_mmdd, "0305");
    EXPECT_EQ(parsed.header.bank_code, r.bank_code);
    EXPECT_EQ(parsed.header.bank_name, *to_zengin_kana(r.bank_name_kana));
    EXPECT_EQ(parsed.header.branch_code, r.branch_code);
    EXPECT_EQ(parsed.header.branch_name, *to_zengin_kana(r.branch_name_kana));
    EXPECT_EQ(parsed.header.account_type, '2');
    EXPECT_EQ(parsed.header.account_number, r.account_number);

    const auto transfers = three_transfers();
    ASSERT_EQ(parsed.records.size(), transfers.size());
    std::int64_t total = 0;
    for (std::size_t i = 0; i < transfers.size(); ++i) {
        const auto& t = transfers[i];
        const auto& p = parsed.records[i];
        EXPECT_EQ(p.bank_code, t.to.bank_code) << i;
        EXPECT_EQ(p.bank_name, "") << i;
        EXPECT_EQ(p.branch_code, t.to.branch_code) << i;
        EXPECT_EQ(p.branch_name, "") << i;
        EXPECT_EQ(p.account_type, zengin_code(t.to.type)) << i;
        EXPECT_EQ(p.account_number, t.to.number) << i;
        EXPECT_EQ(p.holder, *to_zengin_kana(t.to.holder_kana)) << i;
        EXPECT_EQ(p.amount_yen, t.amount_yen) << i;
        EXPECT_EQ(p.customer_code, t.customer_code) << i;
        total += t.amount_yen;
    }
    EXPECT_EQ(parsed.trailer_count, 3);
    EXPECT_EQ(parsed.trailer_total_yen, total);
}

TEST(ZenginFile, NoTransfers) {
    const std::string f = make_zengin_file(requester(), d(2026, 12, 31), {});
    ASSERT_EQ(f.size(), 3 * kLine);
    EXPECT_EQ(f.substr(54, 4), "1231");
    std::string trailer = "8000000000000000000";
    trailer.append(101, ' ');
    trailer.append("\r\n");
    EXPECT_EQ(f.substr(kLine, kLine), trailer);
    EXPECT_EQ(f[2 * kLine], '9');
    EXPECT_EQ(validate_zengin_file(f), std::vector<std::string>{});
    const ZenginFile parsed = parse_zengin_file(f);
    EXPECT_TRUE(parsed.records.empty());
    EXPECT_EQ(parsed.trailer_count, 0);
    EXPECT_EQ(parsed.trailer_total_yen, 0);
}

TEST(ZenginFile, RefusesWhatCannotBeEncoded) {
    using T = ZenginTransfer&;
    // clang-format off
    const std::tuple<const char*, std::function<void(T)>, bool> cases[] = {
        {"amount 1", [](T t) { t.amount_yen = 1; }, true},
        {"amount 9,999,999,999", [](T t) { t.amount_yen = 9'999'999'999; }, true},
        {"amount 0", [](T t) { t.amount_yen = 0; }, false},
        {"negative amount", [](T t) { t.amount_yen = -5; }, false},
        {"amount 10,000,000,000 (N10)", [](T t) { t.amount_yen = 10'000'000'000; }, false},
        {"customer code of 10", [](T t) { t.customer_code = "ABCDE12345"; }, true},
        {"customer code of 11", [](T t) { t.customer_code = "ABCDE123456"; }, false},
        {"lower-case customer code", [](T t) { t.customer_code = "abc"; }, false},
        {"customer code with a hyphen", [](T t) { t.customer_code = "A-1"; }, false},
        {"customer code with kana", [](T t) { t.customer_code = "ア"; }, false},
        {"bad bank code", [](T t) { t.to.bank_code = "12"; }, false},
        {"kanji holder", [](T t) { t.to.holder_kana = "山田"; }, false},
        {"holder too long", [](T t) { t.to.holder_kana = repeat("ガ", 16); }, false},
    };
    // clang-format on
    for (const auto& [why, change, ok] : cases) {
        auto transfers = three_transfers();
        change(transfers[1]);
        if (ok) {
            const auto f = make_zengin_file(requester(), d(2026, 3, 5), transfers);
            EXPECT_EQ(validate_zengin_file(f), std::vector<std::string>{}) << why;
        } else {
            EXPECT_THROW(make_zengin_file(requester(), d(2026, 3, 5), transfers), ZenginError)
                << why;
        }
    }
    EXPECT_THROW(make_zengin_file(requester(), d(2026, 2, 30), {}), ZenginError) << "no such day";
}

TEST(ZenginFile, TotalMustFitTwelveDigits) {
    ZenginTransfer big{good_account(), 9'999'999'999, ""};
    std::vector<ZenginTransfer> transfers(100, big);  // 999,999,999,900: fits N12
    const auto f = make_zengin_file(requester(), d(2026, 3, 5), transfers);
    EXPECT_EQ(record(f, 102).substr(7, 12), "999999999900");
    EXPECT_EQ(validate_zengin_file(f), std::vector<std::string>{});
    transfers.push_back(big);
    EXPECT_THROW(make_zengin_file(requester(), d(2026, 3, 5), transfers), ZenginError);
}

// ---------------------------------------------------------------------------------------------
// The validator and the parser on files not written by make_zengin_file.

TEST(ZenginValidator, AcceptsAHandWrittenFile) {
    std::string f;
    std::string r = "1210";
    r.append("9876543210");
    r.append(pad(J("ｶ)ﾃｽﾄ"), 40));
    r.append("0229");  // a leap day
    r.append("0005");
    r.append(pad(J("ﾐﾂﾋﾞｼ"), 15));
    r.append("001");
    r.append(pad(J("ﾄｳｷﾖｳ"), 15));
    r.append("1");
    r.append("0000007");
    r.append(17, ' ');
    ASSERT_EQ(r.size(), 120u);
    f.append(r).append("\r\n");

    r = "2";
    r.append("0009");
    r.append(pad(J("ﾐﾂｲｽﾐﾄﾓ"), 15));
    r.append("321");
    r.append(pad(J("ｼﾝｼﾞﾕｸ"), 15));
    r.append("1234");
    r.append("9");  // その他
    r.append("7777777");
    r.append(pad(J("ｲﾄｳ ｼﾞﾛｳ(ｶ"), 30));
    r.append("0000500000");
    r.append("1");  // 新規コード: 第1回
    r.append(pad("X1", 10));
    r.append(pad("Y2", 10));
    r.append("8");  // 文書
    r.append("Y");  // 識別表示
    r.append(7, ' ');
    ASSERT_EQ(r.size(), 120u);
    f.append(r).append("\r\n");

    r = "8000001000000500000";
    r.append(101, ' ');
    f.append(r).append("\r\n");
    r = "9";
    r.append(119, ' ');
    f.append(r).append("\r\n");

    EXPECT_EQ(validate_zengin_file(f), std::vector<std::string>{});
    const ZenginFile p = parse_zengin_file(f);
    EXPECT_EQ(p.header.requester_code, "9876543210");
    EXPECT_EQ(p.header.requester_name, J("ｶ)ﾃｽﾄ"));
    EXPECT_EQ(p.header.transfer_mmdd, "0229");
    EXPECT_EQ(p.header.bank_name, J("ﾐﾂﾋﾞｼ"));
    EXPECT_EQ(p.header.branch_name, J("ﾄｳｷﾖｳ"));
    EXPECT_EQ(p.header.account_type, '1');
    EXPECT_EQ(p.header.account_number, "0000007");
    ASSERT_EQ(p.records.size(), 1u);
    EXPECT_EQ(p.records[0].bank_code, "0009");
    EXPECT_EQ(p.records[0].bank_name, J("ﾐﾂｲｽﾐﾄﾓ"));
    EXPECT_EQ(p.records[0].branch_code, "321");
    EXPECT_EQ(p.records[0].branch_name, J("ｼﾝｼﾞﾕｸ"));
    EXPECT_EQ(p.records[0].account_type, '9');
    EXPECT_EQ(p.records[0].account_number, "7777777");
    EXPECT_EQ(p.records[0].holder, J("ｲﾄｳ ｼﾞﾛｳ(ｶ"));
    EXPECT_EQ(p.records[0].amount_yen, 500000);
    EXPECT_EQ(p.records[0].customer_code, "X1");
    EXPECT_EQ(p.trailer_count, 1);
    EXPECT_EQ(p.trailer_total_yen, 500000);
}

std::size_t at(int record_no, std::size_t offset) {
    return static_cast<std::size_t>(record_no - 1) * kLine + offset;
}

struct BadCase {
    const char* why;
    std::function<void(std::string&)> mutate;
    std::vector<std::string> expected;  // each must appear in one reported problem
};

TEST(ZenginValidator, ReportsEachProblem) {
    using S = std::string&;
    // clang-format off
    const BadCase cases[] = {
        {"a record of 119 bytes", [](S f) { f.erase(at(3, 60), 1); },
         {"record 3 (data): 119 bytes"}},
        {"a record of 121 bytes", [](S f) { f.insert(at(3, 119), " "); },
         {"record 3 (data): 121 bytes"}},
        {"LF without CR", [](S f) { f.erase(at(2, 120), 1); },
         {"record 2 (data): ends with LF without CR"}},
        {"LF line ends everywhere", [](S f) {
             for (int n = 6; n >= 1; --n) f.erase(at(n, 120), 1);
         },
         {"record 1 (header): ends with LF without CR", "record 6 (end): ends with LF without CR"}},
        {"no CR LF after the last record", [](S f) { f.resize(f.size() - 2); },
         {"record 6 (end): not followed by CR LF"}},
        {"CR without LF at the end", [](S f) { f.resize(f.size() - 1); },
         {"record 6 (end): CR is not followed by LF"}},
        {"trailer count one too many", [](S f) { f.replace(at(5, 1), 6, "000004"); },
         {"record 5 (trailer): 合計件数 is 4 but the file has 3 data records"}},
        {"trailer total one yen short", [](S f) { f.replace(at(5, 7), 12, "010000012344"); },
         {"record 5 (trailer): 合計金額 is 10000012344 yen but the data records add up to "
          "10000012345 yen"}},
        {"a letter in an amount", [](S f) { f[at(2, 85)] = 'A'; },
         {"record 2 (data): 振込金額 is not zero-filled digits"}},
        {"an amount padded with spaces", [](S f) { f.replace(at(2, 80), 10, "     12345"); },
         {"record 2 (data): 振込金額 is not zero-filled digits: \"     12345\""}},
        {"a bank code padded with a space", [](S f) { f[at(3, 1)] = ' '; },
         {"record 3 (data): 被仕向銀行番号 is not zero-filled digits"}},
        {"a requester code padded with spaces", [](S f) { f.replace(at(1, 4), 4, "    "); },
         {"record 1 (header): 振込依頼人コード is not zero-filled digits"}},
        {"種別コード 11 (給与振込)", [](S f) { f.replace(at(1, 1), 2, "11"); },
         {"record 1 (header): 種別コード is \"11\", expected \"21\""}},
        {"コード区分 1 (EBCDIC)", [](S f) { f[at(1, 3)] = '1'; },
         {"record 1 (header): コード区分 is \"1\", expected \"0\""}},
        {"取組日 month 13", [](S f) { f.replace(at(1, 54), 4, "1305"); },
         {"record 1 (header): 取組日 is \"1305\""}},
        {"取組日 0230", [](S f) { f.replace(at(1, 54), 4, "0230"); },
         {"record 1 (header): 取組日"}},
        {"預金種目 3", [](S f) { f[at(3, 42)] = '3'; },
         {"record 3 (data): 預金種目 is \"3\", expected 1, 2, 4 or 9"}},
        {"header 預金種目 0", [](S f) { f[at(1, 95)] = '0'; },
         {"record 1 (header): 預金種目 is \"0\""}},
        {"amount zero", [](S f) { f.replace(at(2, 80), 10, "0000000000"); },
         {"record 2 (data): 振込金額 is zero", "record 5 (trailer): 合計金額"}},
        {"振込指定区分 9", [](S f) { f[at(2, 111)] = '9'; },
         {"record 2 (data): 振込指定区分 is \"9\""}},
        {"新規コード 5", [](S f) { f[at(2, 90)] = '5'; }, {"record 2 (data): 新規コード is \"5\""}},
        {"識別表示 X", [](S f) { f[at(2, 112)] = 'X'; }, {"record 2 (data): 識別表示 is \"X\""}},
        {"data after the end record", [](S f) { f.append(std::string(f, at(6, 0), kLine)); },
         {"record 7 (end): data after the end record"}},
        {"a blank line after the end record", [](S f) { f.append("\r\n"); },
         {"record 7: data after the end record"}},
        {"lower case in a name", [](S f) { f[at(2, 52)] = 'a'; },
         {"record 2 (data): 受取人名 has a byte outside the Zengin character set (0x61 at position 53)"}},
        {"a Shift_JIS kanji lead byte in a name", [](S f) { f[at(1, 14)] = '\x8E'; },
         {"record 1 (header): 振込依頼人名 has a byte outside the Zengin character set (0x8E"}},
        {"a UTF-8 kanji in a name", [](S f) { f.replace(at(3, 50), 3, "\xE5\xB1\xB1"); },
         {"record 3 (data): 受取人名 has a byte outside the Zengin character set (0xE5"}},
        {"a name not left-aligned", [](S f) {
             const std::string name = f.substr(at(2, 50), 29);
             f.replace(at(2, 50), 30, " " + name);
         },
         {"record 2 (data): 受取人名 is not left-aligned"}},
        {"a blank holder", [](S f) { f.replace(at(2, 50), 30, std::string(30, ' ')); },
         {"record 2 (data): 受取人名 is blank"}},
        {"something in a dummy field", [](S f) { f[at(6, 60)] = 'X'; },
         {"record 6 (end): ダミー is not blank"}},
        {"something in the header dummy", [](S f) { f[at(1, 110)] = '0'; },
         {"record 1 (header): ダミー is not blank"}},
        {"missing end record", [](S f) { f.resize(f.size() - kLine); },
         {"missing end record"}},
        {"missing trailer and end records", [](S f) { f.resize(f.size() - 2 * kLine); },
         {"missing trailer record", "missing end record"}},
        {"missing trailer record", [](S f) { f.erase(at(5, 0), kLine); },
         {"record 5 (end): データ区分 is \"9\", expected 2 (data) or 8 (trailer)"}},
        {"missing header", [](S f) { f.erase(0, kLine); },
         {"record 1 (data): データ区分 is \"2\", expected 1 (header) first"}},
        {"two headers", [](S f) { f.insert(0, std::string(f, 0, kLine)); },
         {"record 2 (header): データ区分 is \"1\", expected 2 (data) or 8 (trailer)"}},
        {"an unknown データ区分", [](S f) { f[at(3, 0)] = '3'; },
         {"record 3: データ区分 is \"3\", expected 2 (data) or 8 (trailer)",
          "record 5 (trailer): 合計件数 is 3 but the file has 2 data records"}},
        {"empty input", [](S f) { f.clear(); }, {"empty"}},
        {"garbage", [](S f) { f = "hello"; },
         {"record 1: データ区分 is \"h\", expected 1 (header) first", "record 1: 5 bytes",
          "missing end record"}},
    };
    // clang-format on
    ASSERT_EQ(validate_zengin_file(valid_file()), std::vector<std::string>{});
    for (const auto& c : cases) {
        std::string f = valid_file();
        c.mutate(f);
        const auto problems = validate_zengin_file(f);
        std::string all;
        for (const auto& p : problems) all.append("\n  ").append(p);
        for (const auto& want : c.expected) {
            bool found = false;
            for (const auto& p : problems) found = found || p.find(want) != std::string::npos;
            EXPECT_TRUE(found) << c.why << ": expected a problem containing \"" << want
                               << "\"; got:" << all;
        }
        EXPECT_THROW(parse_zengin_file(f), ZenginError) << c.why;
    }
}

TEST(ZenginValidator, ParseErrorNamesTheProblem) {
    std::string f = valid_file();
    f[at(2, 85)] = 'A';
    try {
        parse_zengin_file(f);
        FAIL() << "no exception";
    } catch (const ZenginError& e) {
        EXPECT_NE(std::string(e.what()).find("振込金額"), std::string::npos) << e.what();
    }
}

// Pseudo-random damage: the validator and the parser never crash, and they agree.
TEST(ZenginFuzz, MutationsNeverCrash) {
    std::mt19937 rng(20260305);
    const auto pick = [&](std::size_t n) {
        return static_cast<std::size_t>(std::uniform_int_distribution<std::size_t>(0, n - 1)(rng));
    };
    const auto random_byte = [&] { return static_cast<char>(pick(256)); };
    const std::string digits_and_specials = "0123456789 \r\n12389";
    int rejected = 0;
    for (int i = 0; i < 1000; ++i) {
        std::string f = valid_file();
        const int edits = 1 + static_cast<int>(pick(3));
        for (int e = 0; e < edits && !f.empty(); ++e) {
            switch (pick(7)) {
                case 0:
                    f[pick(f.size())] = random_byte();
                    break;
                case 1:
                    f[pick(f.size())] = digits_and_specials[pick(digits_and_specials.size())];
                    break;
                case 2:
                    f.erase(pick(f.size()), 1 + pick(3));
                    break;
                case 3:
                    f.insert(pick(f.size() + 1), 1, random_byte());
                    break;
                case 4:
                    f.resize(pick(f.size() + 1));
                    break;
                case 5: {  // duplicate a slice somewhere
                    const std::size_t from = pick(f.size());
                    const std::string slice = f.substr(from, 1 + pick(200));
                    f.insert(pick(f.size() + 1), slice);
                    break;
                }
                default:
                    f.append(1, random_byte());
                    break;
            }
        }
        const auto problems = validate_zengin_file(f);
        bool parsed = false;
        try {
            const ZenginFile p = parse_zengin_file(f);
            parsed = true;
            EXPECT_EQ(static_cast<std::int64_t>(p.records.size()), p.trailer_count) << i;
        } catch (const ZenginError&) {
        }
        EXPECT_EQ(parsed, problems.empty()) << "mutation " << i;
        if (!problems.empty()) ++rejected;
    }
    // Most damage is visible (a changed digit in an account number is not).
    EXPECT_GT(rejected, 800);

    for (int i = 0; i < 200; ++i) {  // plain garbage, with line ends now and then
        std::string g(pick(1000), '\0');
        for (auto& c : g) c = pick(10) == 0 ? '\n' : random_byte();
        EXPECT_FALSE(validate_zengin_file(g).empty());
        EXPECT_THROW(parse_zengin_file(g), ZenginError);
    }
}

}  // namespace
}  // namespace roadside::billing
