#pragma once
// Who is calling (ロードサービス規定 第3条(1): the caller gives the holder's name, date of birth,
// address and plate). The agent types what the caller says; it is compared with the contract
// holder. A mismatch is a warning on the verdict, never a refusal: a passenger may call for the
// holder, and names are written in more than one script.
#include <optional>
#include <string>
#include <string_view>

#include "core/calendar.hpp"
#include "dispatch/contract.hpp"

namespace roadside::dispatch {

// What the caller said, as the agent confirmed it. Either may be absent (not asked).
struct CallerIdentity {
    std::optional<std::string> name;       // the caller's name
    std::optional<core::Date> birth_date;  // the holder's date of birth, as the caller gave it
};

// Whether each given part matched; nullopt where nothing was given.
struct IdentityCheck {
    std::optional<bool> name_matches;
    std::optional<bool> birth_date_matches;
    bool mismatch() const { return name_matches == false || birth_date_matches == false; }
};

// The form names are compared in: full width folded to half width, every space removed,
// hiragana folded to katakana, Latin letters to lower case. "山田　太郎" and "山田太郎" match;
// "やまだ たろう" matches the kana "ヤマダ タロウ".
std::string name_key(std::string_view name);

// A given name matches the holder's name or its kana reading.
IdentityCheck check_identity(const CallerIdentity& caller, const Holder& holder);

}  // namespace roadside::dispatch
