#include "dispatch/certificate.hpp"

#include <array>
#include <cassert>
#include <charconv>
#include <cstddef>
#include <utility>

#include "core/text.hpp"

namespace roadside::dispatch {

namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::sys_days;
using std::chrono::year;

// Every value this importer reads is a short field of the certificate (the longest is an address);
// anything longer is not a 車検証 export and is refused rather than copied into a contract.
constexpr std::size_t kMaxValueBytes = 1024;

// The certificate prints era years, months and days as two space-padded digits.
constexpr std::size_t kMaxDateDigits = 2;
constexpr int kMaxEraYear = 99;

// Sizes, weights and seats on the certificate are whole numbers; bound them so that a typo (or a
// hostile file) cannot produce a vehicle no road has ever seen, nor overflow the cm -> mm factor.
constexpr std::size_t kMaxNumberDigits = 7;
constexpr int kMillimetresPerCentimetre = 10;

struct Bounds {
    std::string_view unit;  // "centimetres", "kilograms", "seats"
    int min;
    int max;
};
constexpr Bounds kLengthCm{"centimetres", 1, 10'000};
constexpr Bounds kWidthCm{"centimetres", 1, 1'000};
constexpr Bounds kHeightCm{"centimetres", 1, 1'000};
constexpr Bounds kGrossWeightKg{"kilograms", 1, 200'000};
constexpr Bounds kMaxLoadKg{"kilograms", 0, 200'000};
constexpr Bounds kSeats{"seats", 1, 999};

// ---------------------------------------------------------------------------------------------
// Japanese era dates

struct Era {
    std::string_view name;
    core::Date first;                // 元年 starts on this day
    std::optional<core::Date> last;  // the era's last day; the current era has none
};

constexpr core::Date ymd(int y, unsigned m, unsigned d) {
    return core::Date{year{y}, month{m}, day{d}};
}

// 昭和 1926-12-25 .. 1989-01-07, 平成 1989-01-08 .. 2019-04-30, 令和 from 2019-05-01.
const std::array<Era, 3> kEras{{
    {"昭和", ymd(1926, 12, 25), ymd(1989, 1, 7)},
    {"平成", ymd(1989, 1, 8), ymd(2019, 4, 30)},
    {"令和", ymd(2019, 5, 1), std::nullopt},
}};

// Full-width folded to half-width, padding trimmed, inner runs of spaces collapsed to one.
std::string tidy(std::string_view text) {
    return core::collapse_spaces(core::to_halfwidth(text));
}

// Only ASCII digits (after tidy), at most `max_digits` of them; no sign, no separators.
std::optional<int> parse_digits(std::string_view digits, std::size_t max_digits) {
    if (digits.empty() || digits.size() > max_digits) return std::nullopt;
    for (const char c : digits) {
        if (c < '0' || c > '9') return std::nullopt;
    }
    int value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
    return value;
}

enum class DatePart { era, year, month, day };

struct DateProblem {
    DatePart part;
    std::string problem;
};

std::variant<core::Date, DateProblem> read_era_date(std::string_view era_text,
                                                    std::string_view year_text,
                                                    std::string_view month_text,
                                                    std::string_view day_text) {
    const std::string era_name = tidy(era_text);
    const Era* era = nullptr;
    for (const Era& e : kEras) {
        if (e.name == era_name) era = &e;
    }
    if (era == nullptr) return DateProblem{DatePart::era, "must be 昭和, 平成 or 令和"};

    // 元年 is how the first year of an era is written; the export uses " 1" but people copy "元".
    const std::string year_digits = tidy(year_text);
    const std::optional<int> era_year =
        year_digits == "元" ? std::optional<int>{1} : parse_digits(year_digits, kMaxDateDigits);
    if (!era_year || *era_year < 1 || *era_year > kMaxEraYear) {
        return DateProblem{DatePart::year, "must be a year of the era (元 or 1..99)"};
    }
    const std::optional<int> month_number = parse_digits(tidy(month_text), kMaxDateDigits);
    if (!month_number || *month_number < 1 || *month_number > 12) {
        return DateProblem{DatePart::month, "must be a month (1..12)"};
    }
    const std::optional<int> day_number = parse_digits(tidy(day_text), kMaxDateDigits);
    if (!day_number || *day_number < 1) return DateProblem{DatePart::day, "must be a day (1..31)"};

    const core::Date date{era->first.year() + std::chrono::years{*era_year - 1},
                          month{static_cast<unsigned>(*month_number)},
                          day{static_cast<unsigned>(*day_number)}};
    if (!date.ok()) return DateProblem{DatePart::day, "is not a day of that month"};
    // 平成31年5月1日 does not exist: that day is 令和元年5月1日.
    if (sys_days{date} < sys_days{era->first} ||
        (era->last && sys_days{date} > sys_days{*era->last})) {
        return DateProblem{DatePart::year,
                           "the date lies outside the era " + std::string(era->name)};
    }
    return date;
}

std::string_view suffix(DatePart part) {
    switch (part) {
        case DatePart::era:
            return "E";
        case DatePart::year:
            return "Y";
        case DatePart::month:
            return "M";
        case DatePart::day:
            return "D";
    }
    return "";
}

// ---------------------------------------------------------------------------------------------
// Reading CertInfo

enum class Need { required, optional };

// Reads CertInfo values and keeps the first problem it meets. The 400 response names one key; the
// first in reading order is deterministic, which is all the client needs to fix its file.
class FieldReader {
  public:
    explicit FieldReader(const CertificateFields& fields) : fields_(fields) {}

    bool failed() const { return error_.has_value(); }
    const CertificateError& error() const { return *error_; }

    void fail(std::string_view key, std::string problem) {
        if (!error_) error_ = CertificateError{std::string(key), std::move(problem)};
    }

    bool has(std::string_view key) const { return fields_.find(key) != fields_.end(); }

    // True when the key is present with something other than padding.
    bool has_text(std::string_view key) const {
        const auto it = fields_.find(key);
        return it != fields_.end() && !tidy(it->second).empty();
    }

    // The value, tidied (half-width, trimmed, single spaces). A missing or blank value is nullopt,
    // and a problem when the key is required.
    std::optional<std::string> text(std::string_view key, Need need) {
        const auto it = fields_.find(key);
        if (it == fields_.end()) {
            if (need == Need::required) fail(key, "is missing");
            return std::nullopt;
        }
        const std::string& raw = it->second;
        if (raw.size() > kMaxValueBytes) {
            fail(key, "is longer than " + std::to_string(kMaxValueBytes) + " bytes");
            return std::nullopt;
        }
        if (!core::is_valid_utf8(raw)) {
            fail(key, "must be valid UTF-8");
            return std::nullopt;
        }
        std::string value = tidy(raw);
        if (value.empty()) {
            if (need == Need::required) fail(key, "must not be empty");
            return std::nullopt;
        }
        return value;
    }

    // A whole number within bounds. "-" (not applicable) is nullopt for an optional key.
    std::optional<int> number(std::string_view key, const Bounds& bounds, Need need) {
        const std::optional<std::string> value = text(key, need);
        if (!value) return std::nullopt;
        if (*value == "-" && need == Need::optional) return std::nullopt;
        const std::optional<int> n = parse_digits(*value, kMaxNumberDigits);
        if (!n) {
            fail(key, "must be a number of " + std::string(bounds.unit));
            return std::nullopt;
        }
        if (*n < bounds.min || *n > bounds.max) {
            fail(key, "must be between " + std::to_string(bounds.min) + " and " +
                          std::to_string(bounds.max) + " " + std::string(bounds.unit));
            return std::nullopt;
        }
        return n;
    }

    // One of a fixed set of words, compared with every space (full- or half-width) removed, so that
    // "小　型", "小 型" and "小型" are the same.
    template <typename T, std::size_t N>
    std::optional<T> word(std::string_view key,
                          const std::array<std::pair<std::string_view, T>, N>& words,
                          std::string_view expected) {
        const std::optional<std::string> value = text(key, Need::required);
        if (!value) return std::nullopt;
        const std::string compact = core::normalize_identifier(*value);
        for (const auto& [name, result] : words) {
            if (name == compact) return result;
        }
        fail(key, "must be " + std::string(expected));
        return std::nullopt;
    }

    // The date written in the four keys <prefix>E, <prefix>Y, <prefix>M, <prefix>D. An optional
    // date whose four keys are all absent or blank is nullopt; a partly written one is a problem.
    std::optional<core::Date> era_date(std::string_view prefix, Need need) {
        const std::array<std::string, 4> keys{std::string(prefix) + "E", std::string(prefix) + "Y",
                                              std::string(prefix) + "M", std::string(prefix) + "D"};
        if (need == Need::optional) {
            bool any = false;
            for (const std::string& key : keys) any = any || has_text(key);
            if (!any) return std::nullopt;
        }
        std::array<std::string, 4> parts;
        for (std::size_t i = 0; i < keys.size(); ++i) {
            const std::optional<std::string> part = text(keys[i], Need::required);
            if (!part) return std::nullopt;
            parts[i] = *part;
        }
        auto result = read_era_date(parts[0], parts[1], parts[2], parts[3]);
        if (const auto* problem = std::get_if<DateProblem>(&result)) {
            fail(std::string(prefix) + std::string(suffix(problem->part)), problem->problem);
            return std::nullopt;
        }
        return std::get<core::Date>(result);
    }

  private:
    const CertificateFields& fields_;
    std::optional<CertificateError> error_;
};

// ---------------------------------------------------------------------------------------------
// Vocabulary of the certificate

const std::array<std::pair<std::string_view, VehicleKind>, 5> kKinds{{
    {"普通", VehicleKind::ordinary},
    {"小型", VehicleKind::small},
    {"軽自動車", VehicleKind::kei},
    {"大型特殊", VehicleKind::large_special},
    {"小型特殊", VehicleKind::small_special},
}};

const std::array<std::pair<std::string_view, VehicleUse>, 5> kUses{{
    {"乗用", VehicleUse::passenger},
    {"貨物", VehicleUse::cargo},
    {"乗合", VehicleUse::bus},
    {"特種", VehicleUse::special},
    {"特種用途", VehicleUse::special},
}};

const std::array<std::pair<std::string_view, bool>, 2> kPrivateBusiness{{
    {"自家用", true},
    {"事業用", false},
}};

// "＊＊＊" (after folding: "***") stands for "same as the item above" on the certificate.
bool is_same_as_above(std::string_view tidied) {
    return tidied == "***";
}
bool is_users_address(std::string_view tidied) {
    return tidied == "使用者住所に同じ";
}

constexpr std::string_view kLayoutKey = "RegistCarLightCar";

// Keys only one of the two layouts uses, to recognise a file whose RegistCarLightCar is missing.
constexpr std::array<std::string_view, 6> kRegisteredOnlyKeys{
    "UserAddressChar", "UseheadqrterChar", "OwnerAddressChar",
    "ReggrantdateE",   "FirstregistdateE", "FfAxWgt"};
constexpr std::array<std::string_view, 5> kKeiOnlyKeys{"UserAddress", "Useheadqrter",
                                                       "OwnerAddress", "FirstexamdateE", "FAxWgt"};

std::optional<CertificateLayout> read_layout(FieldReader& in) {
    const std::optional<std::string> code = in.text(kLayoutKey, Need::optional);
    if (in.failed()) return std::nullopt;
    if (code) {
        if (*code == "01" || *code == "1") return CertificateLayout::registered;
        if (*code == "02" || *code == "2") return CertificateLayout::kei;
        in.fail(kLayoutKey, "must be 01 (登録車) or 02 (軽自動車)");
        return std::nullopt;
    }
    bool registered = false;
    bool kei = false;
    for (const auto key : kRegisteredOnlyKeys) registered = registered || in.has(key);
    for (const auto key : kKeiOnlyKeys) kei = kei || in.has(key);
    if (registered != kei)
        return registered ? CertificateLayout::registered : CertificateLayout::kei;
    in.fail(kLayoutKey,
            "is missing, and the keys present fit neither the 登録車 nor the 軽 layout");
    return std::nullopt;
}

// An address the 登録車 layout splits into its written part and its number part (丁目・番地).
std::string joined_address(FieldReader& in, std::string_view char_key,
                           std::string_view number_key) {
    const std::string written = in.text(char_key, Need::optional).value_or("");
    const std::string number = in.text(number_key, Need::optional).value_or("");
    return tidy(written + number);
}

struct Addresses {
    std::string user;
    std::string use_base;
};

Addresses read_addresses(FieldReader& in, CertificateLayout layout) {
    const bool registered = layout == CertificateLayout::registered;
    const std::string user_written =
        registered ? joined_address(in, "UserAddressChar", "UserAddressNumValue")
                   : in.text("UserAddress", Need::optional).value_or("");
    const std::string owner_written =
        registered ? joined_address(in, "OwnerAddressChar", "OwnerAddressNumValue")
                   : in.text("OwnerAddress", Need::optional).value_or("");
    const std::string base_written =
        registered ? joined_address(in, "UseheadqrterChar", "UseheadqrterNumValue")
                   : in.text("Useheadqrter", Need::optional).value_or("");

    Addresses out;
    // The user is printed under the owner: "＊＊＊" there means the user is the owner. An owner who
    // in turn refers back to the user (or who moved into NoteInfo, form B) leaves nothing to copy.
    out.user = user_written;
    if (is_same_as_above(user_written)) {
        const bool owner_usable =
            !is_same_as_above(owner_written) && !is_users_address(owner_written);
        out.user = owner_usable ? owner_written : "";
    }
    // 使用の本拠の位置 is printed under the user: "＊＊＊" and "使用者住所に同じ" both mean the
    // user's address.
    out.use_base = base_written;
    if (is_same_as_above(base_written) || is_users_address(base_written)) out.use_base = out.user;
    return out;
}

}  // namespace

std::optional<core::Date> parse_era_date(std::string_view era, std::string_view year_text,
                                         std::string_view month_text, std::string_view day_text) {
    auto result = read_era_date(era, year_text, month_text, day_text);
    if (const auto* date = std::get_if<core::Date>(&result)) return *date;
    return std::nullopt;
}

CertificateResult import_certificate(const CertificateFields& cert_info) {
    FieldReader in(cert_info);
    const std::optional<CertificateLayout> layout = read_layout(in);
    if (!layout) return in.error();

    ImportedCertificate out;
    out.layout = *layout;
    Vehicle& v = out.vehicle;

    // The readable plate; dispatch/plate.hpp's normalize_plate builds the matching key from it.
    v.plate = in.text("EntryNoCarNo", Need::required).value_or("");
    v.chassis_no = in.text("CarNo", Need::optional).value_or("");

    const std::optional<VehicleKind> kind =
        in.word("CarKind", kKinds, "普通, 小型, 軽自動車, 大型特殊 or 小型特殊");
    const std::optional<VehicleUse> use = in.word("Use", kUses, "乗用, 貨物, 乗合 or 特種");
    const std::optional<bool> private_use =
        in.word("PrivateBusiness", kPrivateBusiness, "自家用 or 事業用");
    v.body_shape = in.text("CarShape", Need::required).value_or("");

    v.seating_capacity = in.number("Cap", kSeats, Need::required).value_or(0);
    v.gross_weight_kg = in.number("CarTotalWgt", kGrossWeightKg, Need::required).value_or(0);
    // ロードサービス規定 第5条 limits are in mm; the certificate writes cm.
    v.length_mm =
        in.number("Length", kLengthCm, Need::required).value_or(0) * kMillimetresPerCentimetre;
    v.width_mm =
        in.number("Width", kWidthCm, Need::required).value_or(0) * kMillimetresPerCentimetre;
    if (const auto height_cm = in.number("Height", kHeightCm, Need::optional)) {
        v.height_mm = *height_cm * kMillimetresPerCentimetre;
    }
    out.max_load_kg = in.number("Maxloadage", kMaxLoadKg, Need::optional);

    const std::optional<core::Date> expiry = in.era_date("ValidPeriodExpirdate", Need::required);

    // 登録年月日 is the 名義変更日 of a 登録車; a 軽 certificate only has the 交付年月日. A 登録車
    // file without 登録年月日 falls back to its 交付年月日, which is the same day for a new
    // certificate.
    const bool use_reg_grant = *layout == CertificateLayout::registered &&
                               (in.has_text("ReggrantdateE") || in.has_text("ReggrantdateY") ||
                                in.has_text("ReggrantdateM") || in.has_text("ReggrantdateD"));
    out.registration_date =
        in.era_date(use_reg_grant ? "Reggrantdate" : "Grantdate", Need::optional);

    Addresses addresses = read_addresses(in, *layout);
    out.user_address = std::move(addresses.user);
    out.use_base_address = std::move(addresses.use_base);
    out.car_name = in.text("CarName", Need::optional).value_or("");
    out.model = in.text("Model", Need::optional).value_or("");

    if (in.failed()) return in.error();
    // Every reader that came back empty recorded a problem above.
    assert(kind && use && private_use && expiry);

    v.kind = *kind;
    v.use = *use;
    v.private_use = *private_use;
    v.inspection_expiry = *expiry;
    // ロードサービス規定 第5条 excludes two-wheelers, and the certificate gives a motorcycle the
    // kind of its displacement (小型) — only the body shape says it has two wheels.
    if (is_two_wheel_shape(v.body_shape)) v.kind = VehicleKind::two_wheel;
    return out;
}

}  // namespace roadside::dispatch
