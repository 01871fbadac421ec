// Designated shops (保証会社指定の工場, ロードサービス規定 第1条2(1)): admins keep the list, agents
// read it; the estimate offers the nearest ones (api/routes_jobs.cpp).
#include "api/errors.hpp"
#include "api/json_in.hpp"
#include "api/json_out.hpp"
#include "api/routes.hpp"
#include "api/shops.hpp"
#include "core/text.hpp"
#include "store/shops.hpp"

namespace roadside::api {

using boost::asio::awaitable;
using nlohmann::json;

namespace {

constexpr int kDefaultListLimit = 100;
constexpr int kMaxListLimit = 1000;
constexpr std::size_t kMaxNameChars = 100;
constexpr std::size_t kMaxAddressChars = 200;

ApiError shop_not_found() {
    return ApiError(404, "shop_not_found", "no shop with this id");
}

dispatch::OpeningHours hours_of(const store::ShopRow& row) {
    const json wrapped = {{"hours", json::parse(row.hours_json, nullptr, false)}};
    return read_hours(Fields(wrapped));
}

awaitable<Reply> create_shop(RequestContext& ctx) {
    const json body = parse_body(ctx.req.body());
    const Fields f(body);
    store::NewShop s;
    s.name = f.string("name", kMaxNameChars);
    if (s.name.empty()) invalid_field("name", "a name");
    s.address = f.opt_string("address", kMaxAddressChars).value_or("");
    s.position = f.latlon("location");
    s.night_intake = f.boolean("night_intake");
    const dispatch::OpeningHours hours = read_hours(f);
    // Stored as the API writes it back, so what is read is exactly what was validated.
    s.hours_json = hours_json(hours).dump();
    s.created_by = ctx.principal.actor();
    store::Connection* db = co_await ctx.tx();
    const store::ShopRow row = co_await store::insert_shop(*db, s);
    // This server's next estimate sees it at once (other servers: at their next refresh).
    ctx.app.shops->apply(row);
    co_return Reply::json(201, shop_json(row, hours, ctx.now));
}

awaitable<Reply> get_shop(RequestContext& ctx) {
    const std::string& id = ctx.param("id");
    if (!is_uuid(id)) throw shop_not_found();
    store::Connection* db = co_await ctx.db();
    const auto row = co_await store::find_shop(*db, id);
    if (!row) throw shop_not_found();
    co_return Reply::json(200, shop_json(*row, hours_of(*row), ctx.now));
}

awaitable<Reply> list_shops(RequestContext& ctx) {
    const int limit = limit_param(ctx.query("limit"), kDefaultListLimit, kMaxListLimit);
    const auto after = ctx.query("after");
    if (after && !is_uuid(*after)) invalid_field("after", "a shop id");
    store::Connection* db = co_await ctx.db();
    const auto rows = co_await store::list_shops(*db, after, limit);
    json items = json::array();
    for (const auto& r : rows) items.push_back(shop_json(r, hours_of(r), ctx.now));
    json out = {{"shops", items}};
    if (static_cast<int>(rows.size()) == limit) out["next_after"] = rows.back().id;
    co_return Reply::json(200, out);
}

}  // namespace

void add_shop_routes(Router& r) {
    r.add(http::verb::post, "/v1/shops", {Role::admin}, create_shop);
    r.add(http::verb::get, "/v1/shops", {Role::admin, Role::agent}, list_shops);
    r.add(http::verb::get, "/v1/shops/{id}", {Role::admin, Role::agent}, get_shop);
}

}  // namespace roadside::api
