#include "api/errors.hpp"

namespace roadside::api {

std::string error_body(std::string_view code, std::string_view message,
                       const nlohmann::json& details) {
    nlohmann::json body = {{"error", {{"code", code}, {"message", message}, {"details", details}}}};
    return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void missing_field(const std::string& field) {
    throw ApiError(400, "missing_field", "the field \"" + field + "\" is required",
                   {{"field", field}});
}

void invalid_field(const std::string& field, const std::string& expected) {
    throw ApiError(400, "invalid_field", "the field \"" + field + "\" must be " + expected,
                   {{"field", field}, {"expected", expected}});
}

}  // namespace roadside::api
