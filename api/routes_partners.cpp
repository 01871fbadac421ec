// Partners (spec/api.md "Tokens and partners"): admins create them; a partner reports where it
// is and whether it can take work.
#include "api/dispatcher.hpp"
#include "api/errors.hpp"
#include "api/json_in.hpp"
#include "api/json_out.hpp"
#include "api/routes.hpp"
#include "dispatch/job.hpp"
#include "store/partners.hpp"

namespace roadside::api {

using boost::asio::awaitable;
using nlohmann::json;

namespace {

constexpr int kDefaultListLimit = 100;
constexpr int kMaxListLimit = 1000;

ApiError partner_not_found() {
    return ApiError(404, "partner_not_found", "no partner with this id");
}

json partner_json(const store::PartnerRow& p) {
    return {{"id", p.id},
            {"name", p.name},
            {"phone", p.phone},
            {"base", latlon_json(p.base)},
            {"capabilities", p.capabilities},
            {"position", latlon_json(p.position)},
            {"position_at", p.position_at ? json(core::format_japan_time(*p.position_at)) : json()},
            {"available", p.available},
            {"created_at", core::format_japan_time(p.created_at)},
            {"created_by", p.created_by}};
}

std::vector<std::string> read_capabilities(const Fields& f) {
    constexpr std::size_t kMax = 3;
    std::vector<std::string> caps = f.string_array("capabilities", kMax, 16);
    if (caps.empty()) invalid_field("capabilities", "at least one of on_site|wrecker|carrier");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < caps.size(); ++i) {
        if (!dispatch::parse_capability(caps[i])) {
            invalid_field("capabilities[" + std::to_string(i) + "]", "one of on_site|wrecker|carrier");
        }
        for (const auto& seen : out) {
            if (seen == caps[i]) {
                invalid_field("capabilities[" + std::to_string(i) + "]", "no repeated capability");
            }
        }
        out.push_back(caps[i]);
    }
    return out;
}

awaitable<Reply> create_partner(RequestContext& ctx) {
    const json body = parse_body(ctx.req.body());
    const Fields f(body);
    store::NewPartner p;
    p.name = f.string("name", 100);
    if (p.name.find_first_not_of(' ') == std::string::npos) invalid_field("name", "a name");
    p.base = f.latlon("base");
    p.capabilities = read_capabilities(f);
    p.phone = f.opt_string("phone", 40).value_or("");
    p.created_by = ctx.principal.actor();
    store::Connection* db = co_await ctx.tx();
    const store::PartnerRow row = co_await store::insert_partner(*db, p);
    // Visible to this server's next selection at once (other servers: at their next refresh).
    ctx.app.dispatcher->apply(row);
    co_return Reply::json(201, partner_json(row));
}

awaitable<Reply> get_partner(RequestContext& ctx) {
    const std::string& id = ctx.param("id");
    if (!is_uuid(id)) throw partner_not_found();
    // A partner sees itself only; other partners do not exist for it.
    if (ctx.principal.role == Role::partner && ctx.principal.partner_id != id) {
        throw partner_not_found();
    }
    store::Connection* db = co_await ctx.db();
    const auto row = co_await store::find_partner(*db, id);
    if (!row) throw partner_not_found();
    co_return Reply::json(200, partner_json(*row));
}

awaitable<Reply> list_partners(RequestContext& ctx) {
    const int limit = limit_param(ctx.query("limit"), kDefaultListLimit, kMaxListLimit);
    const auto after = ctx.query("after");
    if (after && !is_uuid(*after)) invalid_field("after", "a partner id");
    store::Connection* db = co_await ctx.db();
    const auto rows = co_await store::list_partners(*db, after, limit);
    json items = json::array();
    for (const auto& r : rows) items.push_back(partner_json(r));
    json out = {{"partners", items}};
    if (static_cast<int>(rows.size()) == limit) out["next_after"] = rows.back().id;
    co_return Reply::json(200, out);
}

awaitable<Reply> report_position(RequestContext& ctx) {
    const json body = parse_body(ctx.req.body());
    const Fields f(body);
    std::optional<geo::LatLon> position;
    if (f.has("lat") || f.has("lon")) {
        // The fields sit at the top level of this body: read them as a {"lat","lon"} object.
        const json wrapped = {{"position", {{"lat", body.contains("lat") ? body["lat"] : json()},
                                            {"lon", body.contains("lon") ? body["lon"] : json()}}}};
        try {
            position = Fields(wrapped).latlon("position");
        } catch (const ApiError& e) {
            if (e.code() == "missing_field") missing_field(f.has("lat") ? "lon" : "lat");
            if (e.code() == "invalid_coordinates") throw;
            invalid_field("lat", "a number");
        }
    }
    const std::optional<bool> available = f.opt_boolean("available");
    if (!position && !available) missing_field("lat");
    const std::string partner_id = ctx.principal.partner_id.value_or("");
    store::Connection* db = co_await ctx.tx();
    if (!co_await store::update_partner_position(*db, partner_id, position, available)) {
        throw partner_not_found();
    }
    const auto row = co_await store::find_partner(*db, partner_id);
    if (row) ctx.app.dispatcher->apply(*row);
    co_return Reply::no_content();
}

}  // namespace

void add_partner_routes(Router& r) {
    r.add(http::verb::post, "/v1/partners", {Role::admin}, create_partner);
    // Reviewers read partners too: the monthly statements they check are per partner.
    r.add(http::verb::get, "/v1/partners", {Role::admin, Role::agent, Role::reviewer},
          list_partners);
    r.add(http::verb::get, "/v1/partners/{id}", {Role::admin, Role::agent, Role::partner},
          get_partner);
    r.add(http::verb::post, "/v1/partner/position", {Role::partner}, report_position);
}

}  // namespace roadside::api
