#pragma once
// Reading request bodies: typed accessors that name the offending field in every 400.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/calendar.hpp"
#include "geo/geodesic.hpp"

namespace roadside::api {

// Parses a request body: 400 malformed_json when it is not JSON, nested deeper than
// kMaxJsonDepth, or not an object.
inline constexpr int kMaxJsonDepth = 32;
nlohmann::json parse_body(std::string_view body);

// True when any key or string in `j` holds U+0000, which neither text nor jsonb columns can store.
// (Field readers reject control characters field by field; this is for JSON stored as it came.)
bool holds_nul(const nlohmann::json& j);

class Fields {
  public:
    // `prefix` is the dotted path of this object inside the body ("" at the top).
    Fields(const nlohmann::json& object, std::string prefix = "");

    bool has(const char* name) const;  // present and not null
    const nlohmann::json* raw(const char* name) const;
    std::string path(const char* name) const { return prefix_ + name; }

    std::string string(const char* name, std::size_t max_chars = 200) const;
    std::optional<std::string> opt_string(const char* name, std::size_t max_chars = 200) const;
    std::int64_t integer(const char* name, std::int64_t min, std::int64_t max) const;
    std::optional<std::int64_t> opt_integer(const char* name, std::int64_t min,
                                            std::int64_t max) const;
    double number(const char* name) const;
    bool boolean(const char* name) const;
    std::optional<bool> opt_boolean(const char* name) const;
    core::Date date(const char* name) const;
    std::optional<core::Date> opt_date(const char* name) const;
    core::Instant instant(const char* name) const;
    std::optional<core::Instant> opt_instant(const char* name) const;
    // {"lat", "lon"} in degrees; 400 invalid_coordinates when out of range.
    geo::LatLon latlon(const char* name) const;
    Fields object(const char* name) const;
    std::optional<Fields> opt_object(const char* name) const;
    std::vector<std::string> string_array(const char* name, std::size_t max_items,
                                          std::size_t max_chars) const;
    // One of the listed values.
    std::string one_of(const char* name, std::initializer_list<std::string_view> allowed) const;

    const nlohmann::json& node() const { return obj_; }

  private:
    const nlohmann::json& get(const char* name) const;  // 400 missing_field when absent or null
    const nlohmann::json& obj_;
    std::string prefix_;
};

// A `limit` query parameter: `fallback` when absent, else an integer in [1, max] (400
// invalid_field naming "limit" otherwise).
int limit_param(const std::optional<std::string>& text, int fallback, int max);

// A UUID in canonical text form (so it can be handed to PostgreSQL's uuid type safely).
bool is_uuid(std::string_view s);

}  // namespace roadside::api
