#pragma once
// Errors at the HTTP edge. Every non-2xx response has the body
//   {"error": {"code": "<stable_snake_case>", "message": "<human text>", "details": {...}}}
// and is built in exactly one place (error_body). The codes are part of the API contract.
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace roadside::api {

class ApiError : public std::runtime_error {
  public:
    ApiError(int status, std::string code, const std::string& message,
             nlohmann::json details = nlohmann::json::object())
        : std::runtime_error(message),
          status_(status),
          code_(std::move(code)),
          details_(std::move(details)) {}
    int status() const { return status_; }
    const std::string& code() const { return code_; }
    const nlohmann::json& details() const { return details_; }

  private:
    int status_;
    std::string code_;
    nlohmann::json details_;
};

std::string error_body(std::string_view code, std::string_view message,
                       const nlohmann::json& details = nlohmann::json::object());

// 400 helpers naming the field (a dotted path such as "vehicle.length_mm").
[[noreturn]] void missing_field(const std::string& field);
[[noreturn]] void invalid_field(const std::string& field, const std::string& expected);

}  // namespace roadside::api
