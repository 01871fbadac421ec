#include "config/payout.hpp"

#include <fstream>
#include <regex>
#include <sstream>

#include "config/json_reader.hpp"

namespace roadside::config {

namespace {

std::string digits(const detail::JsonReader& r, const char* field, std::size_t min,
                   std::size_t max) {
    std::string v = r.string(field);
    bool ok = v.size() >= min && v.size() <= max;
    for (const char c : v) ok = ok && c >= '0' && c <= '9';
    if (!ok) {
        r.fail(field, min == max ? "must be " + std::to_string(min) + " digits"
                                 : "must be " + std::to_string(min) + " to " +
                                       std::to_string(max) + " digits");
    }
    return v;
}

std::string optional_string(const nlohmann::json& doc, const char* field,
                            const detail::JsonReader& r) {
    const auto it = doc.find(field);
    if (it == doc.end()) return "";
    if (!it->is_string()) r.fail(field, "must be a string");
    return it->get<std::string>();
}

}  // namespace

PayoutRequester load_payout_requester(const std::filesystem::path& file) {
    const std::string name = file.string();
    std::ifstream in(file, std::ios::binary);
    if (!in) throw ConfigError(name + ": cannot be read");
    std::ostringstream text;
    text << in.rdbuf();
    const nlohmann::json doc = detail::parse_config_object(text.str(), name);
    const detail::JsonReader r(doc, name);
    r.only_keys({"requester_code", "requester_name_kana", "bank_code", "bank_name_kana",
                 "branch_code", "branch_name_kana", "account_type", "account_number"});
    PayoutRequester p;
    p.code = digits(r, "requester_code", 1, 10);
    p.name_kana = r.string("requester_name_kana");
    p.bank_code = digits(r, "bank_code", 4, 4);
    p.bank_name_kana = optional_string(doc, "bank_name_kana", r);
    p.branch_code = digits(r, "branch_code", 3, 3);
    p.branch_name_kana = optional_string(doc, "branch_name_kana", r);
    p.account_type = r.one_of("account_type", {"ordinary", "current", "savings"});
    p.account_number = digits(r, "account_number", 7, 7);
    return p;
}

}  // namespace roadside::config
