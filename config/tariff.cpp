#include "config/tariff.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "config/json_reader.hpp"

namespace roadside::config {

using nlohmann::json;

std::int64_t Tariff::service_price(std::string_view service) const {
    const auto it = service_yen.find(service);
    return it == service_yen.end() ? 0 : it->second;
}

const TariffExtra* Tariff::find_extra(std::string_view code) const {
    const auto it = extras.find(code);
    return it == extras.end() ? nullptr : &it->second;
}

namespace {

// Prices are whole yen, tax included; ten million yen is far above any road-service price and
// keeps every quantity × price in billing far from overflowing.
constexpr std::int64_t kMaxPriceYen = 10'000'000;

// Line codes billing gives its own lines (billing/charges.hpp); an extra with one of these codes
// would be indistinguishable from them on an invoice.
bool reserved_code(std::string_view code) {
    for (const char* s : kTariffServices) {
        if (code == s) return true;
    }
    for (const char* s :
         {"tow_km", "tow_km_beyond_free", "storage", "fuel", "cancellation", "additional_tire"}) {
        if (code == s) return true;
    }
    return false;
}

using Reader = detail::JsonReader;

// A price: an integer number of yen (13000, not 13000.0 or "13000") in [0, kMaxPriceYen].
std::int64_t price(const Reader& r, const std::string& field) {
    const json& v = r.get(field);
    if (!v.is_number_integer()) r.fail(field, "must be an integer number of yen");
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > std::uint64_t(kMaxPriceYen)) {
        r.fail(field, "must be between 0 and " + std::to_string(kMaxPriceYen));
    }
    const auto n = v.get<std::int64_t>();
    if (n < 0 || n > kMaxPriceYen) {
        r.fail(field, "must be between 0 and " + std::to_string(kMaxPriceYen));
    }
    return n;
}

// `where` is the extra's place in the file, "extras[3]".
TariffExtra parse_extra(const json& obj, const std::string& file, const std::string& where) {
    if (!obj.is_object()) throw ConfigError(file + ": field \"" + where + "\": must be an object");
    const Reader r(obj, file, where + ".");
    r.only_keys({"code", "name", "clause", "unit_yen", "not_billed_on_light_recovery"});
    TariffExtra e;
    e.code = r.string("code");
    // Partners report extras by code, so codes are stable snake_case identifiers.
    static const std::regex kCode("[a-z][a-z0-9_]{0,39}");
    if (!std::regex_match(e.code, kCode)) {
        r.fail("code", "must match ^[a-z][a-z0-9_]{0,39}$");
    }
    if (reserved_code(e.code)) r.fail("code", "\"" + e.code + "\" is a reserved line code");
    e.name = r.string("name");
    e.clause = r.string("clause");
    // Required, so that every extra says explicitly whether the tariff prices it or the partner
    // reports the actual cost (実費, null).
    if (!r.get("unit_yen").is_null()) e.unit_yen = price(r, "unit_yen");
    if (obj.contains("not_billed_on_light_recovery")) {
        e.not_billed_on_light_recovery = r.boolean("not_billed_on_light_recovery");
    }
    return e;
}

Tariff parse_tariff(const std::string& text, const std::string& file) {
    const json doc = detail::parse_config_object(text, file);
    const Reader r(doc, file);
    r.only_keys({"_comment", "service_yen", "tow_per_km_yen", "additional_tire_yen",
                 "storage_per_day_yen", "fuel_per_litre_yen", "cancellation_yen", "extras"});
    // The comment says where the figures come from; it is free text but must be text.
    if (doc.contains("_comment")) (void)r.string("_comment");

    Tariff t;
    const json& services = r.object("service_yen");
    const Reader s(services, file, "service_yen.");
    for (const auto& [key, value] : services.items()) {
        bool known = false;
        for (const char* name : kTariffServices) known = known || key == name;
        if (!known) s.fail(key, "unknown service");
    }
    for (const char* name : kTariffServices) t.service_yen.emplace(name, price(s, name));

    t.tow_per_km_yen = price(r, "tow_per_km_yen");
    t.additional_tire_yen = price(r, "additional_tire_yen");
    t.storage_per_day_yen = price(r, "storage_per_day_yen");
    t.fuel_per_litre_yen = price(r, "fuel_per_litre_yen");
    t.cancellation_yen = price(r, "cancellation_yen");

    const json& extras = r.array("extras");
    for (std::size_t i = 0; i < extras.size(); ++i) {
        const std::string prefix = "extras[" + std::to_string(i) + "]";
        TariffExtra e = parse_extra(extras[i], file, prefix);
        if (t.extras.contains(e.code)) {
            throw ConfigError(file + ": field \"" + prefix + ".code\": duplicate code \"" +
                              e.code + "\"");
        }
        const std::string code = e.code;
        t.extras.emplace(code, std::move(e));
    }
    return t;
}

}  // namespace

Tariff load_tariff(const std::filesystem::path& file) {
    // Without a tariff no job can be priced, so a missing file stops the server at start.
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) {
        throw ConfigError(file.string() + ": tariff file not found");
    }
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    if (!in || in.bad()) throw ConfigError(file.string() + ": cannot be read");
    return parse_tariff(text.str(), file.string());
}

}  // namespace roadside::config
