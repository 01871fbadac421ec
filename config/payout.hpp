#pragma once
// The company that pays the customers' claims: the requester (振込依頼人) of the 全銀協 総合振込
// file (config/payout.json). Checked for the Zengin format by the server at start
// (billing::validate_requester).
#include <filesystem>
#include <string>

namespace roadside::config {

struct PayoutRequester {
    std::string code;              // 振込依頼人コード, assigned by the bank: 1..10 digits
    std::string name_kana;         // 振込依頼人名, katakana
    std::string bank_code;         // 仕向銀行番号, 4 digits
    std::string bank_name_kana;    // 仕向銀行名 (may be empty)
    std::string branch_code;       // 仕向支店番号, 3 digits
    std::string branch_name_kana;  // 仕向支店名 (may be empty)
    std::string account_type;      // ordinary | current | savings
    std::string account_number;    // 7 digits
};

// Throws ConfigError naming the file and the field.
PayoutRequester load_payout_requester(const std::filesystem::path& file);

}  // namespace roadside::config
