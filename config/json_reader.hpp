#pragma once
// Reading configuration files (products, tariff): typed field access where every error names the
// file and the field. Internal to config/.
#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>

#include "config/products.hpp"  // ConfigError

namespace roadside::config::detail {

// The document of a configuration file: one JSON object, or ConfigError naming the file.
inline nlohmann::json parse_config_object(const std::string& text, const std::string& file) {
    nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) throw ConfigError(file + ": not valid JSON");
    if (!doc.is_object()) throw ConfigError(file + ": must hold one JSON object");
    return doc;
}

class JsonReader {
  public:
    // `prefix` is the dotted path of this object inside the file ("mileage_limit.").
    JsonReader(const nlohmann::json& obj, std::string file, std::string prefix = "")
        : obj_(obj), file_(std::move(file)), prefix_(std::move(prefix)) {}

    [[noreturn]] void fail(const std::string& field, const std::string& problem) const {
        throw ConfigError(file_ + ": field \"" + prefix_ + field + "\": " + problem);
    }

    // A misspelt key would silently lose a setting, so every key must be known.
    void only_keys(std::initializer_list<const char*> known) const {
        for (const auto& [key, value] : obj_.items()) {
            bool ok = false;
            for (const char* k : known) ok = ok || key == k;
            if (!ok) fail(key, "unknown key");
        }
    }

    const nlohmann::json& get(const std::string& field) const {
        const auto it = obj_.find(field);
        if (it == obj_.end()) fail(field, "is missing");
        return *it;
    }

    std::string string(const std::string& field) const {
        const nlohmann::json& v = get(field);
        if (!v.is_string() || v.get_ref<const std::string&>().empty()) {
            fail(field, "must be a non-empty string");
        }
        return v.get<std::string>();
    }

    bool boolean(const std::string& field) const {
        const nlohmann::json& v = get(field);
        if (!v.is_boolean()) fail(field, "must be true or false");
        return v.get<bool>();
    }

    std::int64_t integer(const std::string& field, std::int64_t min, std::int64_t max) const {
        const nlohmann::json& v = get(field);
        if (!v.is_number_integer()) fail(field, "must be an integer");
        const auto n = v.get<std::int64_t>();
        if (n < min || n > max) {
            fail(field, "must be between " + std::to_string(min) + " and " + std::to_string(max));
        }
        return n;
    }

    std::string one_of(const std::string& field, std::initializer_list<const char*> allowed) const {
        std::string value = string(field);
        std::string list;
        for (const char* a : allowed) {
            if (value == a) return value;
            list += list.empty() ? a : std::string(", ") + a;
        }
        fail(field, "must be one of: " + list);
    }

    const nlohmann::json& object(const std::string& field) const {
        const nlohmann::json& v = get(field);
        if (!v.is_object()) fail(field, "must be an object");
        return v;
    }

    const nlohmann::json& array(const std::string& field) const {
        const nlohmann::json& v = get(field);
        if (!v.is_array()) fail(field, "must be an array");
        return v;
    }

    const std::string& file() const { return file_; }

  private:
    const nlohmann::json& obj_;
    std::string file_;
    std::string prefix_;
};

}  // namespace roadside::config::detail
