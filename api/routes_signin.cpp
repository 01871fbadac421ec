// Customer sign-in in two steps (issue 14, superseding the single step of spec/api.md): the
// contract number and birth date, which agents legitimately see (第3条(1)), prove nothing alone;
// they earn a one-time code sent to the holder's registered phone, and the code earns the
// session.
//
//   POST /v1/customer/sessions {contract_no, birth_date}   → 202 {challenge_id, sent_to, …}
//   POST /v1/customer/sessions/{challenge_id} {code}       → 201 {token, expires_at, …}
//
// Throttling must not let a stranger who knows a contract number lock its holder out. Attempts
// are counted (in the database, shared by every server, before the pair is checked) per client
// address, per contract number *from that address*, and per contract number alone. The first two
// refuse (429) once over their limits; the contract number alone only ever slows failures down.
// A stranger therefore locks out only his own address, and the holder who completes the code is
// never refused for what others did.
#include <openssl/crypto.h>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "api/errors.hpp"
#include "api/json_in.hpp"
#include "api/routes.hpp"
#include "api/sms.hpp"
#include "core/text.hpp"
#include "store/challenges.hpp"
#include "store/claims.hpp"
#include "store/contracts.hpp"
#include "store/tokens.hpp"

namespace roadside::api {

using boost::asio::awaitable;
using nlohmann::json;

namespace {

constexpr int kCodeDigits = 6;
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kReferenceChars = 4;
// Challenges are kept a day after they end (for questions about a sign-in), then forgotten.
constexpr int kKeepChallengesS = 24 * 3600;

// ---- throttling -------------------------------------------------------------------------

// The wait before answering a failed attempt: nothing for the first failures, then
// signin_slow_base_ms doubling per further failure, up to signin_slow_max_ms.
std::chrono::milliseconds backoff(const config::ServerSettings& s, int failures, int slow_after) {
    if (failures < slow_after) return std::chrono::milliseconds{0};
    std::chrono::milliseconds d = s.signin_slow_base_ms;
    for (int i = slow_after; i < failures && d < s.signin_slow_max_ms; ++i) d *= 2;
    return std::min(d, s.signin_slow_max_ms);
}

struct SigninKeys {
    std::string contract;          // 'contract:<no>': only slows
    std::string contract_address;  // 'contract:<no>@<address>': refuses over its limit
    std::string address;           // 'address:<address>': refuses over its limit
};

SigninKeys signin_keys(const std::string& contract_no, const std::string& remote) {
    return {"contract:" + contract_no, "contract:" + contract_no + "@" + remote,
            "address:" + remote};
}

struct SigninCounts {
    int contract = 0;
    int contract_address = 0;
    int address = 0;
    core::Instant refused_until;  // when the first refusing window ends, if refused
    bool refused = false;
};

awaitable<SigninCounts> count_attempt(store::Connection& db, const config::ServerSettings& s,
                                      const SigninKeys& k, core::Instant now) {
    const int window_s = static_cast<int>(s.signin_window_s.count());
    SigninCounts c;
    c.refused_until = now;
    const std::vector<std::string> keys{k.contract, k.contract_address, k.address};
    for (const auto& row : co_await store::count_signin_attempt(db, keys, window_s)) {
        if (row.key == k.contract) {
            c.contract = row.failures;
        } else if (row.key == k.contract_address) {
            c.contract_address = row.failures;
            if (row.failures > s.signin_max_failures_per_contract) {
                c.refused = true;
                c.refused_until = std::max(c.refused_until, row.window_ends_at);
            }
        } else {
            c.address = row.failures;
            if (row.failures > s.signin_max_failures_per_address) {
                c.refused = true;
                c.refused_until = std::max(c.refused_until, row.window_ends_at);
            }
        }
    }
    co_return c;
}

// A contract number is slowed from its signin_slow_after_failures-th failure (from any address,
// and from this one); an address (which many honest customers may share behind one router) from
// half its limit.
std::chrono::milliseconds signin_delay(const config::ServerSettings& s, const SigninCounts& c) {
    return std::max({backoff(s, c.contract, s.signin_slow_after_failures),
                     backoff(s, c.contract_address, s.signin_slow_after_failures),
                     backoff(s, c.address, std::max(1, s.signin_max_failures_per_address / 2))});
}

Reply too_many_attempts(std::int64_t retry_after_s) {
    Reply r;
    r.status = 429;
    r.body = error_body("too_many_attempts", "too many sign-in attempts; try again later",
                        {{"retry_after_s", retry_after_s}});
    r.headers.emplace_back("Retry-After", std::to_string(retry_after_s));
    return r;
}

awaitable<void> sleep_for(std::chrono::milliseconds d) {
    if (d.count() <= 0) co_return;
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    timer.expires_after(d);
    co_await timer.async_wait(boost::asio::use_awaitable);
}

// ---- the code ---------------------------------------------------------------------------

// The key the codes are hashed under: derived from the admin token every server of a database is
// configured with, and never stored in the database.
std::string code_key(const App& app) {
    return sha256_raw("roadside sign-in code key\n" + app.settings.admin_token);
}

// salt || HMAC(key, salt || code): what the database keeps of a code.
std::string code_hash(const App& app, const std::string& salt, std::string_view code) {
    return salt + hmac_sha256(code_key(app), salt + std::string(code));
}

bool code_matches(const App& app, const std::string& stored, std::string_view code) {
    if (stored.size() != kSaltBytes + 32) return false;
    const std::string expected = code_hash(app, stored.substr(0, kSaltBytes), code);
    return CRYPTO_memcmp(expected.data(), stored.data(), stored.size()) == 0;
}

// The challenge's short reference, printed in the message and returned with the challenge, so
// that a customer who asked twice knows which message goes with the screen.
std::string reference_of(const std::string& challenge_id) {
    std::string ref;
    for (const char c : challenge_id) {
        if (c == '-') continue;
        ref.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
        if (ref.size() == kReferenceChars) break;
    }
    return ref;
}

std::string code_text(const std::string& code, const std::string& reference, int minutes) {
    return "【ロードサービス】確認コード " + code + "（受付番号 " + reference + "、" +
           std::to_string(minutes) + "分間有効）。このコードを他人に教えないでください。";
}

// ---- step 1: the pair -------------------------------------------------------------------

awaitable<Reply> create_challenge(RequestContext& ctx) {
    const json body = parse_body(ctx.req.body());
    const Fields f(body);
    const std::string contract_no =
        core::collapse_spaces(core::to_halfwidth(f.string("contract_no", 64)));
    if (contract_no.empty()) invalid_field("contract_no", "a contract number");
    const core::Date birth_date = f.date("birth_date");
    const config::ServerSettings& s = ctx.app.settings;
    const SigninKeys keys = signin_keys(contract_no, ctx.remote);

    store::Connection* db = co_await ctx.db();
    const SigninCounts counts = co_await count_attempt(*db, s, keys, ctx.now);
    if (counts.refused) {
        ctx.app.metrics.count_signin("throttled");
        co_return too_many_attempts(
            std::max<std::int64_t>(1, (counts.refused_until - ctx.now).count()));
    }
    const auto contract = co_await store::find_contract_by_no(*db, contract_no);
    // One answer for both halves: a wrong number and a wrong birth date look the same.
    if (!contract || contract->contract.holder.birth_date != birth_date) {
        ctx.app.metrics.count_signin("failed");
        // The connection goes back to the pool before the wait: a slowed-down caller holds none.
        ctx.abandon();
        co_await sleep_for(signin_delay(s, counts));
        throw ApiError(401, "invalid_credentials",
                       "the contract number and date of birth do not match a contract");
    }
    const std::string phone = core::to_halfwidth(contract->contract.holder.phone);
    if (phone_digits(phone).size() < 7) {
        throw ApiError(422, "no_phone_on_file",
                       "no phone number is registered for this contract; the call centre can help");
    }
    const std::string code = random_digits(kCodeDigits);
    store::NewChallenge c;
    c.contract_id = contract->contract.id;
    c.code_hash = code_hash(ctx.app, random_bytes(kSaltBytes), code);
    c.sent_to = mask_phone(phone);
    c.address = ctx.remote;
    c.max_attempts = s.signin_code_max_attempts;
    c.lifetime_s = static_cast<int>(s.signin_code_ttl_s.count());
    co_await store::forget_old_challenges(*db, kKeepChallengesS);
    const store::ChallengeCreated made = co_await store::insert_challenge(*db, c);
    const std::string reference = reference_of(made.id);
    const int minutes = static_cast<int>((s.signin_code_ttl_s.count() + 59) / 60);
    // A named message, not a braced temporary inside co_await (GCC 12 destroys it twice).
    const SmsMessage message{phone, code_text(code, reference, minutes)};
    co_await ctx.app.sms->send(message);
    ctx.app.metrics.count_signin("code_sent");
    co_return Reply::json(202, {{"challenge_id", made.id},
                                {"sent_to", c.sent_to},
                                {"reference", reference},
                                {"code_digits", kCodeDigits},
                                {"max_attempts", c.max_attempts},
                                {"expires_at", core::format_japan_time(made.expires_at)}});
}

// ---- step 2: the code -------------------------------------------------------------------

// The customer cookie: the token, for the whole origin, never readable by scripts, never sent
// by another site's page; Max-Age=0 clears it.
std::string customer_cookie(const RequestContext& ctx, std::string_view token, int max_age_s) {
    std::string c(kCustomerCookie);
    c += "=";
    c += token;
    c += "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age_s);
    if (ctx.app.settings.behind_tls) c += "; Secure";
    return c;
}

ApiError challenge_gone(std::string code, const std::string& message) {
    return ApiError(410, std::move(code), message);
}

// The code as typed: 6 digits, full-width ones too, spaces ignored.
std::string read_code(const Fields& f) {
    const std::string code = core::collapse_spaces(core::to_halfwidth(f.string("code", 32)));
    std::string digits;
    for (const char c : code) {
        if (c != ' ') digits.push_back(c);
    }
    const bool ok =
        digits.size() == kCodeDigits &&
        std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!ok) invalid_field("code", "the 6-digit code from the text message");
    return digits;
}

awaitable<Reply> verify_code(RequestContext& ctx) {
    // The answer sets the page's cookie: only a page of our own origin may ask (programs send no
    // Origin).
    const auto origin = ctx.req[http::field::origin];
    if (!origin.empty() &&
        !same_origin(origin, ctx.req[http::field::host], ctx.app.settings.behind_tls)) {
        throw ApiError(403, "csrf_failed", "sign in from a page of this server",
                       {{"reason", "origin_mismatch"}});
    }
    const json body = parse_body(ctx.req.body());
    const std::string code = read_code(Fields(body));
    const std::string& id = ctx.param("challenge_id");
    const auto not_found = [] {
        return ApiError(404, "challenge_not_found",
                        "no sign-in with this id is waiting for a code");
    };
    if (!is_uuid(id)) throw not_found();
    store::Connection* db = co_await ctx.db();
    const auto attempt = co_await store::count_challenge_try(*db, id);
    if (!attempt) throw not_found();
    const auto fail = [&](ApiError e) {
        ctx.app.metrics.count_signin("code_failed");
        return e;
    };
    if (attempt->used) throw fail(challenge_gone("challenge_used", "this code was already used"));
    if (attempt->expired) {
        throw fail(challenge_gone("challenge_expired", "this code has expired; ask for a new one"));
    }
    if (attempt->attempt > attempt->max_attempts) {
        throw fail(
            challenge_gone("challenge_exhausted", "too many wrong codes; ask for a new one"));
    }
    if (!code_matches(ctx.app, attempt->code_hash, code)) {
        throw fail(ApiError(401, "invalid_code", "the code is not right",
                            {{"attempts_left", attempt->max_attempts - attempt->attempt}}));
    }
    if (!co_await store::use_challenge(*db, id)) {
        throw fail(challenge_gone("challenge_used", "this code was already used"));
    }
    const auto contract = co_await store::find_contract(*db, attempt->contract_id);
    if (!contract) throw not_found();
    const SigninKeys keys = signin_keys(contract->contract.contract_no, ctx.remote);
    // The holder proved it: this address's count for the number and the number's own are
    // cleared, the address's reduced by one (other customers may share it).
    co_await store::forgive_signin(*db, keys.contract_address, keys.address);
    co_await store::forgive_signin(*db, keys.contract, "");
    const std::string token = generate_token();
    store::NewToken t;
    t.hash = hash_token(token);
    t.role = "customer";
    t.contract_id = contract->contract.id;
    t.label = "customer session";
    t.created_by = "customer:" + contract->contract.contract_no;
    t.lifetime_s = static_cast<int>(ctx.app.settings.customer_session_s.count());
    const store::TokenRow row = co_await store::insert_token(*db, t);
    ctx.app.metrics.count_signin("succeeded");
    // Programs use the token; a phone page gets it as an HttpOnly cookie (so that EventSource and
    // <img> authenticate too) and sends the CSRF token with every change.
    Reply reply = Reply::json(
        201,
        {{"token", token},
         {"role", "customer"},
         {"contract_id", contract->contract.id},
         {"contract_no", contract->contract.contract_no},
         {"csrf_token", csrf_token_for(token)},
         {"expires_at", row.expires_at ? json(core::format_japan_time(*row.expires_at)) : json()}});
    reply.headers.emplace_back("Set-Cookie", customer_cookie(ctx, token, *t.lifetime_s));
    co_return reply;
}

// ---- the page's session ------------------------------------------------------------------

ApiError no_customer_session() {
    return ApiError(404, "session_not_found", "no customer is signed in with the page's cookie");
}

// GET /v1/customer/sessions/current: who the page's cookie signs in, and its CSRF token (a
// reloaded page recovers it). A bearer token gets 404.
awaitable<Reply> current_customer_session(RequestContext& ctx) {
    if (!ctx.principal.cookie_csrf_token || !ctx.principal.contract_id) {
        throw no_customer_session();
    }
    store::Connection* db = co_await ctx.db();
    const auto contract = co_await store::find_contract(*db, *ctx.principal.contract_id);
    if (!contract) throw no_customer_session();
    const auto& ends = ctx.principal.token_expires_at;
    co_return Reply::json(
        200, {{"role", "customer"},
              {"contract_id", contract->contract.id},
              {"contract_no", contract->contract.contract_no},
              {"holder_name", contract->contract.holder.name},
              {"csrf_token", *ctx.principal.cookie_csrf_token},
              {"expires_at", ends ? json(core::format_japan_time(*ends)) : json()}});
}

// DELETE /v1/customer/sessions/current: the token is revoked (every server refuses it from the
// next request on) and the cookie cleared.
awaitable<Reply> end_customer_session(RequestContext& ctx) {
    if (!ctx.principal.cookie_csrf_token) throw no_customer_session();
    store::Connection* db = co_await ctx.tx();
    co_await store::revoke_token(*db, ctx.principal.token_id);
    Reply reply = Reply::no_content();
    reply.headers.emplace_back("Set-Cookie", customer_cookie(ctx, "", 0));
    co_return reply;
}

}  // namespace

void add_signin_routes(Router& r) {
    r.add_public(http::verb::post, "/v1/customer/sessions", create_challenge);
    r.add_public(http::verb::post, "/v1/customer/sessions/{challenge_id}", verify_code);
    r.add(http::verb::get, "/v1/customer/sessions/current", {Role::customer},
          current_customer_session);
    r.add(http::verb::delete_, "/v1/customer/sessions/current", {Role::customer},
          end_customer_session);
}

}  // namespace roadside::api
