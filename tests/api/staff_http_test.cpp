// Staff accounts and sessions (issue 13): users, sign-in to a cookie, CSRF on unsafe requests,
// sign-out, disabling, throttling, idle and absolute expiry, the reviewer role, the person as the
// actor in the histories, and `roadside user` on the command line.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <future>
#include <set>
#include <thread>

#include "api/auth.hpp"
#include "job_support.hpp"
#include "support.hpp"

namespace roadside::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kPassword = "correct horse battery staple";

// Argon2id at its cheapest: the sanitizer build stays fast (production keeps the defaults).
json cheap_hashing(json extra = json::object()) {
    json base = {{"password_opslimit", 1},
                 {"password_memlimit_kib", 64},
                 {"signin_max_failures_per_address", 10000},
                 {"signin_slow_base_ms", 50},
                 {"signin_slow_max_ms", 200}};
    base.update(extra);
    return base;
}

ServerOptions options_for(const TestDatabase& db, const json& settings,
                          std::map<std::string, std::string> env = {}) {
    ServerOptions o;
    o.database_url = db.url();
    o.extra_env = std::move(env);
    o.extra_env["ROADSIDE_CONFIG_DIR"] = config_dir_with(settings);
    return o;
}

// A browser: the session cookie, the CSRF token the sign-in answered, and its own origin.
struct Browser {
    int port = 0;
    std::string cookie;  // "roadside_session=…"
    std::string csrf;
    json user;

    std::string origin() const { return "http://127.0.0.1:" + std::to_string(port); }
    std::map<std::string, std::string> page_headers() const {
        return {{"Cookie", cookie},
                {"Origin", origin()},
                {"X-CSRF-Token", csrf},
                {"Content-Type", "application/json"}};
    }
    HttpResult get(const std::string& target) const {
        return HttpClient(port).request("GET", target, "", {{"Cookie", cookie}});
    }
    HttpResult send(const std::string& method, const std::string& target, const json& body) const {
        return HttpClient(port).request(method, target, body.is_null() ? "" : body.dump(),
                                        page_headers());
    }
};

HttpResult sign_in_raw(int port, const std::string& login, const std::string& password,
                       std::map<std::string, std::string> headers = {}) {
    headers.emplace("Content-Type", "application/json");
    return HttpClient(port).request("POST", "/v1/staff/sessions",
                                    json{{"login", login}, {"password", password}}.dump(), headers);
}

std::string cookie_pair(const std::string& set_cookie) {
    return set_cookie.substr(0, set_cookie.find(';'));
}

Browser sign_in(int port, const std::string& login, const std::string& password = kPassword) {
    const HttpResult r = sign_in_raw(port, login, password);
    EXPECT_EQ(r.status, 201) << r.body;
    Browser b;
    b.port = port;
    b.cookie = cookie_pair(r.header("set-cookie"));
    b.csrf = r.json().value("csrf_token", "");
    b.user = r.json()["user"];
    return b;
}

json make_user(HttpClient& admin, const std::string& login, const std::string& role,
               const std::optional<std::string>& partner_id = std::nullopt) {
    json body = {
        {"login", login}, {"name", "名前 " + login}, {"role", role}, {"password", kPassword}};
    if (partner_id) body["partner_id"] = *partner_id;
    const HttpResult r = admin.post_json("/v1/users", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
}

std::string fresh_login(const std::string& stem) {
    return stem + "-" + unique_suffix();
}

class StaffTest : public ::testing::Test {
  protected:
    static inline TestDatabase* db = nullptr;
    static inline ServerProcess* server = nullptr;

    static void SetUpTestSuite() {
        db = new TestDatabase("staff");
        server = new ServerProcess(options_for(*db, cheap_hashing()));
        server->start();
    }
    static void TearDownTestSuite() {
        EXPECT_EQ(server->stop(), 0) << server->log();
        delete server;
        delete db;
    }
    void TearDown() override { ASSERT_TRUE(server->running()) << server->log(); }

    static int port() { return server->port(); }
    static HttpClient admin() { return HttpClient(port(), server->options().admin_token); }
    static std::string token_for(const std::string& role) {
        const HttpResult r = admin().post_json("/v1/tokens", {{"role", role}});
        EXPECT_EQ(r.status, 201) << r.body;
        return r.json().value("token", "");
    }
    static std::string scalar(const std::string& sql) { return db->scalar(sql); }
};

// ---- users ----------------------------------------------------------------------------------

TEST_F(StaffTest, AdminsMakeListAndDisableUsersWhosePasswordsAreStoredOnlyAsArgon2idHashes) {
    HttpClient a = admin();
    const std::string login = fresh_login("Sato");
    const json user = make_user(a, login, "agent");
    EXPECT_EQ(user["login"], login);
    EXPECT_EQ(user["role"], "agent");
    EXPECT_EQ(user["name"], "名前 " + login);
    EXPECT_TRUE(user["disabled_at"].is_null());
    EXPECT_FALSE(user.contains("password"));
    EXPECT_FALSE(user.contains("password_hash"));
    const std::string id = user["id"];
    EXPECT_EQ(scalar("SELECT password_hash LIKE '$argon2id$%' FROM users WHERE id = '" + id + "'"),
              "t");
    EXPECT_EQ(scalar(std::string("SELECT count(*) FROM users WHERE password_hash LIKE '%") +
                     kPassword + "%'"),
              "0");
    // A login is one person whatever its case.
    HttpResult r = a.post_json("/v1/users", {{"login", "SATO" + login.substr(4)},
                                             {"name", "x"},
                                             {"role", "agent"},
                                             {"password", kPassword}});
    EXPECT_EQ(r.status, 409);
    EXPECT_EQ(r.error_code(), "duplicate_login");

    r = a.get("/v1/users");
    ASSERT_EQ(r.status, 200);
    bool listed = false;
    const json users = r.json()["users"];
    for (const auto& u : users) listed = listed || u["id"] == id;
    EXPECT_TRUE(listed);

    r = a.post_json("/v1/users/" + id + "/disable", json::object());
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_FALSE(r.json()["disabled_at"].is_null());
    EXPECT_EQ(r.json()["disabled_by"], "admin:bootstrap-admin");
    // Disabling twice keeps the first time.
    EXPECT_EQ(a.post_json("/v1/users/" + id + "/disable", json::object()).json()["disabled_at"],
              r.json()["disabled_at"]);
    EXPECT_EQ(a.post_json("/v1/users/00000000-0000-4000-8000-000000000000/disable", json::object())
                  .error_code(),
              "user_not_found");
    EXPECT_EQ(a.post_json("/v1/users/nope/disable", json::object()).status, 404);
}

TEST_F(StaffTest, BadUsersAreRefusedWithTheFieldNamedAndNothingStored) {
    HttpClient a = admin();
    const json valid = {{"login", fresh_login("valid")},
                        {"name", "佐藤 花子"},
                        {"role", "agent"},
                        {"password", kPassword}};
    struct Case {
        const char* what;
        json patch;
        int status;
        const char* code;
        const char* field;
    };
    const std::vector<Case> cases = {
        {"login missing", {{"login", nullptr}}, 400, "missing_field", "login"},
        {"login too short", {{"login", "ab"}}, 400, "invalid_field", "login"},
        {"login with a space", {{"login", "sa to"}}, 400, "invalid_field", "login"},
        {"login starting with a dot", {{"login", ".sato"}}, 400, "invalid_field", "login"},
        {"login in kana", {{"login", "さとう"}}, 400, "invalid_field", "login"},
        {"name missing", {{"name", nullptr}}, 400, "missing_field", "name"},
        {"role unknown", {{"role", "root"}}, 400, "invalid_field", "role"},
        {"role customer", {{"role", "customer"}}, 400, "invalid_field", "role"},
        {"password missing", {{"password", nullptr}}, 400, "missing_field", "password"},
        {"password of 9 characters", {{"password", "123456789"}}, 400, "invalid_field", "password"},
        {"password too long",
         {{"password", std::string(257, 'x')}},
         400,
         "invalid_field",
         "password"},
        {"password a number", {{"password", 1234567890}}, 400, "invalid_field", "password"},
        {"partner without partner_id", {{"role", "partner"}}, 400, "missing_field", "partner_id"},
        {"agent with a partner_id",
         {{"partner_id", "00000000-0000-4000-8000-000000000000"}},
         400,
         "invalid_field",
         "partner_id"},
        {"partner that does not exist",
         {{"role", "partner"}, {"partner_id", "00000000-0000-4000-8000-000000000000"}},
         422,
         "partner_not_found",
         nullptr},
    };
    const std::string before = scalar("SELECT count(*) FROM users");
    for (const Case& c : cases) {
        json body = valid;
        for (const auto& [k, v] : c.patch.items()) {
            if (v.is_null()) {
                body.erase(k);
            } else {
                body[k] = v;
            }
        }
        const HttpResult r = a.post_json("/v1/users", body);
        EXPECT_EQ(r.status, c.status) << c.what << ": " << r.body;
        EXPECT_EQ(r.error_code(), c.code) << c.what;
        if (c.field) {
            EXPECT_EQ(r.json()["error"]["details"]["field"], c.field) << c.what;
        }
    }
    // The password may not be the login.
    json same = valid;
    same["login"] = "password-login";
    same["password"] = "PASSWORD-LOGIN";
    EXPECT_EQ(a.post_json("/v1/users", same).error_code(), "invalid_field");
    EXPECT_EQ(scalar("SELECT count(*) FROM users"), before);
}

TEST_F(StaffTest, OnlyAdminsManageUsersAndAPasswordBodyLeavesNoIdempotencyRecord) {
    HttpClient agent(port(), token_for("agent"));
    EXPECT_EQ(agent.get("/v1/users").error_code(), "forbidden");
    EXPECT_EQ(agent.post_json("/v1/users", {{"login", "x-agent"}}).error_code(), "forbidden");
    HttpClient anon(port());
    EXPECT_EQ(anon.get("/v1/users").status, 401);

    // An idempotency record keeps a hash of the body: not for a body with a password.
    HttpClient a = admin();
    const std::string key = "user-" + unique_suffix();
    const json body = {
        {"login", fresh_login("idem")}, {"name", "x"}, {"role", "agent"}, {"password", kPassword}};
    EXPECT_EQ(a.post_json("/v1/users", body, {{"Idempotency-Key", key}}).status, 201);
    EXPECT_EQ(scalar("SELECT count(*) FROM idempotency_keys WHERE key = '" + key + "'"), "0");
    const HttpResult again = a.post_json("/v1/users", body, {{"Idempotency-Key", key}});
    EXPECT_EQ(again.error_code(), "duplicate_login");
}

// ---- sessions -------------------------------------------------------------------------------

TEST_F(StaffTest, SignInSetsAStrictHttpOnlyCookieWhoseSecretIsStoredOnlyAsAHash) {
    HttpClient a = admin();
    const std::string login = fresh_login("tanaka");
    const json user = make_user(a, login, "agent");
    // Any case of the login signs in.
    std::string upper = login;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const HttpResult r = sign_in_raw(port(), upper, kPassword);
    ASSERT_EQ(r.status, 201) << r.body;
    const json body = r.json();
    EXPECT_EQ(body["user"]["id"], user["id"]);
    EXPECT_EQ(body["user"]["login"], login);
    EXPECT_EQ(body["user"]["role"], "agent");
    EXPECT_FALSE(body["user"].contains("partner_id"));
    EXPECT_FALSE(body["csrf_token"].get<std::string>().empty());
    EXPECT_FALSE(body["expires_at"].get<std::string>().empty());

    const std::string set_cookie = r.header("set-cookie");
    EXPECT_TRUE(set_cookie.starts_with("roadside_session=")) << set_cookie;
    EXPECT_NE(set_cookie.find("; HttpOnly"), std::string::npos) << set_cookie;
    EXPECT_NE(set_cookie.find("; SameSite=Strict"), std::string::npos) << set_cookie;
    EXPECT_NE(set_cookie.find("; Path=/"), std::string::npos) << set_cookie;
    EXPECT_EQ(set_cookie.find("Secure"), std::string::npos) << "plain HTTP: " << set_cookie;

    const std::string secret =
        cookie_pair(set_cookie).substr(std::string("roadside_session=").size());
    EXPECT_EQ(scalar("SELECT count(*) FROM staff_sessions WHERE secret_hash = sha256('" + secret +
                     "'::bytea) AND user_id = '" + user["id"].get<std::string>() + "'"),
              "1");
    EXPECT_EQ(scalar("SELECT count(*) FROM staff_sessions WHERE encode(secret_hash, 'escape') "
                     "LIKE '%" +
                     secret + "%'"),
              "0");
    EXPECT_EQ(body["csrf_token"], api::csrf_token_for(secret));

    // A reloaded page gets its CSRF token back.
    const Browser b{port(), cookie_pair(set_cookie), body["csrf_token"], body["user"]};
    const HttpResult current = b.get("/v1/staff/sessions/current");
    ASSERT_EQ(current.status, 200) << current.body;
    EXPECT_EQ(current.json()["csrf_token"], body["csrf_token"]);
    EXPECT_EQ(current.json()["user"], body["user"]);
    EXPECT_EQ(b.get("/v1/products").status, 200);

    // A bearer token has no session to show or end.
    HttpClient agent(port(), token_for("agent"));
    EXPECT_EQ(agent.get("/v1/staff/sessions/current").error_code(), "session_not_found");
    EXPECT_EQ(agent.request("DELETE", "/v1/staff/sessions/current", "").error_code(),
              "session_not_found");
    // Without credentials, no session.
    EXPECT_EQ(HttpClient(port()).get("/v1/staff/sessions/current").status, 401);
    EXPECT_EQ(HttpClient(port())
                  .request("GET", "/v1/staff/sessions/current", "",
                           {{"Cookie", "roadside_session=rs_forged"}})
                  .status,
              401);
}

TEST_F(StaffTest, CookieRequestsThatChangeSomethingNeedOurOriginAndTheSessionsCsrfToken) {
    HttpClient a = admin();
    Dispatch d(port(), server->options().admin_token);
    const std::string login = fresh_login("desk");
    make_user(a, login, "agent");
    const Browser b = sign_in(port(), login);
    const Browser other = sign_in(port(), login);  // a second session of the same person
    const json call = json{{"contract_no", d.contract()},
                           {"location", {{"lat", 35.0}, {"lon", 135.8}}},
                           {"problem", "battery"}};
    const std::string body = call.dump();
    struct Case {
        const char* what;
        std::map<std::string, std::string> headers;
        const char* reason;
    };
    const std::string evil = "http://evil.example";
    const std::vector<Case> cases = {
        {"no Origin", {{"X-CSRF-Token", b.csrf}}, "origin_missing"},
        {"another site", {{"Origin", evil}, {"X-CSRF-Token", b.csrf}}, "origin_mismatch"},
        {"https for http",
         {{"Origin", "https://127.0.0.1:" + std::to_string(port())}, {"X-CSRF-Token", b.csrf}},
         "origin_mismatch"},
        {"another port",
         {{"Origin", "http://127.0.0.1:1"}, {"X-CSRF-Token", b.csrf}},
         "origin_mismatch"},
        {"Origin null", {{"Origin", "null"}, {"X-CSRF-Token", b.csrf}}, "origin_mismatch"},
        {"no token", {{"Origin", b.origin()}}, "token_missing"},
        {"a wrong token",
         {{"Origin", b.origin()}, {"X-CSRF-Token", "x" + b.csrf}},
         "token_mismatch"},
        {"another session's token",
         {{"Origin", b.origin()}, {"X-CSRF-Token", other.csrf}},
         "token_mismatch"},
    };
    const std::string before = scalar("SELECT count(*) FROM incidents");
    for (const Case& c : cases) {
        std::map<std::string, std::string> headers = c.headers;
        headers["Cookie"] = b.cookie;
        headers["Content-Type"] = "application/json";
        const HttpResult r = HttpClient(port()).request("POST", "/v1/calls", body, headers);
        EXPECT_EQ(r.status, 403) << c.what << ": " << r.body;
        EXPECT_EQ(r.error_code(), "csrf_failed") << c.what;
        EXPECT_EQ(r.json()["error"]["details"]["reason"], c.reason) << c.what;
    }
    EXPECT_EQ(scalar("SELECT count(*) FROM incidents"), before);
    // Signing out is a change too.
    EXPECT_EQ(HttpClient(port())
                  .request("DELETE", "/v1/staff/sessions/current", "", {{"Cookie", b.cookie}})
                  .error_code(),
              "csrf_failed");
    EXPECT_EQ(b.get("/v1/staff/sessions/current").status, 200);
    // Safe methods need neither.
    EXPECT_EQ(b.get("/v1/jobs").status, 200);
    // The page itself: accepted.
    const HttpResult ok = b.send("POST", "/v1/calls", call);
    EXPECT_EQ(ok.status, 201) << ok.body;
    // Programs with a bearer token are not affected, whatever they send.
    HttpClient program(port(), token_for("agent"));
    EXPECT_EQ(program.post_json("/v1/calls", call).status, 201);
    EXPECT_EQ(program.post_json("/v1/calls", call, {{"Origin", evil}}).status, 201);
    // A bearer token and a cookie together: the token decides, no CSRF asked.
    EXPECT_EQ(program.post_json("/v1/calls", call, {{"Cookie", b.cookie}}).status, 201);
    // A sign-in from another site's page is refused (login CSRF); programs send no Origin.
    EXPECT_EQ(sign_in_raw(port(), login, kPassword, {{"Origin", evil}}).error_code(),
              "csrf_failed");
    EXPECT_EQ(sign_in_raw(port(), login, kPassword, {{"Origin", b.origin()}}).status, 201);
}

TEST_F(StaffTest, SigningOutEndsTheSessionAtOnceAndClearsTheCookie) {
    HttpClient a = admin();
    const std::string login = fresh_login("out");
    make_user(a, login, "reviewer");
    const Browser b = sign_in(port(), login);
    const Browser keep = sign_in(port(), login);
    const HttpResult r = b.send("DELETE", "/v1/staff/sessions/current", nullptr);
    ASSERT_EQ(r.status, 204) << r.body;
    const std::string cleared = r.header("set-cookie");
    EXPECT_TRUE(cleared.starts_with("roadside_session=;")) << cleared;
    EXPECT_NE(cleared.find("Max-Age=0"), std::string::npos) << cleared;
    EXPECT_EQ(b.get("/v1/staff/sessions/current").status, 401);
    EXPECT_EQ(b.get("/v1/claims").status, 401);
    EXPECT_EQ(scalar("SELECT end_reason FROM staff_sessions s JOIN users u ON u.id = s.user_id"
                     " WHERE u.login = '" +
                     login + "' AND s.ended_at IS NOT NULL"),
              "signed_out");
    // The person's other session goes on.
    EXPECT_EQ(keep.get("/v1/claims").status, 200);
}

TEST_F(StaffTest, DisablingAUserEndsItsSessionsAtOnceAndItCannotSignInAgain) {
    HttpClient a = admin();
    const std::string login = fresh_login("gone");
    const json user = make_user(a, login, "agent");
    const Browser b = sign_in(port(), login);
    ASSERT_EQ(b.get("/v1/jobs").status, 200);
    ASSERT_EQ(a.post_json("/v1/users/" + user["id"].get<std::string>() + "/disable", json::object())
                  .status,
              200);
    EXPECT_EQ(b.get("/v1/jobs").status, 401);
    EXPECT_EQ(scalar("SELECT count(*) FROM staff_sessions WHERE user_id = '" +
                     user["id"].get<std::string>() + "' AND end_reason = 'user_disabled'"),
              "1");
    const HttpResult again = sign_in_raw(port(), login, kPassword);
    EXPECT_EQ(again.status, 401);
    EXPECT_EQ(again.error_code(), "invalid_credentials");
}

TEST_F(StaffTest, WrongPasswordsAreSlowedThenRefusedPerLoginWhateverTheLoginsCase) {
    HttpClient a = admin();
    const std::string login = fresh_login("guess");
    make_user(a, login, "agent");
    // An unknown login and a wrong password get the same answer.
    const HttpResult unknown = sign_in_raw(port(), fresh_login("nobody"), kPassword);
    EXPECT_EQ(unknown.status, 401);
    EXPECT_EQ(unknown.error_code(), "invalid_credentials");
    for (int i = 1; i <= 5; ++i) {
        const HttpResult r = sign_in_raw(port(), login, "wrong password " + std::to_string(i));
        EXPECT_EQ(r.status, 401) << i << ": " << r.body;
        EXPECT_EQ(r.error_code(), "invalid_credentials");
    }
    HttpResult r = sign_in_raw(port(), login, "wrong again!!");
    EXPECT_EQ(r.status, 429) << r.body;
    EXPECT_EQ(r.error_code(), "too_many_attempts");
    EXPECT_FALSE(r.header("retry-after").empty());
    // The right password too, until the window ends; the case of the login does not help.
    std::string upper = login;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_EQ(sign_in_raw(port(), login, kPassword).status, 429);
    EXPECT_EQ(sign_in_raw(port(), upper, kPassword).status, 429);
    // Another person is not affected.
    const std::string other = fresh_login("other");
    make_user(a, other, "agent");
    EXPECT_EQ(sign_in_raw(port(), other, kPassword).status, 201);
}

TEST_F(StaffTest, TheDelayGrowsFromTheThirdFailure) {
    HttpClient a = admin();
    const std::string login = fresh_login("slow");
    make_user(a, login, "agent");
    std::vector<std::chrono::milliseconds> took;
    for (int i = 1; i <= 5; ++i) {
        const auto started = std::chrono::steady_clock::now();
        EXPECT_EQ(sign_in_raw(port(), login, "wrong password!").status, 401);
        took.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - started));
    }
    // signin_slow_base_ms 50, doubling, at most 200: 0, 0, 50, 100, 200.
    EXPECT_GE(took[2].count(), 50);
    EXPECT_GE(took[3].count(), 100);
    EXPECT_GE(took[4].count(), 200);
}

TEST_F(StaffTest, AParallelBurstOfGuessesGetsNoMoreThanTheLimitChecked) {
    HttpClient a = admin();
    const std::string login = fresh_login("burst");
    make_user(a, login, "agent");
    std::vector<std::future<int>> answers;
    for (int i = 0; i < 12; ++i) {
        answers.push_back(std::async(std::launch::async, [&] {
            return sign_in_raw(port(), login, "not the password").status;
        }));
    }
    int unauthorized = 0;
    int throttled = 0;
    for (auto& f : answers) {
        const int s = f.get();
        unauthorized += s == 401;
        throttled += s == 429;
    }
    EXPECT_EQ(unauthorized, 5);
    EXPECT_EQ(throttled, 7);
}

TEST(StaffAddresses, OneAddressIsRefusedAfterItsLimitWhateverTheLogin) {
    TestDatabase db("staff_address");
    ServerProcess server(options_for(db, cheap_hashing({{"signin_max_failures_per_address", 6},
                                                        {"signin_slow_base_ms", 10},
                                                        {"signin_slow_max_ms", 20}})));
    server.start();
    HttpClient a(server.port(), server.options().admin_token);
    const std::string login = fresh_login("victim");
    make_user(a, login, "agent");
    for (int i = 0; i < 6; ++i) {
        EXPECT_EQ(sign_in_raw(server.port(), fresh_login("spray"), "wrong password!").status, 401);
    }
    const HttpResult r = sign_in_raw(server.port(), login, kPassword);
    EXPECT_EQ(r.status, 429) << r.body;
    EXPECT_EQ(server.stop(), 0) << server.log();
}

// ---- roles and actors -----------------------------------------------------------------------

TEST_F(StaffTest, ReviewersDoClaimsAndPayoutsAndAgentsAreRefusedTheBackOffice) {
    HttpClient a = admin();
    const std::string reviewer = fresh_login("review");
    make_user(a, reviewer, "reviewer");
    const Browser r = sign_in(port(), reviewer);
    EXPECT_EQ(r.user["role"], "reviewer");
    for (const char* target :
         {"/v1/claims", "/v1/claims?decision=pending_review", "/v1/payouts", "/v1/products"}) {
        EXPECT_EQ(r.get(target).status, 200) << target;
    }
    EXPECT_EQ(r.get("/v1/payouts/zengin?transfer_date=" +
                    core::format_date(core::japan_date(core::now_seconds())))
                  .status,
              200);
    EXPECT_EQ(r.send("POST", "/v1/claims/00000000-0000-4000-8000-000000000000/review",
                     {{"decision", "rejected"}})
                  .error_code(),
              "claim_not_found");
    EXPECT_EQ(r.send("POST", "/v1/payouts/00000000-0000-4000-8000-000000000000/paid",
                     {{"paid_on", "2026-01-05"}})
                  .error_code(),
              "claim_not_found");
    // A reviewer takes no calls and makes no tokens.
    EXPECT_EQ(r.send("POST", "/v1/calls", {{"contract_no", "X"}}).error_code(), "forbidden");
    EXPECT_EQ(r.send("POST", "/v1/tokens", {{"role", "agent"}}).error_code(), "forbidden");

    const std::string agent = fresh_login("front");
    make_user(a, agent, "agent");
    const Browser g = sign_in(port(), agent);
    for (const char* target : {"/v1/payouts", "/v1/payouts/zengin?transfer_date=2026-12-01",
                               "/v1/users", "/v1/tokens"}) {
        const HttpResult refused = g.get(target);
        EXPECT_EQ(refused.status, 403) << target;
        EXPECT_EQ(refused.json()["error"]["details"]["role"], "agent") << target;
    }
    // Bearer tokens of the new role work the same.
    HttpClient token(port(), token_for("reviewer"));
    EXPECT_EQ(token.get("/v1/payouts").status, 200);
}

TEST_F(StaffTest, PartnerUsersSignInAsTheirPartner) {
    HttpClient a = admin();
    Dispatch d(port(), server->options().admin_token);
    const std::string partner = d.partner("Crew", fresh_anchor(), {"on_site"});
    const std::string login = fresh_login("crew");
    make_user(a, login, "partner", partner);
    const Browser b = sign_in(port(), login);
    EXPECT_EQ(b.user["role"], "partner");
    EXPECT_EQ(b.user["partner_id"], partner);
    EXPECT_EQ(b.get("/v1/partner/jobs").status, 200);
    EXPECT_EQ(b.get("/v1/partners/" + partner).status, 200);
    EXPECT_EQ(b.get("/v1/jobs").status, 403);
}

TEST_F(StaffTest, TheHistoriesNameThePersonNotAToken) {
    HttpClient a = admin();
    Dispatch d(port(), server->options().admin_token);
    const std::string login = fresh_login("yamada");
    make_user(a, login, "agent");
    const Browser b = sign_in(port(), login);
    const std::string contract_no = d.contract();
    const HttpResult call = b.send("POST", "/v1/calls",
                                   {{"contract_no", contract_no},
                                    {"location", {{"lat", 35.0}, {"lon", 135.8}}},
                                    {"problem", "battery"}});
    ASSERT_EQ(call.status, 201) << call.body;
    const std::string incident = call.json()["incident_id"];
    const HttpResult job =
        b.send("POST", "/v1/incidents/" + incident + "/jobs", {{"service", "jump_start"}});
    ASSERT_EQ(job.status, 201) << job.body;
    const json view = a.get("/v1/incidents/" + incident).json();
    EXPECT_EQ(view["created_by"], "user:" + login);
    std::set<std::string> actors;
    for (const auto& e : view["events"]) actors.insert(e["actor"].get<std::string>());
    EXPECT_TRUE(actors.contains("user:" + login)) << view["events"].dump();
    for (const auto& actor : actors) {
        EXPECT_TRUE(actor == "user:" + login || actor.starts_with("system:")) << actor;
    }
    EXPECT_EQ(scalar("SELECT created_by FROM jobs WHERE incident_id = '" + incident + "'"),
              "user:" + login);
}

// ---- expiry ---------------------------------------------------------------------------------

TEST(StaffExpiry, ASessionEndsAfterItsIdleTimeoutAndAtItsAbsoluteLifetime) {
    TestDatabase db("staff_expiry");
    ServerProcess server(options_for(
        db, cheap_hashing({{"staff_session_idle_s", 2}, {"staff_session_lifetime_s", 5}})));
    server.start();
    HttpClient a(server.port(), server.options().admin_token);
    const std::string login = fresh_login("idle");
    make_user(a, login, "agent");

    // Used every 0.5 s: alive past its idle timeout.
    Browser busy = sign_in(server.port(), login);
    const auto started = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - started < 3500ms) {
        ASSERT_EQ(busy.get("/v1/staff/sessions/current").status, 200);
        std::this_thread::sleep_for(500ms);
    }
    // Left alone for longer than the idle timeout: over.
    std::this_thread::sleep_for(2500ms);
    EXPECT_EQ(busy.get("/v1/staff/sessions/current").status, 401);

    // Used all the time, it still ends at its absolute lifetime (5 s).
    Browser steady = sign_in(server.port(), login);
    const auto begun = std::chrono::steady_clock::now();
    int last_ok_ms = 0;
    while (std::chrono::steady_clock::now() - begun < 7s) {
        if (steady.get("/v1/staff/sessions/current").status != 200) break;
        last_ok_ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::steady_clock::now() - begun)
                                          .count());
        std::this_thread::sleep_for(300ms);
    }
    EXPECT_GE(last_ok_ms, 3500);
    EXPECT_LT(last_ok_ms, 6500);
    EXPECT_EQ(steady.get("/v1/staff/sessions/current").status, 401);
    EXPECT_EQ(server.stop(), 0) << server.log();
}

TEST(StaffTls, BehindTlsTheCookieIsSecureAndThePagesOriginHttps) {
    TestDatabase db("staff_tls");
    ServerProcess server(options_for(db, cheap_hashing(), {{"ROADSIDE_BEHIND_TLS", "1"}}));
    server.start();
    HttpClient a(server.port(), server.options().admin_token);
    const std::string login = fresh_login("tls");
    make_user(a, login, "agent");
    const HttpResult r = sign_in_raw(server.port(), login, kPassword);
    ASSERT_EQ(r.status, 201);
    EXPECT_NE(r.header("set-cookie").find("; Secure"), std::string::npos) << r.header("set-cookie");
    Browser b = sign_in(server.port(), login);
    const std::string host = "127.0.0.1:" + std::to_string(server.port());
    auto sign_out_from = [&](const std::string& origin) {
        return HttpClient(server.port())
            .request("DELETE", "/v1/staff/sessions/current", "",
                     {{"Cookie", b.cookie}, {"Origin", origin}, {"X-CSRF-Token", b.csrf}});
    };
    EXPECT_EQ(sign_out_from("http://" + host).error_code(), "csrf_failed");
    EXPECT_EQ(sign_out_from("https://" + host).status, 204);
    EXPECT_EQ(server.stop(), 0) << server.log();
}

// ---- the command line -----------------------------------------------------------------------

struct CommandResult {
    int exit_code = -1;
    std::string output;  // stdout and stderr
};

CommandResult run_cli(const std::vector<std::string>& args, const std::string& database_url,
                      const std::string& input, std::map<std::string, std::string> env = {}) {
    int in[2];
    int out[2];
    if (pipe(in) != 0 || pipe(out) != 0) throw std::runtime_error("pipe failed");
    const pid_t pid = fork();
    if (pid == 0) {
        dup2(in[0], STDIN_FILENO);
        dup2(out[1], STDOUT_FILENO);
        dup2(out[1], STDERR_FILENO);
        close(in[1]);
        close(out[0]);
        setenv("ROADSIDE_DATABASE_URL", database_url.c_str(), 1);
        setenv("ROADSIDE_ADMIN_TOKEN", "cli-test-admin-token-0123456789", 1);
        setenv("ROADSIDE_CONFIG_DIR", config_dir_with(cheap_hashing()).c_str(), 1);
        for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
        std::vector<char*> argv;
        const std::string binary = bin_dir() + "/roadside";
        argv.push_back(const_cast<char*>("roadside"));
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execv(binary.c_str(), argv.data());
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    if (!input.empty()) {
        const ssize_t written = write(in[1], input.data(), input.size());
        (void)written;
    }
    close(in[1]);
    CommandResult r;
    char buf[4096];
    ssize_t n;
    while ((n = read(out[0], buf, sizeof buf)) > 0)
        r.output.append(buf, static_cast<std::size_t>(n));
    close(out[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

TEST_F(StaffTest, TheCommandLineAddsChangesAndDisablesUsersWithoutShowingPasswords) {
    const std::string url = db->url();
    const std::string login = fresh_login("cli");
    const std::string first = "first password from stdin";
    CommandResult r = run_cli({"user", "add", login, "--name", "窓口 一郎", "--role", "agent"}, url,
                              first + "\n");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output.find(first), std::string::npos) << r.output;
    Browser b = sign_in(port(), login, first);
    EXPECT_EQ(b.user["name"], "窓口 一郎");
    EXPECT_EQ(scalar("SELECT created_by FROM users WHERE login = '" + login + "'"), "cli");

    // Again: refused, unless only "if missing" was asked.
    EXPECT_EQ(run_cli({"user", "add", login, "--role", "agent"}, url, first + "\n").exit_code, 1);
    EXPECT_EQ(run_cli({"user", "add", login, "--role", "agent", "--if-missing"}, url, "").exit_code,
              0);

    // A new password from an environment variable; the old one and the sessions end.
    const std::string second = "second password from env";
    r = run_cli({"user", "passwd", login, "--password-env", "NEW_PASSWORD"}, url, "",
                {{"NEW_PASSWORD", second}});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output.find(second), std::string::npos) << r.output;
    EXPECT_EQ(b.get("/v1/staff/sessions/current").status, 401);
    EXPECT_EQ(sign_in_raw(port(), login, first).status, 401);
    Browser c = sign_in(port(), login, second);

    r = run_cli({"user", "list"}, url, "");
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.output.find(login), std::string::npos);

    r = run_cli({"user", "disable", login}, url, "");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(c.get("/v1/staff/sessions/current").status, 401);
    EXPECT_EQ(sign_in_raw(port(), login, second).status, 401);

    // Mistakes.
    EXPECT_EQ(
        run_cli({"user", "add", fresh_login("x"), "--role", "root"}, url, first + "\n").exit_code,
        1);
    EXPECT_EQ(
        run_cli({"user", "add", fresh_login("x"), "--role", "agent"}, url, "short\n").exit_code, 1);
    EXPECT_EQ(run_cli({"user", "disable", "nobody-at-all"}, url, "").exit_code, 1);
    EXPECT_EQ(run_cli({"user", "frobnicate"}, url, "").exit_code, 2);
    EXPECT_EQ(run_cli({"user", "add", "--role"}, url, "").exit_code, 2);
}

}  // namespace
}  // namespace roadside::testing
