#include "api/errors.hpp"
#include "api/json_in.hpp"
#include "api/routes.hpp"
#include "store/contracts.hpp"
#include "store/partners.hpp"
#include "store/tokens.hpp"

namespace roadside::api {

using boost::asio::awaitable;

namespace {

constexpr std::int64_t kMinLifetimeS = 60;
constexpr std::int64_t kMaxLifetimeS = 366 * 86400;
constexpr int kDefaultTokensListed = 100;
constexpr int kMaxTokensListed = 5000;

ApiError token_not_found() {
    return ApiError(404, "token_not_found", "no token with this id");
}

// How long a token lives when POST /v1/tokens names no lifetime_s: a setting per role.
std::chrono::seconds default_lifetime(const config::ServerSettings& s, Role role) {
    switch (role) {
        case Role::admin:
            return s.token_lifetime_admin_s;
        case Role::agent:
            return s.token_lifetime_agent_s;
        case Role::reviewer:
            return s.token_lifetime_reviewer_s;
        case Role::partner:
            return s.token_lifetime_partner_s;
        case Role::customer:
            return s.token_lifetime_customer_s;
    }
    return s.token_lifetime_customer_s;
}

nlohmann::json opt_time(const std::optional<core::Instant>& t) {
    return t ? nlohmann::json(core::format_japan_time(*t)) : nlohmann::json();
}

nlohmann::json token_json(const store::TokenRow& row) {
    return {{"id", row.id},
            {"role", row.role},
            {"partner_id", row.partner_id ? nlohmann::json(*row.partner_id) : nullptr},
            {"contract_id", row.contract_id ? nlohmann::json(*row.contract_id) : nullptr},
            {"label", row.label},
            {"created_at", core::format_japan_time(row.created_at)},
            {"created_by", row.created_by},
            {"expires_at", opt_time(row.expires_at)},
            {"revoked_at", opt_time(row.revoked_at)}};
}

awaitable<Reply> create_token(RequestContext& ctx) {
    const nlohmann::json body = parse_body(ctx.req.body());
    const Fields f(body);
    const std::string role_text =
        f.one_of("role", {"admin", "agent", "reviewer", "partner", "customer"});
    const Role role = parse_role(role_text).value();
    const auto partner_id = f.opt_string("partner_id", 64);
    const auto contract_id = f.opt_string("contract_id", 64);
    const std::string label = f.opt_string("label", 100).value_or("");
    const std::int64_t lifetime_s = f.opt_integer("lifetime_s", kMinLifetimeS, kMaxLifetimeS)
                                        .value_or(default_lifetime(ctx.app.settings, role).count());

    if (role != Role::customer && contract_id) {
        invalid_field("contract_id", "absent unless the role is customer");
    }
    if (role != Role::partner && partner_id) {
        invalid_field("partner_id", "absent unless the role is partner");
    }
    store::Connection* db = co_await ctx.tx();
    if (role == Role::customer) {
        if (!contract_id) missing_field("contract_id");
        if (!is_uuid(*contract_id) || !co_await store::find_contract(*db, *contract_id)) {
            throw ApiError(422, "contract_not_found", "no contract with this id",
                           {{"contract_id", *contract_id}});
        }
    }
    if (role == Role::partner) {
        if (!partner_id) missing_field("partner_id");
        if (!is_uuid(*partner_id) || !co_await store::find_partner(*db, *partner_id)) {
            throw ApiError(422, "partner_not_found", "no partner with this id",
                           {{"partner_id", *partner_id}});
        }
    }
    const std::string token = generate_token();
    store::NewToken new_token;
    new_token.hash = hash_token(token);
    new_token.role = role_text;
    new_token.partner_id = partner_id;
    new_token.contract_id = contract_id;
    new_token.label = label;
    new_token.created_by = ctx.principal.actor();
    new_token.lifetime_s = static_cast<int>(lifetime_s);
    const store::TokenRow row = co_await store::insert_token(*db, new_token);
    nlohmann::json out = token_json(row);
    nlohmann::json replay = out;
    replay["token"] = nullptr;
    replay["token_withheld"] = "a token is shown once; this is a replay of its creation";
    out["token"] = token;
    Reply reply = Reply::json(201, out);
    reply.replay_body = replay.dump();
    co_return reply;
}

// GET /v1/tokens?role=&include_ended=true&limit=: newest first; only live tokens unless asked.
awaitable<Reply> list_tokens(RequestContext& ctx) {
    const auto role = ctx.query("role");
    if (role && !parse_role(*role)) {
        invalid_field("role", "one of admin|agent|reviewer|partner|customer");
    }
    const auto ended = ctx.query("include_ended").value_or("false");
    if (ended != "true" && ended != "false") invalid_field("include_ended", "true or false");
    const int limit = limit_param(ctx.query("limit"), kDefaultTokensListed, kMaxTokensListed);
    store::Connection* db = co_await ctx.db();
    nlohmann::json list = nlohmann::json::array();
    for (const auto& t : co_await store::list_tokens(*db, role, ended == "true", limit)) {
        list.push_back(token_json(t));
    }
    co_return Reply::json(200, {{"tokens", std::move(list)}});
}

// Revoked at once on every server: the database announces it when the revocation commits, and
// each server forgets the token and ends its event streams (api/main.cpp listener_handlers).
// Revoking a revoked token changes nothing.
awaitable<Reply> revoke_token(RequestContext& ctx) {
    const std::string& id = ctx.param("id");
    if (!is_uuid(id)) throw token_not_found();
    store::Connection* db = co_await ctx.tx();
    const std::optional<store::TokenRow> row = co_await store::revoke_token(*db, id);
    if (!row) throw token_not_found();
    ctx.app.tokens.forget_token(id);
    co_return Reply::no_content();
}

}  // namespace

void add_token_routes(Router& r) {
    r.add(http::verb::post, "/v1/tokens", {Role::admin}, create_token);
    r.add(http::verb::get, "/v1/tokens", {Role::admin}, list_tokens);
    r.add(http::verb::delete_, "/v1/tokens/{id}", {Role::admin}, revoke_token);
}

}  // namespace roadside::api
