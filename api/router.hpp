#pragma once
// Routes: method + path pattern ("/v1/contracts/{id}") -> handler, with the roles allowed.
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "api/auth.hpp"
#include "api/context.hpp"
#include "api/http.hpp"

namespace roadside::api {

using Handler = std::function<boost::asio::awaitable<Reply>(RequestContext&)>;

struct Route {
    http::verb method;
    std::string pattern;
    std::vector<std::string> segments;
    bool public_route = false;  // no token needed (/healthz, /metrics)
    std::vector<Role> roles;    // who may call it
    Handler handler;
    // Whether a POST keeps an Idempotency-Key record (a hash of its body): not when the body
    // holds a password.
    bool idempotent = true;
    // An upload route reads bodies up to the upload limit within the upload timeout
    // (receipt_image_max_bytes, upload_timeout_s); every other route keeps body_limit_bytes.
    bool upload = false;
};

struct RouteMatch {
    const Route* route = nullptr;
    std::map<std::string, std::string, std::less<>> params;
    std::vector<http::verb> allowed;  // when the path exists with other methods (405)
};

class Router {
  public:
    void add(http::verb method, std::string pattern, std::initializer_list<Role> roles,
             Handler handler);
    void add_public(http::verb method, std::string pattern, Handler handler);
    // A route whose body holds a secret (a password): Idempotency-Key is ignored.
    void add_with_secret(http::verb method, std::string pattern, std::initializer_list<Role> roles,
                         Handler handler);
    // The same as add, for a route whose body is an uploaded file (see Route::upload).
    void add_upload(http::verb method, std::string pattern, std::initializer_list<Role> roles,
                    Handler handler);
    RouteMatch match(http::verb method, std::string_view path) const;
    const std::vector<Route>& routes() const { return routes_; }

  private:
    std::vector<Route> routes_;
};

}  // namespace roadside::api
