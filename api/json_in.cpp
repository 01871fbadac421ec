#include "api/json_in.hpp"

#include <charconv>

#include <cmath>
#include <set>

#include "api/errors.hpp"
#include "core/text.hpp"

namespace roadside::api {

using nlohmann::json;

namespace {

// Depth of nesting, scanning outside strings; stops early once over the limit. nlohmann parses
// iteratively, but a bound keeps every later recursive walk (dump, destruction) shallow.
bool too_deep(std::string_view text) {
    int depth = 0;
    bool in_string = false;
    bool escaped = false;
    for (const char c : text) {
        if (in_string) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > kMaxJsonDepth) return true;
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    return false;
}

}  // namespace

bool holds_nul(const json& j) {
    if (j.is_string()) return j.get_ref<const std::string&>().find('\0') != std::string::npos;
    if (j.is_object()) {
        for (const auto& [key, value] : j.items()) {
            if (key.find('\0') != std::string::npos || holds_nul(value)) return true;
        }
    } else if (j.is_array()) {
        for (const auto& value : j) {
            if (holds_nul(value)) return true;
        }
    }
    return false;
}

json parse_body(std::string_view body) {
    if (body.empty()) {
        throw ApiError(400, "malformed_json", "the request body must be a JSON object");
    }
    if (too_deep(body)) {
        throw ApiError(
            400, "malformed_json",
            "the request body is nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    }
    // A key given twice in one object is ambiguous ({"role":"agent","role":"admin"}): refused,
    // not resolved silently in favour of the last one.
    std::vector<std::set<std::string>> keys_by_depth;
    bool duplicate = false;
    const json::parser_callback_t track_keys = [&](int, json::parse_event_t event, json& parsed) {
        if (event == json::parse_event_t::object_start) {
            keys_by_depth.emplace_back();
        } else if (event == json::parse_event_t::object_end) {
            if (!keys_by_depth.empty()) keys_by_depth.pop_back();
        } else if (event == json::parse_event_t::key && !keys_by_depth.empty()) {
            duplicate = duplicate || !keys_by_depth.back().insert(parsed.get<std::string>()).second;
        }
        return true;
    };
    json doc = json::parse(body, track_keys, /*allow_exceptions=*/false);
    if (doc.is_discarded() || body.find('\0') != std::string_view::npos) {
        throw ApiError(400, "malformed_json", "the request body is not valid JSON (UTF-8)");
    }
    if (!doc.is_object()) {
        throw ApiError(400, "malformed_json", "the request body must be a JSON object");
    }
    if (duplicate) {
        throw ApiError(400, "malformed_json", "the request body repeats a key within one object");
    }
    return doc;
}

Fields::Fields(const json& object, std::string prefix) : obj_(object), prefix_(std::move(prefix)) {}

const json* Fields::raw(const char* name) const {
    const auto it = obj_.find(name);
    if (it == obj_.end() || it->is_null()) return nullptr;
    return &*it;
}

bool Fields::has(const char* name) const {
    return raw(name) != nullptr;
}

const json& Fields::get(const char* name) const {
    const json* v = raw(name);
    if (v == nullptr) missing_field(path(name));
    return *v;
}

std::string Fields::string(const char* name, std::size_t max_chars) const {
    const json& v = get(name);
    if (!v.is_string()) invalid_field(path(name), "a string");
    const auto& s = v.get_ref<const std::string&>();
    const std::string trimmed = core::collapse_spaces(core::to_halfwidth(s));
    if (trimmed.empty()) invalid_field(path(name), "a non-empty string");
    if (core::utf8_length(s) > max_chars) {
        invalid_field(path(name),
                      "a string of at most " + std::to_string(max_chars) + " characters");
    }
    for (const char c : s) {
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') {
            invalid_field(path(name), "a string without control characters");
        }
    }
    return s;
}

std::optional<std::string> Fields::opt_string(const char* name, std::size_t max_chars) const {
    if (!has(name)) return std::nullopt;
    const json& v = get(name);
    if (v.is_string() && v.get_ref<const std::string&>().empty()) return std::string();
    return string(name, max_chars);
}

std::int64_t Fields::integer(const char* name, std::int64_t min, std::int64_t max) const {
    const json& v = get(name);
    const std::string expected =
        "an integer between " + std::to_string(min) + " and " + std::to_string(max);
    std::int64_t n = 0;
    if (v.is_number_integer()) {
        if (v.is_number_unsigned() &&
            (max < 0 || v.get<std::uint64_t>() > static_cast<std::uint64_t>(max))) {
            invalid_field(path(name), expected);
        }
        n = v.get<std::int64_t>();
    } else if (v.is_number_float()) {
        // 5.0 is an integer; 5.5 is not.
        const double d = v.get<double>();
        if (!std::isfinite(d) || std::floor(d) != d || d < -9e15 || d > 9e15) {
            invalid_field(path(name), expected);
        }
        n = static_cast<std::int64_t>(d);
    } else {
        invalid_field(path(name), expected);
    }
    if (n < min || n > max) invalid_field(path(name), expected);
    return n;
}

std::optional<std::int64_t> Fields::opt_integer(const char* name, std::int64_t min,
                                                std::int64_t max) const {
    if (!has(name)) return std::nullopt;
    return integer(name, min, max);
}

double Fields::number(const char* name) const {
    const json& v = get(name);
    if (!v.is_number()) invalid_field(path(name), "a number");
    return v.get<double>();
}

bool Fields::boolean(const char* name) const {
    const json& v = get(name);
    if (!v.is_boolean()) invalid_field(path(name), "true or false");
    return v.get<bool>();
}

std::optional<bool> Fields::opt_boolean(const char* name) const {
    if (!has(name)) return std::nullopt;
    return boolean(name);
}

core::Date Fields::date(const char* name) const {
    const json& v = get(name);
    if (!v.is_string()) invalid_field(path(name), "a date YYYY-MM-DD");
    const auto d = core::parse_date(v.get_ref<const std::string&>());
    if (!d) invalid_field(path(name), "a date YYYY-MM-DD");
    return *d;
}

std::optional<core::Date> Fields::opt_date(const char* name) const {
    if (!has(name)) return std::nullopt;
    return date(name);
}

core::Instant Fields::instant(const char* name) const {
    const json& v = get(name);
    const char* expected = "an RFC 3339 time with an offset, e.g. 2026-02-05T10:30:00+09:00";
    if (!v.is_string()) invalid_field(path(name), expected);
    const auto t = core::parse_rfc3339(v.get_ref<const std::string&>());
    // Its Japan-time day must be one a response can write and a date field accepts (1900..9999).
    if (!t || !core::parse_date(core::format_date(core::japan_date(*t)))) {
        invalid_field(path(name), expected);
    }
    return *t;
}

std::optional<core::Instant> Fields::opt_instant(const char* name) const {
    if (!has(name)) return std::nullopt;
    return instant(name);
}

geo::LatLon Fields::latlon(const char* name) const {
    const Fields o = object(name);
    geo::LatLon p;
    const char* parts[] = {"lat", "lon"};
    double* targets[] = {&p.lat_deg, &p.lon_deg};
    for (int i = 0; i < 2; ++i) {
        const json& v = o.get(parts[i]);
        if (!v.is_number()) invalid_field(o.path(parts[i]), "a number of degrees");
        *targets[i] = v.get<double>();
    }
    if (!geo::is_valid(p)) {
        throw ApiError(400, "invalid_coordinates",
                       "\"" + path(name) + "\" must have lat in [-90, 90] and lon in [-180, 180]",
                       {{"field", path(name)}});
    }
    return p;
}

Fields Fields::object(const char* name) const {
    const json& v = get(name);
    if (!v.is_object()) invalid_field(path(name), "an object");
    return Fields(v, path(name) + ".");
}

std::optional<Fields> Fields::opt_object(const char* name) const {
    if (!has(name)) return std::nullopt;
    return object(name);
}

std::vector<std::string> Fields::string_array(const char* name, std::size_t max_items,
                                              std::size_t max_chars) const {
    const json& v = get(name);
    if (!v.is_array()) invalid_field(path(name), "an array of strings");
    if (v.size() > max_items) {
        invalid_field(path(name), "an array of at most " + std::to_string(max_items) + " strings");
    }
    std::vector<std::string> out;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const std::string item_path = path(name) + "[" + std::to_string(i) + "]";
        if (!v[i].is_string() || v[i].get_ref<const std::string&>().empty()) {
            invalid_field(item_path, "a non-empty string");
        }
        if (core::utf8_length(v[i].get_ref<const std::string&>()) > max_chars) {
            invalid_field(item_path, "at most " + std::to_string(max_chars) + " characters");
        }
        out.push_back(v[i].get<std::string>());
    }
    return out;
}

std::string Fields::one_of(const char* name,
                           std::initializer_list<std::string_view> allowed) const {
    const std::string value = string(name, 64);
    std::string list;
    for (const auto a : allowed) {
        if (value == a) return value;
        list += list.empty() ? "" : "|";
        list += a;
    }
    invalid_field(path(name), "one of " + list);
}

int limit_param(const std::optional<std::string>& text, int fallback, int max) {
    if (!text) return fallback;
    int value = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc{} || end != text->data() + text->size() || value < 1 || value > max) {
        invalid_field("limit", "an integer between 1 and " + std::to_string(max));
    }
    return value;
}

bool is_uuid(std::string_view s) {
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return true;
}

}  // namespace roadside::api
