#include "api/pipeline.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/system/system_error.hpp>
#include <chrono>

#include "api/errors.hpp"
#include "api/events.hpp"
#include "api/log.hpp"
#include "api/static_files.hpp"
#include "core/text.hpp"
#include "store/idempotency.hpp"
#include "store/tokens.hpp"
#include "store/users.hpp"

namespace roadside::api {

using boost::asio::awaitable;

Reply Reply::json(int status, const nlohmann::json& body) {
    Reply r;
    r.status = status;
    r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return r;
}

namespace {

constexpr std::size_t kMaxTokenChars = 512;
constexpr std::size_t kMaxIdempotencyKeyChars = 255;
// Room for a Zengin file of up to 200 picked claims (claim_ids=…); the header limit bounds it too.
constexpr std::size_t kMaxTargetChars = 8192;

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out.push_back(' ');
        } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
                   hex_value(s[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
            i += 2;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

void split_target(std::string_view target, std::string& path,
                  std::map<std::string, std::string>& query) {
    if (target.empty() || target.front() != '/' || target.size() > kMaxTargetChars) {
        throw ApiError(400, "bad_request", "the request target must be a path");
    }
    const auto q = target.find('?');
    path = std::string(target.substr(0, q));
    if (q == std::string_view::npos) return;
    std::string_view rest = target.substr(q + 1);
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        const auto eq = pair.find('=');
        const std::string key = percent_decode(pair.substr(0, eq));
        const std::string value =
            eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1));
        // Query values go to the database as text: UTF-8 without control characters (a NUL
        // would silently cut the value short).
        for (const std::string* part : {&key, &value}) {
            const bool control = std::any_of(part->begin(), part->end(), [](char c) {
                return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
            });
            if (control || !core::is_valid_utf8(*part)) {
                throw ApiError(400, "invalid_query",
                               "query parameters must be UTF-8 text without control characters",
                               {{"parameter", core::is_valid_utf8(key) ? key : "?"}});
            }
        }
        if (!key.empty()) query[key] = value;
        if (amp == std::string_view::npos) break;
        rest.remove_prefix(amp + 1);
    }
}

// A person signed in with the session cookie (staff sessions, issue 13). Sessions are looked up
// in the database on every request, never cached: signing out or being disabled counts at once on
// every server. last_seen_at is written only when a tenth of the idle timeout has passed.
awaitable<Principal> session_principal(RequestContext& ctx, const std::string& secret) {
    if (secret.size() > kMaxTokenChars) {
        throw ApiError(401, "unauthorized", "the session has ended; sign in again");
    }
    const config::ServerSettings& s = ctx.app.settings;
    const std::chrono::milliseconds idle = s.staff_session_idle_s;
    store::Connection* db = co_await ctx.db();
    const auto row = co_await store::find_live_session(*db, hash_token(secret), idle, idle / 10);
    if (!row) throw ApiError(401, "unauthorized", "the session has ended; sign in again");
    core::Instant idle_ends = row->idle_expires_at;
    if (row->touch_due) {
        co_await store::touch_session(*db, row->id);
        idle_ends = ctx.now + s.staff_session_idle_s;
    }
    Principal p;
    p.token_id = "session:" + row->id;
    p.role = parse_role(row->user.role).value_or(Role::agent);
    p.partner_id = row->user.partner_id;
    p.label = row->user.name;
    p.user = SignedInUser{row->user.id,           row->user.login, row->user.name, row->id,
                          csrf_token_for(secret), row->expires_at, idle_ends};
    co_return p;
}

awaitable<Principal> token_principal(RequestContext& ctx, std::string_view token);

// A customer signed in on a phone page (issue 14): the cookie holds the customer token itself.
// Only a customer token counts there, and unsafe requests need its CSRF token, as a staff
// session's do.
awaitable<Principal> customer_cookie_principal(RequestContext& ctx, const std::string& token) {
    if (token.size() > kMaxTokenChars) {
        throw ApiError(401, "unauthorized", "the session has ended; sign in again");
    }
    Principal p = co_await token_principal(ctx, token);
    if (p.role != Role::customer) {
        throw ApiError(401, "unauthorized", "the session has ended; sign in again");
    }
    p.cookie_csrf_token = csrf_token_for(token);
    co_return p;
}

awaitable<Principal> authenticate(RequestContext& ctx) {
    const auto header = ctx.req[http::field::authorization];
    if (header.empty()) {
        const auto cookies = ctx.req[http::field::cookie];
        const std::string secret = cookie_value(cookies, kSessionCookie);
        if (!secret.empty()) co_return co_await session_principal(ctx, secret);
        const std::string customer = cookie_value(cookies, kCustomerCookie);
        if (!customer.empty()) co_return co_await customer_cookie_principal(ctx, customer);
    }
    constexpr std::string_view kScheme = "bearer ";
    if (header.size() <= kScheme.size()) {
        throw ApiError(401, "unauthorized", "an Authorization: Bearer <token> header is required");
    }
    std::string scheme(header.substr(0, kScheme.size()));
    for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view token = header.substr(kScheme.size());
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    if (scheme != kScheme || token.empty() || token.size() > kMaxTokenChars) {
        throw ApiError(401, "unauthorized", "an Authorization: Bearer <token> header is required");
    }
    co_return co_await token_principal(ctx, token);
}

awaitable<Principal> token_principal(RequestContext& ctx, std::string_view token) {
    if (constant_time_equal(token, ctx.app.settings.admin_token)) {
        co_return Principal{"bootstrap-admin", Role::admin, std::nullopt, std::nullopt,
                            "ROADSIDE_ADMIN_TOKEN"};
    }
    const std::string hash = hash_token(token);
    if (auto cached = ctx.app.tokens.find(hash)) co_return *cached;
    store::Connection* db = co_await ctx.db();
    const auto row = co_await store::find_token(*db, hash);
    if (!row) throw ApiError(401, "unauthorized", "the bearer token is not valid");
    Principal p{row->id, parse_role(row->role).value_or(Role::customer), row->partner_id,
                row->contract_id, row->label};
    p.token_expires_at = row->expires_at;
    // Kept until the token's end at the latest; a revocation is announced to every server.
    ctx.app.tokens.put(hash, p);
    co_return p;
}

bool unsafe_method(http::verb v) {
    return v == http::verb::post || v == http::verb::put || v == http::verb::patch ||
           v == http::verb::delete_;
}

// A request that authenticates with the session cookie and changes something must come from a
// page of our own origin (Origin) and carry the session's CSRF token (X-CSRF-Token): a cookie is
// sent by the browser whoever made the page.
void check_csrf(const RequestContext& ctx) {
    auto fail = [](std::string_view reason) {
        throw ApiError(403, "csrf_failed", "a signed-in page must send its Origin and X-CSRF-Token",
                       {{"reason", reason}});
    };
    const auto origin = ctx.req[http::field::origin];
    if (origin.empty()) fail("origin_missing");
    if (!same_origin(origin, ctx.req[http::field::host], ctx.app.settings.behind_tls)) {
        fail("origin_mismatch");
    }
    const auto token = ctx.req["X-CSRF-Token"];
    if (token.empty()) fail("token_missing");
    const std::string& expected = ctx.principal.user ? ctx.principal.user->csrf_token
                                                     : *ctx.principal.cookie_csrf_token;
    if (!constant_time_equal(token, expected)) fail("token_mismatch");
}

// Whether the request authenticated with a cookie (a staff session or a customer's page).
bool by_cookie(const Principal& p) {
    return p.user.has_value() || p.cookie_csrf_token.has_value();
}

void authorize(const Route& route, const Principal& p) {
    for (const Role r : route.roles) {
        if (r == p.role) return;
    }
    nlohmann::json allowed = nlohmann::json::array();
    for (const Role r : route.roles) allowed.push_back(to_string(r));
    throw ApiError(403, "forbidden",
                   "the role \"" + std::string(to_string(p.role)) + "\" may not do this",
                   {{"role", to_string(p.role)}, {"allowed_roles", allowed}});
}

// The body is parsed as JSON whatever the declared type (curl -d says form-urlencoded); a body
// that is not JSON is a 400. Only multipart bodies, which can never be JSON, are refused here.
void check_content_type(const Request& req) {
    std::string lower(req[http::field::content_type]);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower.starts_with("multipart/")) {
        throw ApiError(415, "unsupported_media_type", "the request body must be application/json",
                       {{"content_type", std::string(req[http::field::content_type])}});
    }
}

awaitable<Reply> run_idempotent(RequestContext& ctx, const Route& route, std::string_view key) {
    if (key.empty() || key.size() > kMaxIdempotencyKeyChars ||
        std::any_of(key.begin(), key.end(), [](char c) { return c < 0x21 || c > 0x7E; })) {
        throw ApiError(400, "invalid_idempotency_key",
                       "Idempotency-Key must be 1 to 255 visible ASCII characters");
    }
    const std::string method(ctx.req.method_string());
    const std::string target(ctx.req.target());
    const std::string hash = sha256_raw(method + " " + target + "\n" + ctx.req.body());
    store::Connection* db = co_await ctx.tx();
    const std::string principal = ctx.principal.key();
    if (!co_await store::claim_idempotency_key(*db, principal, key, method, target, hash)) {
        const auto rec = co_await store::find_idempotency_key(*db, principal, key);
        co_await ctx.finish(false);
        if (!rec || rec->request_hash != hash || rec->method != method || rec->path != target) {
            throw ApiError(409, "idempotency_key_reused",
                           "this Idempotency-Key was already used for a different request");
        }
        if (!rec->status) {
            throw ApiError(409, "idempotency_key_in_progress",
                           "a request with this Idempotency-Key is still being processed");
        }
        Reply replay{*rec->status, rec->body, rec->content_type, {}, std::nullopt, nullptr};
        replay.headers.emplace_back("Idempotent-Replayed", "true");
        co_return replay;
    }
    Reply reply = co_await route.handler(ctx);
    if (reply.status < 300) {
        co_await store::complete_idempotency_key(*db, principal, key, reply.status,
                                                 reply.content_type,
                                                 reply.replay_body.value_or(reply.body));
    }
    co_return reply;
}

Reply error_reply(const std::exception_ptr& error, const std::string& where) {
    auto reply = [](int status, std::string_view code, std::string_view message,
                    const nlohmann::json& details = nlohmann::json::object()) {
        Reply r;
        r.status = status;
        r.body = error_body(code, message, details);
        return r;
    };
    try {
        std::rethrow_exception(error);
    } catch (const ApiError& e) {
        Reply r = reply(e.status(), e.code(), e.what(), e.details());
        if (e.status() == 401)
            r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"roadside\"");
        return r;
    } catch (const store::PoolExhausted& e) {
        log_warn(where + ": " + e.what());
        Reply r = reply(503, "overloaded", "the server is busy; retry shortly");
        r.headers.emplace_back("Retry-After", "1");
        return r;
    } catch (const store::DbUnavailable& e) {
        log_warn(where + ": database unavailable: " + e.what());
        Reply r = reply(503, "database_unavailable", "the database is unavailable; retry shortly");
        r.headers.emplace_back("Retry-After", "1");
        return r;
    } catch (const store::DbError& e) {
        if (e.sqlstate().starts_with("22")) {
            // A data exception means some input got past validation: still the client's
            // input, so a 400, and logged so that the validation gets fixed.
            log_warn(where + ": input rejected by the database " + e.sqlstate() + ": " + e.what());
            return reply(400, "invalid_input", "the request holds a value that cannot be stored");
        }
        if (e.sqlstate() == "40001" || e.sqlstate() == "40P01") {
            Reply r = reply(503, "database_busy", "a concurrent update interfered; retry");
            r.headers.emplace_back("Retry-After", "1");
            return r;
        }
        log_error(where + ": database error " + e.sqlstate() + ": " + e.what());
        return reply(500, "internal_error", "an internal error occurred");
    } catch (const boost::system::system_error& e) {
        if (e.code() == boost::asio::error::operation_aborted) {
            return reply(503, "request_timeout", "the request took too long");
        }
        log_error(where + ": " + e.what());
        return reply(500, "internal_error", "an internal error occurred");
    } catch (const std::exception& e) {
        log_error(where + ": " + e.what());
        return reply(500, "internal_error", "an internal error occurred");
    }
}

awaitable<Reply> run(App& app, const Router& router, const Request& req, std::string& route_label,
                     const std::string& remote) {
    std::string path;
    std::map<std::string, std::string> query;
    split_target(req.target(), path, query);
    RouteMatch m = router.match(req.method(), path);
    if (!m.route && app.static_files) {
        // Not an endpoint: maybe a file of the console.
        if (auto file = app.static_files->serve(req, path)) {
            route_label = "static";
            co_return std::move(*file);
        }
    }
    if (!m.route) {
        if (m.allowed.empty()) {
            throw ApiError(404, "route_not_found", "no such endpoint", {{"path", path}});
        }
        std::string allow;
        for (const auto v : m.allowed) {
            if (!allow.empty()) allow += ", ";
            allow += std::string(http::to_string(v));
        }
        Reply r;
        r.status = 405;
        r.body = error_body("method_not_allowed", "this endpoint does not accept this method",
                            {{"allow", allow}});
        r.headers.emplace_back("Allow", allow);
        co_return r;
    }
    route_label = m.route->pattern;
    RequestContext ctx(app, req, path, std::move(query));
    ctx.params = std::move(m.params);
    ctx.remote = remote;
    std::exception_ptr failure;
    try {
        if (!m.route->public_route) {
            ctx.principal = co_await authenticate(ctx);
            authorize(*m.route, ctx.principal);
            if (by_cookie(ctx.principal) && unsafe_method(req.method())) check_csrf(ctx);
        }
        if (req.method() == http::verb::post) check_content_type(req);
        Reply reply;
        const auto key = req["Idempotency-Key"];
        // Public routes (sign-in) have no principal to keep records under, and a sign-in's
        // failures must be counted whatever the reply: no idempotency there. Nor where the body
        // holds a password: an idempotency record keeps a hash of the body.
        if (req.method() == http::verb::post && !key.empty() && !m.route->public_route &&
            m.route->idempotent) {
            reply = co_await run_idempotent(ctx, *m.route, key);
        } else {
            reply = co_await m.route->handler(ctx);
        }
        co_await ctx.finish(reply.status < 300);
        // Whatever changed may have written events: this server's streams get them now, the
        // other servers' are told.
        if (unsafe_method(req.method()) && reply.status < 300 && app.feed) app.feed->written();
        co_return reply;
    } catch (...) {
        failure = std::current_exception();
    }
    // The transaction, if any, is abandoned: the pool rolls it back before reusing the
    // connection.
    ctx.abandon();
    std::rethrow_exception(failure);
}

Response to_response(const Reply& reply, unsigned version, bool keep_alive) {
    Response res{static_cast<http::status>(reply.status), version};
    res.set(http::field::server, "roadside");
    res.set(http::field::cache_control, "no-store");
    res.set("X-Content-Type-Options", "nosniff");
    if (!reply.body.empty() || (reply.status != 204 && reply.status != 304)) {
        res.set(http::field::content_type, reply.content_type);
        res.body() = reply.body;
    }
    for (const auto& [name, value] : reply.headers) res.set(name, value);
    res.keep_alive(keep_alive);
    res.prepare_payload();
    return res;
}

}  // namespace

Response error_response(int status, std::string_view code, std::string_view message,
                        unsigned version, bool keep_alive) {
    Reply r;
    r.status = status;
    r.body = error_body(code, message);
    return to_response(r, version, keep_alive);
}

awaitable<Handled> handle_request(App& app, const Router& router, const Request& req,
                                  const std::string& remote) {
    const auto started = std::chrono::steady_clock::now();
    std::string route_label = "unmatched";
    Reply reply;
    try {
        reply = co_await run(app, router, req, route_label, remote);
    } catch (...) {
        reply = error_reply(std::current_exception(),
                            std::string(req.method_string()) + " " + std::string(req.target()));
    }
    // Metric labels stay bounded: a made-up method is counted as OTHER.
    const std::string method_label = req.method() == http::verb::unknown
                                         ? std::string("OTHER")
                                         : std::string(http::to_string(req.method()));
    app.metrics.observe(route_label, method_label, reply.status,
                        std::chrono::steady_clock::now() - started);
    Response res = to_response(reply, req.version(), req.keep_alive());
    if (req.method() == http::verb::head) {
        // The headers of a GET, Content-Length included, and no body (RFC 9110 §9.3.2).
        const std::size_t length = res.body().size();
        res.body().clear();
        res.content_length(length);
    }
    co_return Handled{std::move(res), reply.stream};
}

}  // namespace roadside::api
