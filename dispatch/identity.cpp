#include "dispatch/identity.hpp"

#include "core/text.hpp"

namespace roadside::dispatch {

namespace {

// Hiragana U+3041–U+3096 (UTF-8 E3 81 81 – E3 82 96) is katakana U+30A1–U+30F6 minus 0x60.
void fold_hiragana(std::string& s) {
    for (std::size_t i = 0; i + 2 < s.size(); ++i) {
        const auto b0 = static_cast<unsigned char>(s[i]);
        if (b0 != 0xE3) continue;
        const auto b1 = static_cast<unsigned char>(s[i + 1]);
        const auto b2 = static_cast<unsigned char>(s[i + 2]);
        const unsigned cp = 0x3000u | ((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu);
        if (cp < 0x3041 || cp > 0x3096) continue;
        const unsigned k = cp + 0x60;
        s[i + 1] = static_cast<char>(0x80 | ((k >> 6) & 0x3F));
        s[i + 2] = static_cast<char>(0x80 | (k & 0x3F));
        i += 2;
    }
}

}  // namespace

std::string name_key(std::string_view name) {
    std::string key = core::normalize_identifier(name);
    fold_hiragana(key);
    for (char& c : key) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return key;
}

IdentityCheck check_identity(const CallerIdentity& caller, const Holder& holder) {
    IdentityCheck out;
    if (caller.name) {
        const std::string given = name_key(*caller.name);
        out.name_matches = !given.empty() &&
                           (given == name_key(holder.name) || given == name_key(holder.name_kana));
    }
    if (caller.birth_date) out.birth_date_matches = *caller.birth_date == holder.birth_date;
    return out;
}

}  // namespace roadside::dispatch
