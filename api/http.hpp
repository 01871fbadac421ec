#pragma once
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace roadside::api {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// What a route handler returns; the pipeline turns it into an HTTP response.
struct Reply {
    int status = 200;
    std::string body;  // empty for 204
    std::string content_type = "application/json; charset=utf-8";
    std::vector<std::pair<std::string, std::string>> headers;
    // What an Idempotency-Key replay returns, when it must differ from `body` (a secret shown
    // once, such as a new token, is not kept in the idempotency record).
    std::optional<std::string> replay_body;

    static Reply json(int status, const nlohmann::json& body);
    static Reply no_content() { return Reply{204, "", "", {}, std::nullopt}; }
};

}  // namespace roadside::api
