#include "billing/zengin.hpp"

#include <array>
#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <utility>

#include "core/text.hpp"

namespace roadside::billing {

// ---------------------------------------------------------------------------------------------
// Account types.

std::string_view to_string(AccountType t) {
    switch (t) {
        case AccountType::ordinary:
            return "ordinary";
        case AccountType::current:
            return "current";
        case AccountType::savings:
            return "savings";
    }
    return "ordinary";
}

std::optional<AccountType> parse_account_type(std::string_view text) {
    if (text == "ordinary") return AccountType::ordinary;
    if (text == "current") return AccountType::current;
    if (text == "savings") return AccountType::savings;
    return std::nullopt;
}

char zengin_code(AccountType t) {
    switch (t) {
        case AccountType::ordinary:
            return '1';
        case AccountType::current:
            return '2';
        case AccountType::savings:
            return '4';
    }
    return '1';
}

namespace {

// Concatenates pieces without chains of operator+ (GCC 12 reports false -Warray-bounds on those).
std::string cat(std::initializer_list<std::string_view> parts) {
    std::size_t size = 0;
    for (const auto p : parts) size += p.size();
    std::string out;
    out.reserve(size);
    for (const auto p : parts) out.append(p);
    return out;
}

bool is_digits(std::string_view s) {
    for (const char c : s) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

bool is_digits_of_length(std::string_view s, std::size_t n) { return s.size() == n && is_digits(s); }

bool is_blank(std::string_view s) {
    for (const char c : s) {
        if (c != ' ') return false;
    }
    return true;
}

// Whether the JIS X 0201 byte is a kana letter (ｦ, ｱ..ﾝ), not a mark or punctuation.
bool is_kana_letter(unsigned char b) { return b == 0xA6 || (b >= 0xB1 && b <= 0xDD); }

constexpr unsigned char kVoicedMark = 0xDE;      // ﾞ
constexpr unsigned char kSemiVoicedMark = 0xDF;  // ﾟ

// Full-width katakana U+30A1..U+30FA -> half-width base byte and the mark that follows it
// (0 none, ﾞ or ﾟ). Small kana map to their large letter.
struct HalfKana {
    unsigned char base;
    unsigned char mark;
};
constexpr char32_t kKatakanaFirst = 0x30A1;
constexpr HalfKana kKatakana[] = {
    {0xB1, 0}, {0xB1, 0},                          // ァ ア
    {0xB2, 0}, {0xB2, 0},                          // ィ イ
    {0xB3, 0}, {0xB3, 0},                          // ゥ ウ
    {0xB4, 0}, {0xB4, 0},                          // ェ エ
    {0xB5, 0}, {0xB5, 0},                          // ォ オ
    {0xB6, 0}, {0xB6, kVoicedMark},                // カ ガ
    {0xB7, 0}, {0xB7, kVoicedMark},                // キ ギ
    {0xB8, 0}, {0xB8, kVoicedMark},                // ク グ
    {0xB9, 0}, {0xB9, kVoicedMark},                // ケ ゲ
    {0xBA, 0}, {0xBA, kVoicedMark},                // コ ゴ
    {0xBB, 0}, {0xBB, kVoicedMark},                // サ ザ
    {0xBC, 0}, {0xBC, kVoicedMark},                // シ ジ
    {0xBD, 0}, {0xBD, kVoicedMark},                // ス ズ
    {0xBE, 0}, {0xBE, kVoicedMark},                // セ ゼ
    {0xBF, 0}, {0xBF, kVoicedMark},                // ソ ゾ
    {0xC0, 0}, {0xC0, kVoicedMark},                // タ ダ
    {0xC1, 0}, {0xC1, kVoicedMark},                // チ ヂ
    {0xC2, 0}, {0xC2, 0}, {0xC2, kVoicedMark},     // ッ ツ ヅ
    {0xC3, 0}, {0xC3, kVoicedMark},                // テ デ
    {0xC4, 0}, {0xC4, kVoicedMark},                // ト ド
    {0xC5, 0}, {0xC6, 0}, {0xC7, 0}, {0xC8, 0}, {0xC9, 0},  // ナ ニ ヌ ネ ノ
    {0xCA, 0}, {0xCA, kVoicedMark}, {0xCA, kSemiVoicedMark},  // ハ バ パ
    {0xCB, 0}, {0xCB, kVoicedMark}, {0xCB, kSemiVoicedMark},  // ヒ ビ ピ
    {0xCC, 0}, {0xCC, kVoicedMark}, {0xCC, kSemiVoicedMark},  // フ ブ プ
    {0xCD, 0}, {0xCD, kVoicedMark}, {0xCD, kSemiVoicedMark},  // ヘ ベ ペ
    {0xCE, 0}, {0xCE, kVoicedMark}, {0xCE, kSemiVoicedMark},  // ホ ボ ポ
    {0xCF, 0}, {0xD0, 0}, {0xD1, 0}, {0xD2, 0}, {0xD3, 0},  // マ ミ ム メ モ
    {0xD4, 0}, {0xD4, 0},                          // ャ ヤ
    {0xD5, 0}, {0xD5, 0},                          // ュ ユ
    {0xD6, 0}, {0xD6, 0},                          // ョ ヨ
    {0xD7, 0}, {0xD8, 0}, {0xD9, 0}, {0xDA, 0}, {0xDB, 0},  // ラ リ ル レ ロ
    {0xDC, 0}, {0xDC, 0},                          // ヮ ワ
    {0xB2, 0}, {0xB4, 0},                          // ヰ ヱ
    {0xA6, 0},                                     // ヲ
    {0xDD, 0},                                     // ン
    {0xB3, kVoicedMark},                           // ヴ
    {0xB6, 0}, {0xB9, 0},                          // ヵ ヶ
    {0xDC, kVoicedMark}, {0xB2, kVoicedMark},      // ヷ ヸ
    {0xB4, kVoicedMark}, {0xA6, kVoicedMark},      // ヹ ヺ
};
static_assert(std::size(kKatakana) == 0x30FA - 0x30A1 + 1);

// Small half-width kana ｧ..ｯ (0xA7..0xAF) -> the large letter.
constexpr unsigned char kHalfSmallToLarge[] = {0xB1, 0xB2, 0xB3, 0xB4, 0xB5,
                                               0xD4, 0xD5, 0xD6, 0xC2};
static_assert(std::size(kHalfSmallToLarge) == 0xAF - 0xA7 + 1);

// Decodes one code point of valid UTF-8 at s[i]; returns its length.
std::size_t decode_valid(std::string_view s, std::size_t i, char32_t& cp) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t len = 1;
    if (b0 < 0x80) {
        cp = b0;
        return 1;
    }
    if ((b0 & 0xE0) == 0xC0) {
        len = 2, cp = b0 & 0x1F;
    } else if ((b0 & 0xF0) == 0xE0) {
        len = 3, cp = b0 & 0x0F;
    } else {
        len = 4, cp = b0 & 0x07;
    }
    for (std::size_t k = 1; k < len; ++k) {
        cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    return len;
}

void push_byte(std::string& out, unsigned char b) { out.push_back(static_cast<char>(b)); }

void push_ascii(std::string& out, char32_t c) {
    if (c >= 'a' && c <= 'z') c = c - 'a' + 'A';
    out.push_back(static_cast<char>(c));
}

// Appends the Zengin bytes of one code point; false when the character has no conversion.
// Bytes outside the Zengin set (e.g. '!') are appended here and rejected by the caller.
bool convert_code_point(char32_t cp, std::string& out) {
    if (cp < 0x80) {
        push_ascii(out, cp);
        return true;
    }
    if (cp >= 0xFF01 && cp <= 0xFF5E) {  // full-width ASCII
        push_ascii(out, cp - 0xFEE0);
        return true;
    }
    if (cp >= kKatakanaFirst && cp <= 0x30FA) {
        const HalfKana k = kKatakana[cp - kKatakanaFirst];
        push_byte(out, k.base);
        if (k.mark != 0) push_byte(out, k.mark);
        return true;
    }
    if (cp >= 0xFF61 && cp <= 0xFF9F) {  // half-width katakana: JIS X 0201 0xA1..0xDF
        const auto b = static_cast<unsigned char>(cp - 0xFF61 + 0xA1);
        if (b >= 0xA7 && b <= 0xAF) {
            push_byte(out, kHalfSmallToLarge[b - 0xA7]);
        } else if (b == 0xB0) {  // ｰ
            out.push_back('-');
        } else if (b == 0xA5) {  // ･
            out.push_back('.');
        } else {
            push_byte(out, b);
        }
        return true;
    }
    switch (cp) {
        case 0x3000:  // ideographic space
            out.push_back(' ');
            return true;
        case 0x30FC:  // ー
        case 0x2010:
        case 0x2011:
        case 0x2012:
        case 0x2013:
        case 0x2014:
        case 0x2015:
        case 0x2212:
            out.push_back('-');
            return true;
        case 0x30FB:  // ・
            out.push_back('.');
            return true;
        case 0x300C:  // 「
            push_byte(out, 0xA2);
            return true;
        case 0x300D:  // 」
            push_byte(out, 0xA3);
            return true;
        case 0x3099:  // combining voiced mark (decomposed text)
        case 0x309B:  // ゛
            push_byte(out, kVoicedMark);
            return true;
        case 0x309A:  // combining semi-voiced mark
        case 0x309C:  // ゜
            push_byte(out, kSemiVoicedMark);
            return true;
        default:
            return false;
    }
}

std::string_view trim_spaces(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
}

std::string_view trim_trailing_spaces(std::string_view s) {
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
}

}  // namespace

bool is_zengin_text(std::string_view bytes) {
    for (const char ch : bytes) {
        const auto b = static_cast<unsigned char>(ch);
        const bool ok = (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') || b == ' ' || b == '(' ||
                        b == ')' || b == '-' || b == '.' || b == '/' || b == ',' || b == '\\' ||
                        b == 0xA2 || b == 0xA3 || b == 0xA6 || (b >= 0xB1 && b <= 0xDF);
        if (!ok) return false;
    }
    return true;
}

std::optional<std::string> to_zengin_kana(std::string_view utf8) {
    if (!core::is_valid_utf8(utf8)) return std::nullopt;
    std::string out;
    out.reserve(utf8.size());
    std::size_t i = 0;
    while (i < utf8.size()) {
        char32_t cp = 0;
        i += decode_valid(utf8, i, cp);
        if (!convert_code_point(cp, out)) return std::nullopt;
    }
    if (!is_zengin_text(out)) return std::nullopt;
    return std::string(trim_spaces(out));
}

// ---------------------------------------------------------------------------------------------
// Accounts and the requester.

namespace {

constexpr std::size_t kHolderBytes = 30;
constexpr std::size_t kRequesterNameBytes = 40;
constexpr std::size_t kBankNameBytes = 15;
constexpr std::size_t kCustomerCodeBytes = 10;
constexpr std::int64_t kMaxAmountYen = 9'999'999'999;      // N10
constexpr std::int64_t kMaxTotalYen = 999'999'999'999;     // N12
constexpr std::size_t kMaxRecords = 999'999;               // N6

BankAccountError account_error(std::string field, std::string code, std::string message) {
    return BankAccountError{std::move(field), std::move(code), std::move(message)};
}

}  // namespace

std::optional<BankAccountError> validate_bank_account(const BankAccount& account) {
    if (!is_digits_of_length(account.bank_code, 4)) {
        return account_error("bank_code", "invalid_bank_code",
                             "The bank code must be exactly 4 digits.");
    }
    if (!is_digits_of_length(account.branch_code, 3)) {
        return account_error("branch_code", "invalid_branch_code",
                             "The branch code must be exactly 3 digits.");
    }
    if (!is_digits_of_length(account.number, 7)) {
        return account_error("number", "invalid_account_number",
                             "The account number must be exactly 7 digits.");
    }
    const auto holder = to_zengin_kana(account.holder_kana);
    bool has_kana = false;
    if (holder) {
        for (const char c : *holder) has_kana = has_kana || is_kana_letter(static_cast<unsigned char>(c));
    }
    if (!holder || !has_kana) {
        return account_error("holder_kana", "invalid_holder_kana",
                             "The account holder name must be written in katakana.");
    }
    if (holder->size() > kHolderBytes) {
        return account_error("holder_kana", "holder_kana_too_long",
                             "The account holder name is too long for a bank transfer (at most 30 "
                             "half-width characters; a voiced mark counts as one).");
    }
    return std::nullopt;
}

std::optional<std::string> validate_requester(const ZenginRequester& r) {
    if (r.code.empty() || r.code.size() > 10 || !is_digits(r.code)) {
        return "requester code must be 1 to 10 ASCII digits";
    }
    const auto name = to_zengin_kana(r.name_kana);
    if (!name) return "requester name_kana has characters outside the Zengin character set";
    if (name->empty()) return "requester name_kana is empty";
    if (name->size() > kRequesterNameBytes) {
        return cat({"requester name_kana is ", std::to_string(name->size()),
                    " bytes after conversion, at most 40"});
    }
    if (!is_digits_of_length(r.bank_code, 4)) return "requester bank_code must be exactly 4 digits";
    const auto bank_name = to_zengin_kana(r.bank_name_kana);
    if (!bank_name) return "requester bank_name_kana has characters outside the Zengin character set";
    if (bank_name->size() > kBankNameBytes) {
        return cat({"requester bank_name_kana is ", std::to_string(bank_name->size()),
                    " bytes after conversion, at most 15"});
    }
    if (!is_digits_of_length(r.branch_code, 3)) {
        return "requester branch_code must be exactly 3 digits";
    }
    const auto branch_name = to_zengin_kana(r.branch_name_kana);
    if (!branch_name) {
        return "requester branch_name_kana has characters outside the Zengin character set";
    }
    if (branch_name->size() > kBankNameBytes) {
        return cat({"requester branch_name_kana is ", std::to_string(branch_name->size()),
                    " bytes after conversion, at most 15"});
    }
    if (!is_digits_of_length(r.account_number, 7)) {
        return "requester account_number must be exactly 7 digits";
    }
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Writing.

namespace {

constexpr std::size_t kRecordBytes = 120;
constexpr std::string_view kEol = "\r\n";

// N: right-aligned, zero-filled. The caller made sure the digits fit.
void put_numeric(std::string& out, std::string_view digits, std::size_t width) {
    if (digits.size() > width) throw std::logic_error("zengin: numeric field overflow");
    out.append(width - digits.size(), '0');
    out.append(digits);
}

void put_number(std::string& out, std::int64_t value, std::size_t width) {
    put_numeric(out, std::to_string(value), width);
}

// C: left-aligned, space-filled.
void put_text(std::string& out, std::string_view bytes, std::size_t width) {
    if (bytes.size() > width) throw std::logic_error("zengin: character field overflow");
    out.append(bytes);
    out.append(width - bytes.size(), ' ');
}

void end_record(std::string& out, std::size_t record_start) {
    if (out.size() - record_start != kRecordBytes) {
        throw std::logic_error("zengin: record is not 120 bytes");
    }
    out.append(kEol);
}

std::string two_digits(unsigned v) {
    std::string s(2, '0');
    s[0] = static_cast<char>('0' + v / 10 % 10);
    s[1] = static_cast<char>('0' + v % 10);
    return s;
}

bool is_customer_code(std::string_view s) {
    if (s.size() > kCustomerCodeBytes) return false;
    for (const char c : s) {
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))) return false;
    }
    return true;
}

}  // namespace

std::string make_zengin_file(const ZenginRequester& requester, core::Date transfer_date,
                             const std::vector<ZenginTransfer>& transfers) {
    if (const auto why = validate_requester(requester)) throw ZenginError(cat({"zengin: ", *why}));
    if (!transfer_date.ok()) throw ZenginError("zengin: the transfer date is not a valid date");
    if (transfers.size() > kMaxRecords) {
        throw ZenginError("zengin: more than 999,999 transfers in one file");
    }

    std::string out;
    out.reserve((transfers.size() + 3) * (kRecordBytes + kEol.size()));

    // Header.
    std::size_t start = out.size();
    out.append("1");   // データ区分
    out.append("21");  // 種別コード: 総合振込
    out.append("0");   // コード区分: JIS
    put_numeric(out, requester.code, 10);
    put_text(out, *to_zengin_kana(requester.name_kana), 40);
    put_numeric(out, two_digits(static_cast<unsigned>(transfer_date.month())), 2);
    put_numeric(out, two_digits(static_cast<unsigned>(transfer_date.day())), 2);
    put_numeric(out, requester.bank_code, 4);
    put_text(out, *to_zengin_kana(requester.bank_name_kana), 15);
    put_numeric(out, requester.branch_code, 3);
    put_text(out, *to_zengin_kana(requester.branch_name_kana), 15);
    out.push_back(zengin_code(requester.account_type));
    put_numeric(out, requester.account_number, 7);
    put_text(out, "", 17);
    end_record(out, start);

    // Data.
    std::int64_t total = 0;
    for (std::size_t i = 0; i < transfers.size(); ++i) {
        const ZenginTransfer& t = transfers[i];
        const std::string which = cat({"zengin: transfer ", std::to_string(i + 1), ": "});
        if (const auto e = validate_bank_account(t.to)) {
            throw ZenginError(cat({which, e->code, ": ", e->message}));
        }
        if (t.amount_yen < 1 || t.amount_yen > kMaxAmountYen) {
            throw ZenginError(cat({which, "amount ", std::to_string(t.amount_yen),
                                   " yen is outside 1..9,999,999,999"}));
        }
        if (!is_customer_code(t.customer_code)) {
            throw ZenginError(
                cat({which, "customer code must be up to 10 ASCII digits or upper-case letters"}));
        }
        total += t.amount_yen;  // at most 999,999 × 9,999,999,999: no overflow in int64

        start = out.size();
        out.append("2");  // データ区分
        put_numeric(out, t.to.bank_code, 4);
        put_text(out, "", 15);  // 被仕向銀行名
        put_numeric(out, t.to.branch_code, 3);
        put_text(out, "", 15);   // 被仕向支店名
        put_numeric(out, "", 4);  // 手形交換所番号
        out.push_back(zengin_code(t.to.type));
        put_numeric(out, t.to.number, 7);
        put_text(out, *to_zengin_kana(t.to.holder_kana), 30);
        put_number(out, t.amount_yen, 10);
        out.append("0");  // 新規コード
        put_text(out, t.customer_code, 10);
        put_text(out, "", 10);  // 顧客コード2
        out.append("7");        // 振込指定区分: 電信
        out.append(" ");        // 識別表示
        put_text(out, "", 7);
        end_record(out, start);
    }
    if (total > kMaxTotalYen) {
        throw ZenginError("zengin: the total exceeds 999,999,999,999 yen (trailer field N12)");
    }

    // Trailer.
    start = out.size();
    out.append("8");
    put_number(out, static_cast<std::int64_t>(transfers.size()), 6);
    put_number(out, total, 12);
    put_text(out, "", 101);
    end_record(out, start);

    // End.
    start = out.size();
    out.append("9");
    put_text(out, "", 119);
    end_record(out, start);
    return out;
}

// ---------------------------------------------------------------------------------------------
// Validating and parsing, from the layout tables.

namespace {

enum class FieldKind { numeric, text, blank };

struct Field {
    std::string_view name;
    std::size_t offset;
    std::size_t length;
    FieldKind kind;
};

using FK = FieldKind;

// The layouts, field by field (データ区分 at offset 0 is checked by the record order).
constexpr Field kHeaderFields[] = {
    {"データ区分", 0, 1, FK::numeric},        {"種別コード", 1, 2, FK::numeric},
    {"コード区分", 3, 1, FK::numeric},        {"振込依頼人コード", 4, 10, FK::numeric},
    {"振込依頼人名", 14, 40, FK::text},       {"取組日", 54, 4, FK::numeric},
    {"仕向銀行番号", 58, 4, FK::numeric},     {"仕向銀行名", 62, 15, FK::text},
    {"仕向支店番号", 77, 3, FK::numeric},     {"仕向支店名", 80, 15, FK::text},
    {"預金種目", 95, 1, FK::numeric},         {"口座番号", 96, 7, FK::numeric},
    {"ダミー", 103, 17, FK::blank},
};
constexpr Field kDataFields[] = {
    {"データ区分", 0, 1, FK::numeric},      {"被仕向銀行番号", 1, 4, FK::numeric},
    {"被仕向銀行名", 5, 15, FK::text},      {"被仕向支店番号", 20, 3, FK::numeric},
    {"被仕向支店名", 23, 15, FK::text},     {"手形交換所番号", 38, 4, FK::numeric},
    {"預金種目", 42, 1, FK::numeric},       {"口座番号", 43, 7, FK::numeric},
    {"受取人名", 50, 30, FK::text},         {"振込金額", 80, 10, FK::numeric},
    {"新規コード", 90, 1, FK::numeric},     {"顧客コード1", 91, 10, FK::text},
    {"顧客コード2", 101, 10, FK::text},     {"振込指定区分", 111, 1, FK::numeric},
    {"識別表示", 112, 1, FK::text},         {"ダミー", 113, 7, FK::blank},
};
constexpr Field kTrailerFields[] = {
    {"データ区分", 0, 1, FK::numeric},
    {"合計件数", 1, 6, FK::numeric},
    {"合計金額", 7, 12, FK::numeric},
    {"ダミー", 19, 101, FK::blank},
};
constexpr Field kEndFields[] = {
    {"データ区分", 0, 1, FK::numeric},
    {"ダミー", 1, 119, FK::blank},
};

template <std::size_t N>
constexpr bool covers_record(const Field (&fields)[N]) {
    std::size_t at = 0;
    for (const Field& f : fields) {
        if (f.offset != at) return false;
        at += f.length;
    }
    return at == kRecordBytes;
}
static_assert(covers_record(kHeaderFields));
static_assert(covers_record(kDataFields));
static_assert(covers_record(kTrailerFields));
static_assert(covers_record(kEndFields));

template <std::size_t N>
constexpr const Field& field(const Field (&fields)[N], std::string_view name) {
    for (const Field& f : fields) {
        if (f.name == name) return f;
    }
    throw std::logic_error("zengin: no such field");
}

std::string_view get(std::string_view record, const Field& f) { return record.substr(f.offset, f.length); }

// Digits only (checked before); at most 12 of them, so no overflow.
std::int64_t to_int(std::string_view digits) {
    std::int64_t v = 0;
    for (const char c : digits) v = v * 10 + (c - '0');
    return v;
}

// Shows bytes in a message: printable ASCII as is, everything else as \xHH.
std::string show(std::string_view bytes) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out = "\"";
    for (const char ch : bytes) {
        const auto b = static_cast<unsigned char>(ch);
        if (b >= 0x20 && b < 0x7F && b != '"' && b != '\\') {
            out.push_back(ch);
        } else {
            out.append("\\x");
            out.push_back(kHex[b >> 4]);
            out.push_back(kHex[b & 0xF]);
        }
    }
    out.push_back('"');
    return out;
}

std::string hex_byte(unsigned char b) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out = "0x";
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xF]);
    return out;
}

std::string_view kind_name(char type) {
    switch (type) {
        case '1':
            return "header";
        case '2':
            return "data";
        case '8':
            return "trailer";
        case '9':
            return "end";
        default:
            return "";
    }
}

constexpr std::size_t kMaxProblems = 500;

class Checker {
  public:
    explicit Checker(std::string_view file) : file_(file) {}

    std::vector<std::string> run() {
        if (file_.empty()) {
            problems_.push_back("the file is empty (expected header, data, trailer and end records)");
            return std::move(problems_);
        }
        std::size_t pos = 0;
        while (pos < file_.size() && !full()) {
            ++record_no_;
            std::string_view record;
            std::string terminator_problem;
            const std::size_t lf = file_.find('\n', pos);
            if (lf == std::string_view::npos) {
                record = file_.substr(pos);
                pos = file_.size();
                if (!record.empty() && record.back() == '\r') {
                    record.remove_suffix(1);
                    terminator_problem = "CR is not followed by LF at the end of the file";
                } else {
                    terminator_problem = "not followed by CR LF (the file ends)";
                }
            } else {
                record = file_.substr(pos, lf - pos);
                pos = lf + 1;
                if (!record.empty() && record.back() == '\r') {
                    record.remove_suffix(1);
                } else {
                    terminator_problem = "ends with LF without CR (expected CR LF)";
                }
            }
            if (state_ == State::after_end) {
                add_record_problem(record, "data after the end record (データ区分 9)");
                break;
            }
            check_record(record);
            if (!terminator_problem.empty()) add_record_problem(record, terminator_problem);
        }
        if (!full()) finish();
        return std::move(problems_);
    }

  private:
    enum class State { start, after_header, in_data, after_trailer, after_end };

    bool full() const { return problems_.size() >= kMaxProblems; }

    void add(std::string message) {
        if (problems_.size() < kMaxProblems) {
            problems_.push_back(std::move(message));
            if (problems_.size() == kMaxProblems) {
                problems_.push_back(cat({"too many problems; stopped after ",
                                         std::to_string(kMaxProblems)}));
            }
        }
    }

    std::string prefix(std::string_view record) const {
        const std::string_view kind = record.empty() ? "" : kind_name(record[0]);
        if (kind.empty()) return cat({"record ", std::to_string(record_no_), ": "});
        return cat({"record ", std::to_string(record_no_), " (", kind, "): "});
    }

    void add_record_problem(std::string_view record, std::string_view message) {
        add(cat({prefix(record), message}));
    }

    void add_field_problem(std::string_view record, const Field& f, std::string_view message) {
        add(cat({prefix(record), f.name, " ", message}));
    }

    static std::string_view expected_types(State s) {
        switch (s) {
            case State::start:
                return "1 (header) first";
            case State::after_header:
            case State::in_data:
                return "2 (data) or 8 (trailer)";
            case State::after_trailer:
                return "9 (end)";
            case State::after_end:
                return "nothing";
        }
        return "";
    }

    void check_order(std::string_view record) {
        const char type = record.empty() ? '\0' : record[0];
        bool allowed = false;
        switch (state_) {
            case State::start:
                allowed = type == '1';
                break;
            case State::after_header:
            case State::in_data:
                allowed = type == '2' || type == '8';
                break;
            case State::after_trailer:
                allowed = type == '9';
                break;
            case State::after_end:
                break;
        }
        if (!allowed) {
            const std::string_view got = record.empty() ? std::string_view{} : record.substr(0, 1);
            add_record_problem(record, cat({"データ区分 is ", show(got), ", expected ",
                                            expected_types(state_)}));
        }
        switch (type) {
            case '1':
                state_ = State::after_header;
                break;
            case '2':
                state_ = State::in_data;
                break;
            case '8':
                state_ = State::after_trailer;
                seen_trailer_ = true;
                break;
            case '9':
                state_ = State::after_end;
                break;
            default:
                break;
        }
    }

    void check_record(std::string_view record) {
        check_order(record);
        const char type = record.empty() ? '\0' : record[0];
        if (type == '2') ++data_count_;
        if (record.size() != kRecordBytes) {
            add_record_problem(record, cat({std::to_string(record.size()),
                                            record.size() == 1 ? " byte" : " bytes",
                                            ", expected 120 before CR LF"}));
            if (type == '2') amounts_known_ = false;
            return;
        }
        switch (type) {
            case '1':
                check_header(record);
                break;
            case '2':
                check_data(record);
                break;
            case '8':
                check_trailer(record);
                break;
            case '9':
                check_fields(record, kEndFields);
                break;
            default:
                break;  // unknown データ区分: its layout is unknown
        }
    }

    // The generic checks of every field; returns false for fields that failed them (by index).
    template <std::size_t N>
    std::array<bool, N> check_fields(std::string_view record, const Field (&fields)[N]) {
        std::array<bool, N> ok{};
        for (std::size_t i = 0; i < N; ++i) {
            const Field& f = fields[i];
            const std::string_view v = get(record, f);
            ok[i] = true;
            switch (f.kind) {
                case FieldKind::numeric:
                    if (!is_digits(v)) {
                        add_field_problem(record, f, cat({"is not zero-filled digits: ", show(v)}));
                        ok[i] = false;
                    }
                    break;
                case FieldKind::text:
                    for (std::size_t k = 0; k < v.size(); ++k) {
                        if (!is_zengin_text(v.substr(k, 1))) {
                            add_field_problem(
                                record, f,
                                cat({"has a byte outside the Zengin character set (",
                                     hex_byte(static_cast<unsigned char>(v[k])), " at position ",
                                     std::to_string(f.offset + k + 1), "): ", show(v)}));
                            ok[i] = false;
                            break;
                        }
                    }
                    if (ok[i] && !v.empty() && v[0] == ' ' && !is_blank(v)) {
                        add_field_problem(record, f,
                                          cat({"is not left-aligned (starts with a space): ", show(v)}));
                        ok[i] = false;
                    }
                    break;
                case FieldKind::blank:
                    if (!is_blank(v)) {
                        add_field_problem(record, f, cat({"is not blank: ", show(v)}));
                        ok[i] = false;
                    }
                    break;
            }
        }
        return ok;
    }

    template <std::size_t N>
    static std::size_t index_of(const Field (&fields)[N], std::string_view name) {
        for (std::size_t i = 0; i < N; ++i) {
            if (fields[i].name == name) return i;
        }
        throw std::logic_error("zengin: no such field");
    }

    void check_account_type(std::string_view record, const Field& f) {
        const char c = get(record, f)[0];
        if (c != '1' && c != '2' && c != '4' && c != '9') {
            add_field_problem(record, f,
                              cat({"is ", show(get(record, f)), ", expected 1, 2, 4 or 9"}));
        }
    }

    void check_header(std::string_view record) {
        const auto& F = kHeaderFields;
        const auto ok = check_fields(record, F);
        const auto ok_at = [&](std::string_view name) { return ok[index_of(F, name)]; };
        const auto expect = [&](std::string_view name, std::string_view want, std::string_view what) {
            const Field& f = field(F, name);
            if (ok_at(name) && get(record, f) != want) {
                add_field_problem(record, f,
                                  cat({"is ", show(get(record, f)), ", expected ", show(want), " (",
                                       what, ")"}));
            }
        };
        expect("種別コード", "21", "総合振込");
        expect("コード区分", "0", "JIS");
        if (ok_at("振込依頼人名") && is_blank(get(record, field(F, "振込依頼人名")))) {
            add_field_problem(record, field(F, "振込依頼人名"), "is blank");
        }
        if (ok_at("取組日")) {
            const std::string_view mmdd = get(record, field(F, "取組日"));
            const auto month = to_int(mmdd.substr(0, 2));
            const auto day = to_int(mmdd.substr(2, 2));
            // 2000 is a leap year, so 0229 is accepted.
            const core::Date date{std::chrono::year{2000},
                                  std::chrono::month{static_cast<unsigned>(month)},
                                  std::chrono::day{static_cast<unsigned>(day)}};
            if (!date.ok()) {
                add_field_problem(record, field(F, "取組日"),
                                  cat({"is ", show(mmdd), ", not a date as MMDD"}));
            }
        }
        if (ok_at("預金種目")) check_account_type(record, field(F, "預金種目"));
    }

    void check_data(std::string_view record) {
        const auto& F = kDataFields;
        const auto ok = check_fields(record, F);
        const auto ok_at = [&](std::string_view name) { return ok[index_of(F, name)]; };
        if (ok_at("預金種目")) check_account_type(record, field(F, "預金種目"));
        if (ok_at("受取人名") && is_blank(get(record, field(F, "受取人名")))) {
            add_field_problem(record, field(F, "受取人名"), "is blank");
        }
        if (ok_at("振込金額")) {
            const std::int64_t amount = to_int(get(record, field(F, "振込金額")));
            if (amount <= 0) add_field_problem(record, field(F, "振込金額"), "is zero");
            amounts_total_ += amount;  // ≤ 10^10 per record: overflow would need a 100 GB file
        } else {
            amounts_known_ = false;
        }
        const auto one_of = [&](std::string_view name, std::string_view allowed) {
            const Field& f = field(F, name);
            if (ok_at(name) && allowed.find(get(record, f)[0]) == std::string_view::npos) {
                std::string list;
                for (const char c : allowed) {
                    if (!list.empty()) list.append(", ");
                    list.append(show(std::string_view(&c, 1)));
                }
                add_field_problem(record, f, cat({"is ", show(get(record, f)), ", expected one of ", list}));
            }
        };
        one_of("新規コード", "012");
        one_of("振込指定区分", "78");
        one_of("識別表示", " Y");
    }

    void check_trailer(std::string_view record) {
        const auto& F = kTrailerFields;
        const auto ok = check_fields(record, F);
        if (ok[index_of(F, "合計件数")]) {
            const std::int64_t count = to_int(get(record, field(F, "合計件数")));
            if (count != data_count_) {
                add_field_problem(record, field(F, "合計件数"),
                                  cat({"is ", std::to_string(count), " but the file has ",
                                       std::to_string(data_count_), " data records"}));
            }
        }
        if (ok[index_of(F, "合計金額")] && amounts_known_) {
            const std::int64_t total = to_int(get(record, field(F, "合計金額")));
            if (total != amounts_total_) {
                add_field_problem(record, field(F, "合計金額"),
                                  cat({"is ", std::to_string(total),
                                       " yen but the data records add up to ",
                                       std::to_string(amounts_total_), " yen"}));
            }
        }
    }

    void finish() {
        if (state_ == State::start || state_ == State::after_header || state_ == State::in_data) {
            if (!seen_trailer_) add("missing trailer record (データ区分 8)");
        }
        if (state_ != State::after_end) add("missing end record (データ区分 9)");
    }

    std::string_view file_;
    std::vector<std::string> problems_;
    State state_ = State::start;
    std::int64_t record_no_ = 0;
    std::int64_t data_count_ = 0;
    std::int64_t amounts_total_ = 0;
    bool amounts_known_ = true;
    bool seen_trailer_ = false;
};

}  // namespace

std::vector<std::string> validate_zengin_file(std::string_view file) { return Checker(file).run(); }

ZenginFile parse_zengin_file(std::string_view file) {
    const auto problems = validate_zengin_file(file);
    if (!problems.empty()) {
        std::string message = cat({"zengin: invalid file: ", problems.front()});
        if (problems.size() > 1) {
            message.append(cat({" (and ", std::to_string(problems.size() - 1), " more)"}));
        }
        throw ZenginError(message);
    }
    // Valid: header, data…, trailer, end, each exactly 120 bytes + CR LF.
    constexpr std::size_t stride = kRecordBytes + 2;
    const auto text = [](std::string_view record, const auto& fields, std::string_view name) {
        return std::string(trim_trailing_spaces(get(record, field(fields, name))));
    };
    const auto raw = [](std::string_view record, const auto& fields, std::string_view name) {
        return std::string(get(record, field(fields, name)));
    };

    ZenginFile out;
    const std::size_t records = file.size() / stride;
    {
        const std::string_view r = file.substr(0, kRecordBytes);
        const auto& F = kHeaderFields;
        auto& h = out.header;
        h.type_code = raw(r, F, "種別コード");
        h.requester_code = raw(r, F, "振込依頼人コード");
        h.requester_name = text(r, F, "振込依頼人名");
        h.transfer_mmdd = raw(r, F, "取組日");
        h.bank_code = raw(r, F, "仕向銀行番号");
        h.bank_name = text(r, F, "仕向銀行名");
        h.branch_code = raw(r, F, "仕向支店番号");
        h.branch_name = text(r, F, "仕向支店名");
        h.account_type = get(r, field(F, "預金種目"))[0];
        h.account_number = raw(r, F, "口座番号");
    }
    for (std::size_t i = 1; i + 2 < records; ++i) {
        const std::string_view r = file.substr(i * stride, kRecordBytes);
        const auto& F = kDataFields;
        ZenginFile::Data d;
        d.bank_code = raw(r, F, "被仕向銀行番号");
        d.bank_name = text(r, F, "被仕向銀行名");
        d.branch_code = raw(r, F, "被仕向支店番号");
        d.branch_name = text(r, F, "被仕向支店名");
        d.account_type = get(r, field(F, "預金種目"))[0];
        d.account_number = raw(r, F, "口座番号");
        d.holder = text(r, F, "受取人名");
        d.amount_yen = to_int(get(r, field(F, "振込金額")));
        d.customer_code = text(r, F, "顧客コード1");
        out.records.push_back(std::move(d));
    }
    {
        const std::string_view r = file.substr((records - 2) * stride, kRecordBytes);
        out.trailer_count = to_int(get(r, field(kTrailerFields, "合計件数")));
        out.trailer_total_yen = to_int(get(r, field(kTrailerFields, "合計金額")));
    }
    return out;
}

}  // namespace roadside::billing
