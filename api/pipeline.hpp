#pragma once
// From a parsed HTTP request to the response: routing, authentication, roles, Idempotency-Key,
// the request's transaction, and the mapping of every error to a status and a stable code.
#include <boost/asio/awaitable.hpp>
#include <string>

#include "api/app.hpp"
#include "api/http.hpp"
#include "api/router.hpp"

namespace roadside::api {

// A response, and for a streaming one (Reply::stream) what follows its headers.
struct Handled {
    Response response;
    std::shared_ptr<StreamSource> stream;
};

boost::asio::awaitable<Handled> handle_request(App& app, const Router& router, const Request& req,
                                               const std::string& remote);

// Builds a complete response for an error raised outside any handler (limits, timeouts).
Response error_response(int status, std::string_view code, std::string_view message,
                        unsigned version, bool keep_alive);

}  // namespace roadside::api
