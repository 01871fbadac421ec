#pragma once
// The vehicle from a 車検証閲覧アプリ export ("車検証情報取込ファイル", JSON, 国土交通省), both the
// 登録車 layout (RegistCarLightCar "01") and the 軽自動車 layout ("02").
//
// Pure: the caller (api/) turns the JSON file into the flat map of CertInfo keys to strings (every
// value in the file is a string) and this module reads it.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/calendar.hpp"
#include "dispatch/vehicle.hpp"

namespace roadside::dispatch {

using CertificateFields = std::map<std::string, std::string, std::less<>>;

enum class CertificateLayout { registered, kei };  // 登録車 (01), 軽自動車 (02)

struct ImportedCertificate {
    CertificateLayout layout = CertificateLayout::registered;
    Vehicle vehicle;
    // 登録年月日 (登録車) or 交付年月日 (軽): the 名義変更日 a contract starts on, when known.
    std::optional<core::Date> registration_date;
    std::string user_address;  // 使用者の住所
    std::string use_base_address;  // 使用の本拠の位置 ("＊＊＊" / "使用者住所に同じ" resolved)
    std::string car_name;            // 車名
    std::string model;               // 型式
    std::optional<int> max_load_kg;  // 最大積載量
};

struct CertificateError {
    std::string key;      // the CertInfo key that is missing or unreadable
    std::string problem;  // English, for the 400 response
};

using CertificateResult = std::variant<ImportedCertificate, CertificateError>;

CertificateResult import_certificate(const CertificateFields& cert_info);

// A date written with a Japanese era and space-padded numbers: ("令和", " 8", " 1", " 3") ->
// 2026-01-03. Eras 昭和, 平成, 令和; the year must lie within the era.
std::optional<core::Date> parse_era_date(std::string_view era, std::string_view year,
                                         std::string_view month, std::string_view day);

}  // namespace roadside::dispatch
