// Staff accounts and their sessions (issue 13): users made and disabled by admins, signing in with
// a login and password to a session cookie, the session read back (a reloaded page recovers its
// CSRF token) and ended.
#include <algorithm>
#include <cctype>

#include "api/errors.hpp"
#include "api/json_in.hpp"
#include "api/metrics.hpp"
#include "api/passwords.hpp"
#include "api/routes.hpp"
#include "api/signin_throttle.hpp"
#include "core/text.hpp"
#include "store/partners.hpp"
#include "store/users.hpp"

namespace roadside::api {

using boost::asio::awaitable;
using nlohmann::json;

namespace {

constexpr int kDefaultUsersListed = 200;
constexpr int kMaxUsersListed = 5000;
constexpr std::size_t kMaxLoginChars = 64;
constexpr std::size_t kMaxNameChars = 100;

ApiError user_not_found() {
    return ApiError(404, "user_not_found", "no user with this id");
}

json user_json(const store::UserRow& u) {
    return {{"id", u.id},
            {"login", u.login},
            {"name", u.name},
            {"role", u.role},
            {"partner_id", u.partner_id ? json(*u.partner_id) : json()},
            {"created_at", core::format_japan_time(u.created_at)},
            {"created_by", u.created_by},
            {"disabled_at", u.disabled_at ? json(core::format_japan_time(*u.disabled_at)) : json()},
            {"disabled_by", u.disabled_by ? json(*u.disabled_by) : json()}};
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// 3 to 64 ASCII letters, digits, '.', '_', '@', '-', starting with a letter or digit (the
// database checks the same).
std::string read_login(const Fields& f) {
    std::string login = f.string("login", kMaxLoginChars);
    const auto ok_char = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '@' ||
               c == '-';
    };
    if (login.size() < 3 || !std::isalnum(static_cast<unsigned char>(login.front())) ||
        !std::all_of(login.begin(), login.end(), ok_char)) {
        invalid_field("login",
                      "3 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or "
                      "digit");
    }
    return login;
}

std::string read_new_password(const Fields& f, const std::string& login) {
    std::string password = f.string("password", kMaxPasswordChars);
    if (core::utf8_length(password) < kMinPasswordChars || lower(password) == lower(login)) {
        invalid_field("password", "10 to 256 characters, other than the login");
    }
    return password;
}

awaitable<Reply> create_user(RequestContext& ctx) {
    const json body = parse_body(ctx.req.body());
    const Fields f(body);
    store::NewUser u;
    u.login = read_login(f);
    u.name = f.string("name", kMaxNameChars);
    u.role = f.one_of("role", {"agent", "reviewer", "admin", "partner"});
    u.partner_id = f.opt_string("partner_id", 64);
    std::string password = read_new_password(f, u.login);
    if (u.role == "partner" && !u.partner_id) missing_field("partner_id");
    if (u.role != "partner" && u.partner_id) {
        invalid_field("partner_id", "absent unless the role is partner");
    }
    // Hashed before a connection is taken: the hashing takes a while, on a worker thread.
    u.password_hash = co_await ctx.app.passwords->hash(std::move(password));
    u.created_by = ctx.principal.actor();
    store::Connection* db = co_await ctx.tx();
    if (u.partner_id &&
        (!is_uuid(*u.partner_id) || !co_await store::find_partner(*db, *u.partner_id))) {
        throw ApiError(422, "partner_not_found", "no partner with this id",
                       {{"partner_id", *u.partner_id}});
    }
    const std::optional<store::UserRow> row = co_await store::insert_user(*db, u);
    if (!row) {
        throw ApiError(409, "duplicate_login", "a user with this login exists",
                       {{"login", u.login}});
    }
    co_return Reply::json(201, user_json(*row));
}

awaitable<Reply> list_users(RequestContext& ctx) {
    const int limit = limit_param(ctx.query("limit"), kDefaultUsersListed, kMaxUsersListed);
    store::Connection* db = co_await ctx.db();
    json list = json::array();
    for (const auto& u : co_await store::list_users(*db, limit)) list.push_back(user_json(u));
    co_return Reply::json(200, {{"users", std::move(list)}});
}

// Disabling ends the user's sessions in the same statement; the database announces both, and
// every server ends the user's event streams.
awaitable<Reply> disable_user(RequestContext& ctx) {
    const std::string& id = ctx.param("id");
    if (!is_uuid(id)) throw user_not_found();
    store::Connection* db = co_await ctx.tx();
    const std::string actor = ctx.principal.actor();
    const std::optional<store::UserRow> row = co_await store::disable_user(*db, id, actor);
    if (!row) throw user_not_found();
    co_return Reply::json(200, user_json(*row));
}

// ---- sessions ----------------------------------------------------------------------------

std::string session_cookie(const config::ServerSettings& s, std::string_view value, bool clear) {
    std::string c(kSessionCookie);
    c += "=";
    c += value;
    c += "; Path=/; HttpOnly; SameSite=Strict";
    if (s.behind_tls) c += "; Secure";
    if (clear) c += "; Max-Age=0";
    return c;
}

json session_json(const Principal& p) {
    const SignedInUser& u = *p.user;
    json who = {
        {"id", u.user_id}, {"login", u.login}, {"name", u.name}, {"role", to_string(p.role)}};
    if (p.partner_id) who["partner_id"] = *p.partner_id;
    return {{"user", who},
            {"csrf_token", u.csrf_token},
            {"expires_at", core::format_japan_time(u.expires_at)},
            {"idle_expires_at", core::format_japan_time(u.idle_expires_at)}};
}

// A sign-in from a page must come from our own origin (a cross-site form could otherwise sign
// the browser in to someone else's account); programs send no Origin.
void check_signin_origin(const RequestContext& ctx) {
    const auto origin = ctx.req[http::field::origin];
    if (!origin.empty() &&
        !same_origin(origin, ctx.req[http::field::host], ctx.app.settings.behind_tls)) {
        throw ApiError(403, "csrf_failed", "sign in from a page of this server",
                       {{"reason", "origin_mismatch"}});
    }
}

// The password is checked on a worker thread, without a database connection held. An unknown or
// disabled login costs the same time as a wrong password and gets the same answer.
awaitable<bool> password_matches(RequestContext& ctx, const std::optional<store::UserRow>& user,
                                 const std::string& password) {
    PasswordHasher& hasher = *ctx.app.passwords;
    ctx.abandon();
    if (!user || user->disabled_at) {
        co_await hasher.verify_nothing(password);
        co_return false;
    }
    const bool ok = co_await hasher.verify(user->password_hash, password);
    co_return ok;
}

awaitable<Reply> sign_in(RequestContext& ctx) {
    check_signin_origin(ctx);
    const json body = parse_body(ctx.req.body());
    const Fields f(body);
    const std::string login = f.string("login", kMaxLoginChars);
    const std::string password = f.string("password", kMaxPasswordChars);
    const config::ServerSettings& s = ctx.app.settings;
    Metrics& metrics = ctx.app.metrics;

    store::Connection* db = co_await ctx.db();
    const SigninGate gate = co_await count_signin_attempt(ctx, *db, "login:" + lower(login),
                                                          s.signin_max_failures_per_login);
    if (gate.retry_after_s) {
        ++metrics.staff_signins_throttled;
        co_return too_many_attempts(*gate.retry_after_s);
    }
    const std::optional<store::UserRow> user = co_await store::find_user_by_login(*db, login);
    const bool ok = co_await password_matches(ctx, user, password);
    if (!ok) {
        ++metrics.staff_signins_failed;
        co_await slow_down(ctx, signin_delay(s, gate));
        throw ApiError(401, "invalid_credentials",
                       "the login and password do not match an active account");
    }
    // Stored with older parameters: replaced by a hash with the current ones.
    std::optional<std::string> rehashed;
    if (ctx.app.passwords->needs_rehash(user->password_hash)) {
        rehashed = co_await ctx.app.passwords->hash(password);
    }
    db = co_await ctx.tx();
    co_await forgive_signin(*db, gate);
    if (rehashed) co_await store::set_password(*db, user->id, *rehashed, false);
    const std::string secret = generate_token();
    store::NewSession ns{hash_token(secret), user->id, s.staff_session_lifetime_s, ctx.remote};
    const store::SessionCreated created = co_await store::insert_session(*db, ns);
    ++metrics.staff_signins_succeeded;

    Principal p;
    p.role = parse_role(user->role).value_or(Role::agent);
    p.partner_id = user->partner_id;
    p.user = SignedInUser{user->id,
                          user->login,
                          user->name,
                          created.id,
                          csrf_token_for(secret),
                          created.expires_at,
                          created.created_at + s.staff_session_idle_s};
    Reply reply = Reply::json(201, session_json(p));
    reply.headers.emplace_back("Set-Cookie", session_cookie(s, secret, false));
    co_return reply;
}

ApiError no_session() {
    return ApiError(404, "session_not_found",
                    "these credentials are a bearer token, not a signed-in session");
}

awaitable<Reply> current_session(RequestContext& ctx) {
    if (!ctx.principal.user) throw no_session();
    co_return Reply::json(200, session_json(ctx.principal));
}

// Signing out ends the session in the database (every server refuses it from the next request
// on) and the database announces it (every server ends its event streams).
awaitable<Reply> sign_out(RequestContext& ctx) {
    if (!ctx.principal.user) throw no_session();
    store::Connection* db = co_await ctx.tx();
    co_await store::end_session(*db, ctx.principal.user->session_id, "signed_out");
    Reply reply = Reply::no_content();
    reply.headers.emplace_back("Set-Cookie", session_cookie(ctx.app.settings, "", true));
    co_return reply;
}

}  // namespace

void add_staff_routes(Router& r) {
    r.add_with_secret(http::verb::post, "/v1/users", {Role::admin}, create_user);
    r.add(http::verb::get, "/v1/users", {Role::admin}, list_users);
    r.add(http::verb::post, "/v1/users/{id}/disable", {Role::admin}, disable_user);
    r.add_public(http::verb::post, "/v1/staff/sessions", sign_in);
    // Any role may ask: a bearer token gets 404 session_not_found.
    r.add(http::verb::get, "/v1/staff/sessions/current",
          {Role::admin, Role::agent, Role::reviewer, Role::partner, Role::customer},
          current_session);
    r.add(http::verb::delete_, "/v1/staff/sessions/current",
          {Role::admin, Role::agent, Role::reviewer, Role::partner, Role::customer}, sign_out);
}

}  // namespace roadside::api
