#pragma once
// Bank accounts and the 全銀協 総合振込 transfer file (Zengin format, 種別コード 21).
//
// The file is a sequence of 120-byte records, each followed by CR LF, in JIS X 0201 (half-width
// katakana as single bytes 0xA1..0xDF, as in Shift_JIS):
//   header  (データ区分 1) ×1, data (2) ×n, trailer (8) ×1, end (9) ×1.
// Numeric fields (N) are right-aligned and zero-filled; character fields (C) are left-aligned and
// space-filled. Pure: no I/O.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/calendar.hpp"

namespace roadside::billing {

// 預金種目: 1 普通 (ordinary), 2 当座 (current), 4 貯蓄 (savings).
enum class AccountType { ordinary, current, savings };
std::string_view to_string(AccountType t);  // "ordinary" | "current" | "savings"
std::optional<AccountType> parse_account_type(std::string_view text);
char zengin_code(AccountType t);  // '1' | '2' | '4'

struct BankAccount {
    std::string bank_code;    // exactly 4 ASCII digits
    std::string branch_code;  // exactly 3 ASCII digits
    AccountType type = AccountType::ordinary;
    std::string number;       // exactly 7 ASCII digits
    std::string holder_kana;  // as given (UTF-8, katakana)
};

struct BankAccountError {
    std::string field;    // "bank_code", "branch_code", "type", "number", "holder_kana"
    std::string code;     // stable: "invalid_bank_code", "invalid_branch_code", "invalid_account_number",
                          // "invalid_holder_kana", "holder_kana_too_long"
    std::string message;  // English, for the customer
};

// Validates an account as a customer typed it. Digits must be ASCII (full-width digits are
// accepted and normalised by the caller with core::to_halfwidth before). The holder name must
// convert with to_zengin_kana and fit the 30-byte 受取人名 field, and contain at least one kana.
std::optional<BankAccountError> validate_bank_account(const BankAccount& account);

// Full-width (or half-width) katakana name -> the JIS X 0201 bytes of the Zengin character set:
//  - katakana -> half-width (ア -> 0xB1), voiced / semi-voiced marks as a separate byte after the
//    letter (ガ -> ｶﾞ 0xB6 0xDE, パ -> ﾊﾟ 0xCA 0xDF, ヴ -> ｳﾞ);
//  - small kana made large (ァ -> ｱ, ッ -> ﾂ, ャ -> ﾔ, ヮ -> ﾜ, ヵ -> ｶ, ヶ -> ｹ); ヰ -> ｲ, ヱ -> ｴ;
//  - the long vowel mark ー and dashes -> '-'; 　(U+3000) and ' ' -> ' ';
//  - full-width digits / latin -> ASCII, lower case latin -> upper case; （）．，／ -> ( ) . , /;
//    ｢ ｣ and 「」 -> 0xA2 0xA3; ・ -> '.';
//  - already half-width katakana is kept (small ones made large).
// Returns std::nullopt when the text has any other character (hiragana, kanji, …).
std::optional<std::string> to_zengin_kana(std::string_view utf8);

// Whether every byte is in the Zengin character set: '0'-'9', 'A'-'Z', ' ', '(', ')', '-', '.',
// '/', ',', '\\', 0xA2, 0xA3 (｢ ｣), 0xA6 (ｦ), 0xB1..0xDD (ｱ..ﾝ), 0xDE (ﾞ), 0xDF (ﾟ).
bool is_zengin_text(std::string_view bytes);

// The transfer requester (依頼人), from configuration.
struct ZenginRequester {
    std::string code;         // 振込依頼人コード: 1..10 digits
    std::string name_kana;    // 振込依頼人名, converted with to_zengin_kana, at most 40 bytes
    std::string bank_code;    // 4 digits
    std::string bank_name_kana;    // ≤ 15 bytes after conversion (may be empty)
    std::string branch_code;  // 3 digits
    std::string branch_name_kana;  // ≤ 15 bytes after conversion (may be empty)
    AccountType account_type = AccountType::ordinary;
    std::string account_number;  // 7 digits
};
// Why a requester is unusable (for config validation), or nullopt.
std::optional<std::string> validate_requester(const ZenginRequester& r);

struct ZenginTransfer {
    BankAccount to;
    std::int64_t amount_yen = 0;  // 1 .. 9,999,999,999
    std::string customer_code;    // 顧客コード1: up to 10 ASCII digits/upper letters (may be empty)
};

struct ZenginError : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

// The whole file: header, one data record per transfer in order, trailer (count and total),
// end record; every record 120 bytes + "\r\n". 取組日 is transfer_date as MMDD.
// Data records: 被仕向銀行名 / 支店名 blank, 手形交換所番号 0000, 新規コード '0', 顧客コード2 blank,
// 振込指定区分 '7' (電信), 識別表示 ' '.
// Throws ZenginError for a requester or transfer that cannot be encoded (validate first).
std::string make_zengin_file(const ZenginRequester& requester, core::Date transfer_date,
                             const std::vector<ZenginTransfer>& transfers);

// The parsed content of a file (what make_zengin_file wrote; names stay in JIS X 0201 bytes).
struct ZenginFile {
    struct Header {
        std::string type_code;  // "21"
        std::string requester_code;   // 10 digits as written
        std::string requester_name;   // trailing spaces removed
        std::string transfer_mmdd;    // "MMDD"
        std::string bank_code, bank_name, branch_code, branch_name;
        char account_type = '1';
        std::string account_number;
    } header;
    struct Data {
        std::string bank_code, bank_name, branch_code, branch_name;
        char account_type = '1';
        std::string account_number;
        std::string holder;  // trailing spaces removed
        std::int64_t amount_yen = 0;
        std::string customer_code;  // trailing spaces removed
    };
    std::vector<Data> records;
    std::int64_t trailer_count = 0;
    std::int64_t trailer_total_yen = 0;
};

// Checks a file against the format and returns every problem found (empty when valid): record
// lengths (exactly 120 bytes then CR LF, nothing after the end record), the record order
// (1, 2…, 8, 9), データ区分 / 種別コード 21 / コード区分 0, numeric fields all digits (zero-filled),
// character fields in the Zengin set, 預金種目 in {1,2,4,9}, amounts > 0, the trailer's count and
// total equal to the data records', dummy fields blank.
std::vector<std::string> validate_zengin_file(std::string_view file);

// Parses a file that validate_zengin_file accepts; throws ZenginError otherwise.
ZenginFile parse_zengin_file(std::string_view file);

}  // namespace roadside::billing
