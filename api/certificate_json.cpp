#include "api/certificate_json.hpp"

#include "api/errors.hpp"
#include "api/json_in.hpp"

#include <algorithm>

namespace roadside::api {

namespace {
constexpr std::size_t kMaxCertificateKeys = 500;
constexpr std::size_t kMaxValueBytes = 4096;

[[noreturn]] void invalid(const std::string& field, const std::string& key,
                          const std::string& problem) {
    throw ApiError(400, "invalid_certificate",
                   "the vehicle certificate cannot be read: " + key + " " + problem,
                   {{"field", field}, {"key", key}, {"problem", problem}});
}
// The export's text may hold line breaks (NoteInfo) but no other control characters; a NUL
// cannot even be stored.
bool clean_text(const std::string& s) {
    return std::none_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && c != '\n' && c != '\r' && c != '\t') || u == 0x7F;
    });
}

}  // namespace

dispatch::ImportedCertificate read_certificate(const nlohmann::json& doc,
                                               const std::string& field) {
    if (!doc.is_object()) invalid(field, "(file)", "must be the JSON object of the export file");
    const auto version = doc.find("CertInfoImportFileVersion");
    if (version != doc.end() &&
        (!version->is_string() || !clean_text(version->get_ref<const std::string&>()))) {
        invalid(field, "CertInfoImportFileVersion", "must be a string");
    }

    const auto info = doc.find("CertInfo");
    if (info == doc.end()) invalid(field, "CertInfo", "is missing");
    if (!info->is_object()) invalid(field, "CertInfo", "must be an object");
    if (info->size() > kMaxCertificateKeys) invalid(field, "CertInfo", "has too many keys");
    dispatch::CertificateFields fields;
    for (const auto& [key, value] : info->items()) {
        if (!clean_text(key)) invalid(field, "CertInfo", "has a key with control characters");
        if (value.is_null()) continue;
        if (!value.is_string()) invalid(field, key, "must be a string, as in the export file");
        if (value.get_ref<const std::string&>().size() > kMaxValueBytes) {
            invalid(field, key, "is too long");
        }
        if (!clean_text(value.get_ref<const std::string&>())) {
            invalid(field, key, "holds control characters");
        }
        fields.emplace(key, value.get<std::string>());
    }
    if (holds_nul(doc)) invalid(field, "(file)", "holds a NUL character");
    auto result = dispatch::import_certificate(fields);
    if (const auto* error = std::get_if<dispatch::CertificateError>(&result)) {
        invalid(field, error->key, error->problem);
    }
    return std::get<dispatch::ImportedCertificate>(std::move(result));
}

}  // namespace roadside::api
