// Customer sign-in with a one-time code (issue 14) through the real server and database: the pair
// earns a code sent to the holder's registered phone (the logging SMS adapter writes it to the
// server log), the code earns the session once, within 10 minutes and 5 tries; and a stranger
// who knows the contract number cannot lock its holder out.
#include <latch>
#include <thread>

#include "core/calendar.hpp"
#include "http_fixture.hpp"
#include "signin_support.hpp"

namespace roadside::testing {
namespace {

using nlohmann::json;

constexpr const char* kBirthDate = "1980-04-01";  // sample_contract_body's holder
constexpr const char* kPhone = "090-1234-5678";   // and its phone

int count_sms_lines(const std::string& log, const std::string& needle) {
    int n = 0;
    for (std::size_t at = log.find("sms to="); at != std::string::npos;
         at = log.find("sms to=", at + 1)) {
        const std::size_t end = log.find('\n', at);
        if (log.substr(at, end - at).find(needle) != std::string::npos) ++n;
    }
    return n;
}

class SigninTest : public HttpTest {
  protected:
    std::string new_contract(const std::optional<std::string>& phone = kPhone) {
        json body = contract_body();
        if (phone) {
            body["holder"]["phone"] = *phone;
        } else {
            body["holder"].erase("phone");
        }
        create_contract(body);
        return body["contract_no"];
    }

    HttpResult challenge(HttpClient& anon, const std::string& contract_no) {
        const HttpResult r = request_code(anon, contract_no, kBirthDate);
        EXPECT_EQ(r.status, 202) << r.body;
        return r;
    }

    static std::string wrong(const std::string& code) {
        std::string w = code;
        w[0] = code[0] == '9' ? '0' : static_cast<char>(code[0] + 1);
        return w;
    }
};

TEST_F(SigninTest, TheCodeGoesToTheRegisteredPhoneAndSignsInOnce) {
    const std::string no = new_contract();
    HttpClient anon(server->port());
    const HttpResult c = challenge(anon, no);
    const json body = c.json();
    // The number is shown masked: only its last four digits.
    EXPECT_EQ(body["sent_to"], "***-****-5678");
    EXPECT_EQ(body["code_digits"], 6);
    EXPECT_EQ(body["max_attempts"], 5);
    EXPECT_EQ(body["reference"].get<std::string>().size(), 4u);
    // Valid 10 minutes.
    const auto expires = core::parse_rfc3339(body["expires_at"].get<std::string>()).value();
    const auto left = expires - core::now_seconds();
    EXPECT_GE(left, std::chrono::seconds{590});
    EXPECT_LE(left, std::chrono::seconds{610});
    // One line in the server's log, to the full number, with the code.
    const std::string code = code_for(*server, c);
    ASSERT_EQ(code.size(), 6u);
    const std::string reference = body["reference"];
    EXPECT_EQ(count_sms_lines(server->log(), "受付番号 " + reference), 1);
    EXPECT_NE(server->log().find(std::string("sms to=") + kPhone + " text="), std::string::npos);
    // Stored only hashed: the code is nowhere in the table.
    const std::string id = body["challenge_id"];
    EXPECT_EQ(db->scalar("SELECT count(*) FROM signin_challenges WHERE id = '" + id +
                         "' AND position('" + code + "'::bytea IN code_hash) = 0"),
              "1");

    const HttpResult ok = enter_code(anon, c, code);
    ASSERT_EQ(ok.status, 201) << ok.body;
    EXPECT_EQ(ok.json()["role"], "customer");
    EXPECT_EQ(ok.json()["contract_no"], no);
    EXPECT_FALSE(ok.json()["expires_at"].is_null());
    HttpClient me(server->port(), ok.json()["token"]);
    EXPECT_EQ(me.get("/v1/claims").status, 200);
    // A code signs in once.
    const HttpResult again = enter_code(anon, c, code);
    EXPECT_EQ(again.status, 410);
    EXPECT_EQ(again.error_code(), "challenge_used");
}

TEST_F(SigninTest, FiveTriesThenTheChallengeIsSpent) {
    const std::string no = new_contract();
    HttpClient anon(server->port());
    const HttpResult c = challenge(anon, no);
    const std::string code = code_for(*server, c);
    for (int left = 4; left >= 0; --left) {
        const HttpResult r = enter_code(anon, c, wrong(code));
        EXPECT_EQ(r.status, 401) << r.body;
        EXPECT_EQ(r.error_code(), "invalid_code");
        EXPECT_EQ(r.json()["error"]["details"]["attempts_left"], left);
    }
    // The sixth try, even with the right code: spent.
    const HttpResult spent = enter_code(anon, c, code);
    EXPECT_EQ(spent.status, 410) << spent.body;
    EXPECT_EQ(spent.error_code(), "challenge_exhausted");
    // A new challenge gets a new code, and works.
    const HttpResult c2 = challenge(anon, no);
    EXPECT_EQ(enter_code(anon, c2, code_for(*server, c2)).status, 201);
}

TEST_F(SigninTest, FourWrongTriesThenTheRightOneSignsIn) {
    const std::string no = new_contract();
    HttpClient anon(server->port());
    const HttpResult c = challenge(anon, no);
    const std::string code = code_for(*server, c);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(enter_code(anon, c, wrong(code)).status, 401);
    EXPECT_EQ(enter_code(anon, c, code).status, 201);
}

TEST_F(SigninTest, ParallelGuessesGetOnlyFiveTries) {
    // Every try is counted before the code is compared: of 20 wrong codes sent at once, 5 are
    // compared (401) and 15 find the challenge spent (410).
    const std::string no = new_contract();
    HttpClient anon(server->port());
    const HttpResult c = challenge(anon, no);
    const std::string code = code_for(*server, c);
    std::vector<int> statuses(20);
    std::latch start(20);
    std::vector<std::thread> threads;
    for (int i = 0; i < 20; ++i) {
        threads.emplace_back([&, i] {
            HttpClient client(server->port());
            client.get("/healthz");
            start.arrive_and_wait();
            statuses[static_cast<std::size_t>(i)] = enter_code(client, c, wrong(code)).status;
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 401), 5);
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 410), 15);
}

TEST_F(SigninTest, CodesAreTypedAsPeopleTypeThem) {
    const std::string no = new_contract();
    HttpClient anon(server->port());
    const HttpResult c = challenge(anon, no);
    const std::string code = code_for(*server, c);
    // Malformed codes are 400s and are not tries.
    for (const json& bad :
         {json("12345"), json("1234567"), json("abcdef"), json(123456), json(nullptr), json("")}) {
        const HttpResult r =
            anon.post_json("/v1/customer/sessions/" + c.json()["challenge_id"].get<std::string>(),
                           {{"code", bad}});
        EXPECT_EQ(r.status, 400) << bad.dump() << ": " << r.body;
    }
    // Unknown challenges do not exist.
    EXPECT_EQ(anon.post_json("/v1/customer/sessions/00000000-0000-4000-8000-000000000000",
                             {{"code", "123456"}})
                  .error_code(),
              "challenge_not_found");
    EXPECT_EQ(anon.post_json("/v1/customer/sessions/not-a-uuid", {{"code", "123456"}}).status, 404);
    // Full-width digits and spaces, as a Japanese keyboard may give them: accepted.
    std::string full_width;
    for (const char d : code) {
        full_width += "\xEF\xBC";
        full_width.push_back(static_cast<char>(0x90 + (d - '0')));
        if (full_width.size() == 9) full_width += " ";
    }
    const HttpResult ok = enter_code(anon, c, full_width);
    EXPECT_EQ(ok.status, 201) << ok.body;
}

TEST_F(SigninTest, NoPhoneOnFileCannotSignInOnline) {
    const std::string no = new_contract(std::nullopt);
    HttpClient anon(server->port());
    const HttpResult r = request_code(anon, no, kBirthDate);
    EXPECT_EQ(r.status, 422) << r.body;
    EXPECT_EQ(r.error_code(), "no_phone_on_file");
    EXPECT_EQ(db->scalar("SELECT count(*) FROM signin_challenges c JOIN contracts k ON"
                         " k.id = c.contract_id WHERE k.contract_no = '" +
                         no + "'"),
              "0");
}

TEST_F(SigninTest, AStaffTokenStillCannotSkipTheCode) {
    // What the desk sees (the pair) earns only a code sent to the holder's phone, never a token.
    const std::string no = new_contract();
    HttpClient agent(server->port(), token_for("agent"));
    const HttpResult r = request_code(agent, no, kBirthDate);
    EXPECT_EQ(r.status, 202);
    EXPECT_FALSE(r.json().contains("token"));
}

// ---- throttling that cannot lock the holder out --------------------------------------------

TEST(SigninThrottle, StrangersEverywhereOnlySlowTheHolderDown) {
    TestDatabase database("signin_throttle");
    ServerOptions options;
    options.database_url = database.url();
    options.extra_env["ROADSIDE_CONFIG_DIR"] =
        config_dir_with({{"signin_slow_base_ms", 20}, {"signin_slow_max_ms", 80}});
    ServerProcess server(options);
    server.start();
    HttpClient admin(server.port(), options.admin_token);
    const json contract = sample_contract_body("kaitokuten-basic", unique_suffix(), "L-");
    ASSERT_EQ(admin.post_json("/v1/contracts", contract).status, 201);
    const std::string no = contract["contract_no"];

    // Strangers at five addresses guess birth dates: each is refused after 5 failures…
    for (int host = 2; host <= 6; ++host) {
        HttpClient stranger(server.port());
        stranger.set_local_address("127.0.0." + std::to_string(host));
        for (int i = 0; i < 5; ++i) {
            EXPECT_EQ(request_code(stranger, no, "1970-01-0" + std::to_string(i + 1)).status, 401);
        }
        EXPECT_EQ(request_code(stranger, no, "1970-02-01").status, 429);
        // …even with the right pair (an agent who knows it), at that address.
        EXPECT_EQ(request_code(stranger, no, kBirthDate).status, 429);
    }
    // 25 failures on the contract number: its holder, elsewhere, is slowed at most, never refused.
    HttpClient holder(server.port());
    holder.set_local_address("127.0.0.9");
    const HttpResult session = sign_in(server, holder, no, kBirthDate);
    EXPECT_EQ(session.status, 201) << session.body;

    // Someone who knows the pair asks for codes again and again from one address: the holder's
    // phone gets at most 5 in the window from there, and the holder still signs in.
    HttpClient pest(server.port());
    pest.set_local_address("127.0.0.10");
    int sent = 0;
    for (int i = 0; i < 8; ++i) sent += request_code(pest, no, kBirthDate).status == 202 ? 1 : 0;
    EXPECT_EQ(sent, 5);
    HttpClient holder_again(server.port());
    holder_again.set_local_address("127.0.0.11");
    EXPECT_EQ(sign_in(server, holder_again, no, kBirthDate).status, 201);
    EXPECT_EQ(server.stop(), 0) << server.log();
}

TEST(SigninExpiry, AnExpiredCodeIsRefused) {
    TestDatabase database("signin_expiry");
    ServerOptions options;
    options.database_url = database.url();
    options.extra_env["ROADSIDE_CONFIG_DIR"] = config_dir_with({{"signin_code_ttl_s", 1}});
    ServerProcess server(options);
    server.start();
    HttpClient admin(server.port(), options.admin_token);
    const json contract = sample_contract_body("kaitokuten-basic", unique_suffix(), "E-");
    ASSERT_EQ(admin.post_json("/v1/contracts", contract).status, 201);
    HttpClient anon(server.port());
    const HttpResult c = request_code(anon, contract["contract_no"], kBirthDate);
    ASSERT_EQ(c.status, 202) << c.body;
    const std::string code = code_for(server, c);
    std::this_thread::sleep_for(std::chrono::milliseconds{2100});
    const HttpResult late = enter_code(anon, c, code);
    EXPECT_EQ(late.status, 410) << late.body;
    EXPECT_EQ(late.error_code(), "challenge_expired");
    EXPECT_EQ(server.stop(), 0) << server.log();
}

}  // namespace
}  // namespace roadside::testing
