#pragma once
// The operator's price list (丙所定の料金表, ロードサービス規定 第7条1). The source documents give no
// figures, so every price is configuration: config/tariff.json. Integer yen, tax included.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace roadside::config {

// The service names a tariff must price, exactly dispatch::Service's names.
inline constexpr const char* kTariffServices[] = {"lockout",    "jump_start", "tire_change",
                                                  "fuel_delivery", "light_work", "tow",
                                                  "wheel_drop_recovery"};

// A paid extra of 第2条 (dolly, crane, tolls, parts, …).
struct TariffExtra {
    std::string code;    // stable snake_case, what partners report
    std::string name;    // a line of English
    std::string clause;  // e.g. "第2条2(2)"
    // The tariff's price per unit, or none when the partner reports the actual cost (実費: tolls,
    // ferry fares, parts, flares).
    std::optional<std::int64_t> unit_yen;
    // 第2条2(12) 増員・増車料金（タイヤ1本、及び落差1m以内からの車両引上げ作業は除く）: an extra
    // worker or truck is not billed to the customer on the free one-tire change or the free
    // one-wheel recovery from a drop of 1 m or less; the warranty pays it there.
    bool not_billed_on_light_recovery = false;
};

struct Tariff {
    // Call-out and work price of each service (per job); the tow price includes loading.
    std::map<std::string, std::int64_t, std::less<>> service_yen;
    std::int64_t tow_per_km_yen = 0;       // per started km towed
    std::int64_t additional_tire_yen = 0;  // each tire changed beyond the free one (第1条1(3))
    std::int64_t storage_per_day_yen = 0;  // per started 24 h beyond the free 24 h
    std::int64_t fuel_per_litre_yen = 0;   // 第2条1(7) the fuel itself
    std::int64_t cancellation_yen = 0;     // 第2条3(7) cancelled after the partner set out
    std::map<std::string, TariffExtra, std::less<>> extras;

    // 0 when absent (a tariff that validated has every service).
    std::int64_t service_price(std::string_view service) const;
    const TariffExtra* find_extra(std::string_view code) const;
};

// Reads and validates a tariff file: every service of kTariffServices priced, all prices
// integers in [0, 10,000,000], extras with snake_case codes, no unknown keys. Throws ConfigError
// naming the file and the field.
Tariff load_tariff(const std::filesystem::path& file);

}  // namespace roadside::config
