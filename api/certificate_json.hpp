#pragma once
// The 車検証閲覧アプリ export file as JSON -> the flat CertInfo map the importer reads.
#include <nlohmann/json.hpp>
#include <string>

#include "dispatch/certificate.hpp"

namespace roadside::api {

// `doc` is the whole file ({"CertInfoImportFileVersion", "CertInfo": {...}}); `field` names where
// it sits in the request, for error messages. Throws ApiError 400 invalid_certificate naming the
// key that is missing or unreadable.
dispatch::ImportedCertificate read_certificate(const nlohmann::json& doc, const std::string& field);

}  // namespace roadside::api
