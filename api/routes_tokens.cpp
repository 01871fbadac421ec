#include "api/errors.hpp"
#include "api/json_in.hpp"
#include "api/routes.hpp"
#include "store/contracts.hpp"
#include "store/partners.hpp"
#include "store/tokens.hpp"

namespace roadside::api {

using boost::asio::awaitable;

namespace {

awaitable<Reply> create_token(RequestContext& ctx) {
    const nlohmann::json body = parse_body(ctx.req.body());
    const Fields f(body);
    const std::string role_text = f.one_of("role", {"admin", "agent", "partner", "customer"});
    const Role role = parse_role(role_text).value();
    const auto partner_id = f.opt_string("partner_id", 64);
    const auto contract_id = f.opt_string("contract_id", 64);
    const std::string label = f.opt_string("label", 100).value_or("");

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
    const store::TokenRow row = co_await store::insert_token(*db, new_token);
    nlohmann::json out = {
        {"id", row.id},
        {"role", row.role},
        {"partner_id", row.partner_id ? nlohmann::json(*row.partner_id) : nullptr},
        {"contract_id", row.contract_id ? nlohmann::json(*row.contract_id) : nullptr},
        {"label", row.label},
        {"created_at", core::format_japan_time(row.created_at)}};
    nlohmann::json replay = out;
    replay["token"] = nullptr;
    replay["token_withheld"] = "a token is shown once; this is a replay of its creation";
    out["token"] = token;
    Reply reply = Reply::json(201, out);
    reply.replay_body = replay.dump();
    co_return reply;
}

}  // namespace

void add_token_routes(Router& r) {
    r.add(http::verb::post, "/v1/tokens", {Role::admin}, create_token);
}

}  // namespace roadside::api
