#include "api/json_out.hpp"
#include "api/routes.hpp"
#include "store/idempotency.hpp"

namespace roadside::api {

using boost::asio::awaitable;

namespace {

awaitable<Reply> healthz(RequestContext& ctx) {
    store::Connection* db = co_await ctx.db();
    co_await store::ping(*db);
    co_return Reply::json(200, {{"status", "ok"}, {"database", "ok"}});
}

awaitable<Reply> metrics(RequestContext& ctx) {
    Reply r;
    r.status = 200;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = ctx.app.metrics.render(ctx.app.pool.stats());
    co_return r;
}

awaitable<Reply> products(RequestContext& ctx) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& p : ctx.app.products.all()) list.push_back(product_json(p));
    co_return Reply::json(200, {{"products", list}});
}

}  // namespace

void add_system_routes(Router& r) {
    r.add_public(http::verb::get, "/healthz", healthz);
    r.add_public(http::verb::get, "/metrics", metrics);
    r.add(http::verb::get, "/v1/products",
          {Role::admin, Role::agent, Role::reviewer, Role::partner, Role::customer}, products);
}

}  // namespace roadside::api
