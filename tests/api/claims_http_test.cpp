// Reimbursement claims through the real server and database (spec/api.md "Reimbursement claims",
// ロードサービス規定 第1条3 遠方トラブルサポート, rules.md §4.3 and §5): customer sign-in,
// the whole path from a remote breakdown to a Zengin transfer file and a recorded payment, the
// database's one-benefit-per-breakdown guarantee under fifty concurrent claims, review of claims
// without receipts, and partner statements.
#include <algorithm>
#include <chrono>
#include <functional>
#include <latch>
#include <set>
#include <thread>

#include "billing/claim_calendar.hpp"
#include "billing/zengin.hpp"
#include "http_fixture.hpp"
#include "job_support.hpp"
#include "signin_support.hpp"

namespace roadside::testing {
namespace {

using nlohmann::json;

constexpr const char* kBirthDate = "1980-04-01";  // sample_contract_body's holder

// Concatenation by appending (GCC 12 warns falsely on long chains of std::string operator+).
template <class... Parts>
std::string cat(const Parts&... parts) {
    std::string out;
    (out.append(parts), ...);
    return out;
}

core::Date today() { return core::japan_date(core::now_seconds()); }

// hh:mm Japan time on the day `days` from today, as RFC 3339.
std::string jst(int days, int hour, int minute = 0) {
    const core::Date d = core::add_days(today(), days);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%sT%02d:%02d:00+09:00", core::format_date(d).c_str(), hour,
                  minute);
    return buf;
}

json bank_account() {
    return {{"bank_code", "0001"},
            {"branch_code", "001"},
            {"type", "ordinary"},
            {"number", "1234567"},
            {"holder_kana", "ヤマダ　タロウ"}};
}

// Sends `n` requests at once: request i goes on its own connection, with token(i), opened before
// the start line; send(i, client) makes it.
std::vector<HttpResult> at_once(int port, int n, const std::function<std::string(int)>& token,
                                const std::function<HttpResult(int, HttpClient&)>& send) {
    std::vector<HttpResult> results(static_cast<std::size_t>(n));
    std::latch start(n);
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i) {
        threads.emplace_back([&, i] {
            HttpClient client(port, token(i));
            client.get("/healthz");
            start.arrive_and_wait();
            results[static_cast<std::size_t>(i)] = send(i, client);
        });
    }
    for (auto& t : threads) t.join();
    return results;
}

int count_status(const std::vector<HttpResult>& results, int status) {
    return static_cast<int>(std::count_if(results.begin(), results.end(),
                                          [&](const HttpResult& r) { return r.status == status; }));
}

class ClaimsTest : public HttpTest {
  protected:
    Dispatch d{server->port(), server->options().admin_token};

    struct Breakdown {
        std::string contract_no;
        std::string contract_id;
        std::string incident_id;
        std::string partner_id;
    };

    // A contract in force since 200 days ago, its car broken down at `where` at `at` (RFC 3339),
    // and — when `outcome` is given — a tow job completed with that outcome.
    Breakdown breakdown(geo::LatLon where, const std::string& at, int occupants,
                        std::optional<std::string> outcome = "towed_to_shop") {
        Breakdown b;
        json body = sample_contract_body("kaitokuten-basic", unique_suffix(), "C-");
        body["start_date"] = today_plus(-200);
        body["vehicle"]["inspection_expiry"] = today_plus(300);
        const HttpResult c = d.admin().post_json("/v1/contracts", body);
        EXPECT_EQ(c.status, 201) << c.body;
        b.contract_no = body["contract_no"];
        b.contract_id = c.json().value("id", "");
        const HttpResult call = d.admin().post_json("/v1/calls", {{"contract_no", b.contract_no},
                                                                  {"at", at},
                                                                  {"location", latlon(where)},
                                                                  {"problem", "breakdown"},
                                                                  {"occupants", occupants}});
        EXPECT_EQ(call.status, 201) << call.body;
        b.incident_id = call.json().value("incident_id", "");
        if (outcome) {
            b.partner_id = d.partner("tow", north_of(where, 2), {"on_site", "carrier"});
            complete_tow(b, where, *outcome, 30.0);
        }
        return b;
    }

    void complete_tow(const Breakdown& b, geo::LatLon where, const std::string& outcome,
                      double km) {
        HttpClient partner = d.partner_client(b.partner_id);
        const HttpResult job = d.tow_job(b.incident_id, north_of(where, 25));
        ASSERT_EQ(job.status, 201) << job.body;
        const std::string base = "/v1/jobs/" + job.json().value("job_id", "");
        ASSERT_EQ(partner.post_json(base + "/accept", json::object()).status, 200);
        for (const char* step : {"en_route", "on_scene", "towing", "delivered"}) {
            ASSERT_EQ(partner.post_json(base + "/status", {{"status", step}}).status, 200) << step;
        }
        json done = {{"outcome", outcome}, {"tow_distance_km", km}};
        if (outcome == "towed_to_storage") done["storage_hours"] = 10;
        const HttpResult r = partner.post_json(base + "/complete", done);
        ASSERT_EQ(r.status, 200) << r.body;
    }

    HttpClient customer(const std::string& contract_no) {
        HttpClient anon(server->port());
        const HttpResult r = sign_in(*server, anon, contract_no, kBirthDate);
        EXPECT_EQ(r.status, 201) << r.body;
        return HttpClient(server->port(), r.json().value("token", ""));
    }

    static json hotel_claim(const std::string& incident, int persons, const std::string& used_at) {
        return {{"incident_id", incident},
                {"benefit", "hotel"},
                {"persons", persons},
                {"used_at", used_at},
                {"receipts",
                 {{{"amount_yen", 36000},
                   {"issued_on", used_at.substr(0, 10)},
                   {"issuer", "ビジネスホテル駅前"},
                   {"kind", "hotel_room"}},
                  {{"amount_yen", 4500},
                   {"issued_on", used_at.substr(0, 10)},
                   {"issuer", "ビジネスホテル駅前"},
                   {"kind", "hotel_meal"}}}},
                {"no_receipt_reason", nullptr},
                {"bank_account", bank_account()}};
    }

    static json taxi_claim(const std::string& incident, const std::string& used_at,
                           std::int64_t yen = 8000) {
        return {{"incident_id", incident},
                {"benefit", "taxi"},
                {"persons", 1},
                {"used_at", used_at},
                {"receipts",
                 {{{"amount_yen", yen},
                   {"issued_on", used_at.substr(0, 10)},
                   {"issuer", "○○交通"},
                   {"kind", "taxi_fare"}}}},
                {"bank_account", bank_account()}};
    }

    static std::vector<std::string> codes(const json& claim) {
        std::vector<std::string> out;
        for (const auto& r : claim.at("reasons")) out.push_back(r.at("code"));
        return out;
    }

    static bool lists(const json& payouts, const std::string& claim_id) {
        const json list = payouts.at("payouts");
        return std::any_of(list.begin(), list.end(),
                           [&](const json& p) { return p.at("claim_id") == claim_id; });
    }
};

// ---- the whole path ----------------------------------------------------------------------

TEST_F(ClaimsTest, RemoteBreakdownToHotelClaimToZenginFileToPayment) {
    // 第1条3: far from home (the anchor is thousands of km from the Tokyo home), the car towed
    // to a shop (第1条2(1)), three people in the car. The breakdown was yesterday at 10:00.
    const geo::LatLon site = fresh_anchor();
    const Breakdown b = breakdown(site, jst(-1, 10), 3);
    HttpClient me = customer(b.contract_no);

    // D hotel: the night of the breakdown day, 3 persons; the meal is the customer's.
    HttpResult r = me.post_json("/v1/claims", hotel_claim(b.incident_id, 3, jst(-1, 20)));
    ASSERT_EQ(r.status, 201) << r.body;
    const json claim = r.json();
    EXPECT_EQ(claim["decision"], "partially_approved");
    EXPECT_EQ(claim["approved_yen"], 36000);  // 3 × 15,000 = 45,000 cap not reached
    EXPECT_EQ(claim["counted_yen"], 36000);
    EXPECT_EQ(codes(claim), std::vector<std::string>{"excluded_items"});
    EXPECT_EQ(claim["persons_counted"], 3);
    EXPECT_EQ(claim["receipts"][0]["counted"], true);
    EXPECT_EQ(claim["receipts"][1]["counted"], false);
    // Received today; paid within one month of arrival (民法143条).
    EXPECT_EQ(claim["received_on"], core::format_date(today()));
    const std::string pay_by = core::format_date(billing::pay_by(today()));
    EXPECT_EQ(claim["pay_by"], pay_by);
    EXPECT_TRUE(claim["paid_on"].is_null());
    const std::string claim_id = claim["claim_id"];

    // The customer sees the claim and the incident with it.
    EXPECT_EQ(me.get("/v1/claims/" + claim_id).json()["approved_yen"], 36000);
    const json view = me.get("/v1/incidents/" + b.incident_id).json();
    ASSERT_EQ(view["claims"].size(), 1u) << view.dump();
    EXPECT_EQ(view["claims"][0]["claim_id"], claim_id);
    EXPECT_EQ(view["claims"][0]["decision"], "partially_approved");

    // The back office: due on pay_by, not before.
    HttpClient& admin = d.admin();
    r = admin.get("/v1/payouts?due_before=" + pay_by);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(lists(r.json(), claim_id));
    const std::string day_before = core::format_date(core::add_days(billing::pay_by(today()), -1));
    EXPECT_FALSE(lists(admin.get("/v1/payouts?due_before=" + day_before).json(), claim_id));

    // The Zengin file of what is due: valid, and it holds this transfer.
    r = admin.get(cat("/v1/payouts/zengin?due_before=", pay_by, "&transfer_date=",
                      core::format_date(today())));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(billing::validate_zengin_file(r.body), std::vector<std::string>{});
    std::string yyyymmdd = core::format_date(today());
    std::erase(yyyymmdd, '-');
    EXPECT_EQ(r.header("content-disposition"),
              cat("attachment; filename=\"zengin-", yyyymmdd, ".txt\""));
    EXPECT_EQ(r.header("content-type"), "text/plain; charset=Shift_JIS");
    const billing::ZenginFile file = billing::parse_zengin_file(r.body);
    EXPECT_EQ(file.header.type_code, "21");
    EXPECT_EQ(file.trailer_count, static_cast<std::int64_t>(file.records.size()));
    EXPECT_EQ(r.header("x-transfer-count"), std::to_string(file.records.size()));
    EXPECT_EQ(r.header("x-transfer-total-yen"), std::to_string(file.trailer_total_yen));
    EXPECT_EQ(file.header.transfer_mmdd, yyyymmdd.substr(4));
    EXPECT_EQ(file.header.requester_code, "1234567890");  // config/payout.json
    const auto mine = std::find_if(file.records.begin(), file.records.end(), [&](const auto& rec) {
        return rec.amount_yen == 36000 && rec.account_number == "1234567";
    });
    ASSERT_NE(mine, file.records.end());
    EXPECT_EQ(mine->holder, "\xD4\xCF\xC0\xDE \xC0\xDB\xB3");  // ﾔﾏﾀﾞ ﾀﾛｳ
    EXPECT_EQ(mine->bank_code, "0001");
    EXPECT_EQ(mine->branch_code, "001");
    EXPECT_EQ(mine->account_type, '1');

    // Paid once; never twice; no longer due.
    r = admin.post_json("/v1/payouts/" + claim_id + "/paid",
                        {{"paid_on", core::format_date(today())}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["paid_on"], core::format_date(today()));
    EXPECT_EQ(admin.post_json("/v1/payouts/" + claim_id + "/paid",
                              {{"paid_on", core::format_date(today())}})
                  .error_code(),
              "already_paid");
    EXPECT_FALSE(lists(admin.get("/v1/payouts").json(), claim_id));
    r = admin.get("/v1/payouts/zengin?transfer_date=" + core::format_date(today()));
    ASSERT_EQ(r.status, 200);
    for (const auto& rec : billing::parse_zengin_file(r.body).records) {
        EXPECT_FALSE(rec.amount_yen == 36000 && rec.holder == mine->holder) << "paid twice";
    }
    // The history tells the story.
    std::vector<std::string> types;
    const json history = admin.get("/v1/incidents/" + b.incident_id).json();
    for (const auto& e : history["events"]) {
        types.push_back(e["type"]);
    }
    EXPECT_NE(std::find(types.begin(), types.end(), "claim_decided"), types.end());
    EXPECT_NE(std::find(types.begin(), types.end(), "claim_paid"), types.end());
}

TEST_F(ClaimsTest, CustomersSeeOnlyTheirOwnContract) {
    const Breakdown mine = breakdown(fresh_anchor(), jst(-1, 9), 2);
    const Breakdown theirs = breakdown(fresh_anchor(), jst(-1, 9), 2);
    HttpClient me = customer(mine.contract_no);
    HttpClient them = customer(theirs.contract_no);
    const HttpResult r = me.post_json("/v1/claims", taxi_claim(mine.incident_id, jst(-1, 11)));
    ASSERT_EQ(r.status, 201) << r.body;
    const std::string id = r.json()["claim_id"];
    // Another customer: the claim and the incident do not exist; nor can it claim on them.
    EXPECT_EQ(them.get("/v1/claims/" + id).error_code(), "claim_not_found");
    EXPECT_EQ(them.get("/v1/incidents/" + mine.incident_id).error_code(), "incident_not_found");
    EXPECT_EQ(them.post_json("/v1/claims", taxi_claim(mine.incident_id, jst(-1, 11))).status, 404);
    // A customer cannot do staff work.
    EXPECT_EQ(me.get("/v1/payouts").status, 403);
    EXPECT_EQ(me.post_json("/v1/claims/" + id + "/review",
                           {{"decision", "approved"}, {"approved_yen", 1}, {"note", "x"}})
                  .status,
              403);
    EXPECT_EQ(me.post_json("/v1/calls", call_body(mine.contract_no, jst(0, 0))).status, 403);
    // Nor backdate its own claim.
    json late = taxi_claim(theirs.incident_id, jst(-1, 11));
    late["received_at"] = jst(-1, 12);
    EXPECT_EQ(them.post_json("/v1/claims", late).error_code(), "field_not_allowed");
}

// ---- customer sign-in --------------------------------------------------------------------

TEST_F(ClaimsTest, SignInNeverSaysWhichHalfWasWrong) {
    const Breakdown b = breakdown(fresh_anchor(), jst(-1, 9), 1, std::nullopt);
    HttpClient anon(server->port());
    const HttpResult wrong_birth = anon.post_json(
        "/v1/customer/sessions", {{"contract_no", b.contract_no}, {"birth_date", "1980-04-02"}});
    const HttpResult wrong_no = anon.post_json(
        "/v1/customer/sessions", {{"contract_no", b.contract_no + "9"}, {"birth_date", kBirthDate}});
    EXPECT_EQ(wrong_birth.status, 401);
    EXPECT_EQ(wrong_no.status, 401);
    EXPECT_EQ(wrong_birth.body, wrong_no.body);
    // The right pair, typed in full width, works; the token is bound to the contract.
    std::string full_width;
    for (const char c : b.contract_no) {
        if (c >= '0' && c <= '9') {
            full_width += "\xEF\xBC";
            full_width.push_back(static_cast<char>(0x90 + (c - '0')));
        } else {
            full_width.push_back(c);
        }
    }
    // Issue 14: the right pair no longer signs in by itself; it earns a one-time code (202),
    // and the code earns the session.
    const HttpResult challenge = request_code(anon, full_width, kBirthDate);
    ASSERT_EQ(challenge.status, 202) << challenge.body;
    const HttpResult ok = enter_code(anon, challenge, code_for(*server, challenge));
    ASSERT_EQ(ok.status, 201) << ok.body;
    EXPECT_EQ(ok.json()["contract_id"], b.contract_id);
    EXPECT_EQ(ok.json()["role"], "customer");
    EXPECT_FALSE(ok.json()["expires_at"].is_null());
    HttpClient me(server->port(), ok.json()["token"]);
    EXPECT_EQ(me.get("/v1/incidents/" + b.incident_id).status, 200);
    // Malformed requests are 400s, not failed attempts.
    EXPECT_EQ(anon.post_json("/v1/customer/sessions", {{"contract_no", b.contract_no}}).status, 400);
    EXPECT_EQ(anon.post_json("/v1/customer/sessions",
                             {{"contract_no", b.contract_no}, {"birth_date", "1980-02-30"}})
                  .status,
              400);
}

TEST_F(ClaimsTest, RepeatedFailuresAreSlowedDownThenRefused) {
    const Breakdown b = breakdown(fresh_anchor(), jst(-1, 9), 1, std::nullopt);
    HttpClient anon(server->port());
    const json wrong = {{"contract_no", b.contract_no}, {"birth_date", "1999-12-31"}};
    std::vector<double> seconds;
    for (int i = 0; i < 5; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        EXPECT_EQ(anon.post_json("/v1/customer/sessions", wrong).status, 401) << i;
        seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    // Failures 1 and 2 answer at once; from the 3rd on each waits longer (0.5 s, 1 s, 2 s).
    EXPECT_LT(seconds[0], 0.4);
    EXPECT_LT(seconds[1], 0.4);
    EXPECT_GE(seconds[2], 0.45);
    EXPECT_GE(seconds[3], 0.95);
    EXPECT_GE(seconds[4], 1.95);
    // The 5th failure locks the contract number for the window *from this address*: even the
    // right pair is a 429 here.
    const HttpResult locked = anon.post_json(
        "/v1/customer/sessions", {{"contract_no", b.contract_no}, {"birth_date", kBirthDate}});
    EXPECT_EQ(locked.status, 429) << locked.body;
    EXPECT_EQ(locked.error_code(), "too_many_attempts");
    EXPECT_GE(std::stoi(locked.header("retry-after")), 1);
    // Issue 14 (an intended change): the holder at another address is not locked out by what
    // was tried from this one, and signs in.
    HttpClient holder(server->port());
    holder.set_local_address("127.0.0.2");
    const HttpResult mine = sign_in(*server, holder, b.contract_no, kBirthDate);
    EXPECT_EQ(mine.status, 201) << mine.body;
    // Another contract is not affected (its pair earns a code: 202 since issue 14).
    const Breakdown other = breakdown(fresh_anchor(), jst(-1, 9), 1, std::nullopt);
    EXPECT_EQ(request_code(anon, other.contract_no, kBirthDate).status, 202);
}

TEST_F(ClaimsTest, AParallelBurstOfGuessesGetsOnlyTheLimitEvaluated) {
    // Every attempt is counted before the pair is checked: of 12 guesses sent at once, exactly 5
    // (the per-contract limit) are answered 401 and the rest 429.
    const Breakdown b = breakdown(fresh_anchor(), jst(-1, 9), 1, std::nullopt);
    const auto results = at_once(
        server->port(), 12, [](int) { return std::string(); },
        [&](int i, HttpClient& anon) {
            const json guess = {{"contract_no", b.contract_no},
                                {"birth_date", cat("1970-01-", i < 9 ? "0" : "",
                                                   std::to_string(i + 1))}};
            return anon.post_json("/v1/customer/sessions", guess);
        });
    EXPECT_EQ(count_status(results, 401), 5);
    EXPECT_EQ(count_status(results, 429), 7);
}

TEST(ClaimsSignInByAddress, ManyContractsFromOneAddressAreRefused) {
    // Guessing across contract numbers from one address: the address's own limit (here 4).
    TestDatabase database("signin");
    ServerOptions options;
    options.database_url = database.url();
    options.extra_env["ROADSIDE_CONFIG_DIR"] =
        config_dir_with({{"signin_max_failures_per_address", 4}, {"signin_slow_base_ms", 20},
                         {"signin_slow_max_ms", 40}});
    ServerProcess server(options);
    server.start();
    HttpClient anon(server.port());
    for (int i = 0; i < 4; ++i) {
        const json body = {{"contract_no", "NOPE-" + std::to_string(i)}, {"birth_date", kBirthDate}};
        EXPECT_EQ(anon.post_json("/v1/customer/sessions", body).status, 401) << i;
    }
    const HttpResult r = anon.post_json("/v1/customer/sessions",
                                        {{"contract_no", "NOPE-99"}, {"birth_date", kBirthDate}});
    EXPECT_EQ(r.status, 429) << r.body;
    EXPECT_FALSE(r.header("retry-after").empty());
    // Counted in the database: a second server on it refuses too.
    ServerProcess second(options);
    second.start();
    EXPECT_EQ(HttpClient(second.port())
                  .post_json("/v1/customer/sessions",
                             {{"contract_no", "NOPE-100"}, {"birth_date", kBirthDate}})
                  .status,
              429);
    EXPECT_EQ(second.stop(), 0);
    EXPECT_EQ(server.stop(), 0) << server.log();
}

TEST(ClaimsSignInSession, ACustomerSessionEnds) {
    TestDatabase database("session");
    ServerOptions options;
    options.database_url = database.url();
    options.extra_env["ROADSIDE_CONFIG_DIR"] = config_dir_with({{"customer_session_s", 1}});
    ServerProcess server(options);
    server.start();
    HttpClient admin(server.port(), options.admin_token);
    const json contract = sample_contract_body("kaitokuten-basic", unique_suffix(), "S-");
    ASSERT_EQ(admin.post_json("/v1/contracts", contract).status, 201);
    HttpClient anon(server.port());
    const HttpResult s = sign_in(server, anon, contract["contract_no"], kBirthDate);
    ASSERT_EQ(s.status, 201) << s.body;
    HttpClient me(server.port(), s.json()["token"]);
    const std::string claim = "/v1/claims/00000000-0000-4000-8000-000000000000";
    EXPECT_EQ(me.get(claim).error_code(), "claim_not_found");  // signed in
    std::this_thread::sleep_for(std::chrono::milliseconds{2100});
    EXPECT_EQ(me.get(claim).status, 401);  // the session has ended
    EXPECT_EQ(server.stop(), 0) << server.log();
}

// ---- decisions through the API -----------------------------------------------------------

TEST_F(ClaimsTest, RejectingRulesAreListedWithTheirReasons) {
    // Near home: 0.3° north of the Tokyo home is about 33 km (第1条3: ≥ 100 km required).
    const Breakdown near = breakdown({35.9812, 139.7671}, jst(-1, 9), 1);
    HttpResult r = customer(near.contract_no)
                       .post_json("/v1/claims", taxi_claim(near.incident_id, jst(-1, 10)));
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()["decision"], "rejected");
    EXPECT_EQ(codes(r.json()), std::vector<std::string>{"not_remote"});
    EXPECT_EQ(r.json()["approved_yen"], 0);
    EXPECT_TRUE(r.json()["pay_by"].is_null());

    // Far, but fixed on the spot: no tow to a shop or storage (第1条3 "運搬された場合").
    const Breakdown fixed = breakdown(fresh_anchor(), jst(-1, 9), 1, std::nullopt);
    r = customer(fixed.contract_no)
            .post_json("/v1/claims", taxi_claim(fixed.incident_id, jst(-1, 10)));
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(codes(r.json()), std::vector<std::string>{"no_qualifying_tow"});

    // Towed to storage counts (一時保管); a taxi 25 h later is outside the 24 h.
    const geo::LatLon site = fresh_anchor();
    const Breakdown stored = breakdown(site, jst(-2, 9), 1, "towed_to_storage");
    r = customer(stored.contract_no)
            .post_json("/v1/claims", taxi_claim(stored.incident_id, jst(-1, 10)));
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(codes(r.json()), std::vector<std::string>{"outside_time_window"});
    // Rejected claims do not use up the benefit: a right one is then approved...
    r = customer(stored.contract_no)
            .post_json("/v1/claims", taxi_claim(stored.incident_id, jst(-1, 9), 12000));
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()["decision"], "partially_approved");
    EXPECT_EQ(r.json()["approved_yen"], 10000);  // A: ≤ ¥10,000
    EXPECT_EQ(codes(r.json()), std::vector<std::string>{"capped"});
    // ...and after that, any other benefit for the breakdown is a 409 (one per breakdown).
    r = customer(stored.contract_no)
            .post_json("/v1/claims", hotel_claim(stored.incident_id, 1, jst(-2, 20)));
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_EQ(r.error_code(), "benefit_already_used");
}

TEST_F(ClaimsTest, ClaimWindowCountsTheDayOfUseAsDayOne) {
    // A paper form an agent records: used 95 days ago is past the 90 days; day 90 is inside.
    const Breakdown b = breakdown(fresh_anchor(), jst(-95, 9), 1);
    HttpClient agent(server->port(), token_for("agent"));
    json late = taxi_claim(b.incident_id, jst(-95, 10));
    late["received_at"] = jst(-95 + 90, 0);  // day 91 at 00:00
    HttpResult r = agent.post_json("/v1/claims", late);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(codes(r.json()), std::vector<std::string>{"claim_window_expired"});
    json in_time = taxi_claim(b.incident_id, jst(-95, 10));
    in_time["received_at"] = jst(-95 + 89, 23, 59);  // day 90 at 23:59
    r = agent.post_json("/v1/claims", in_time);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()["decision"], "approved");
    EXPECT_EQ(r.json()["received_on"], core::format_date(core::add_days(today(), -6)));
    EXPECT_EQ(r.json()["pay_by"],
              core::format_date(billing::pay_by(core::add_days(today(), -6))));
}

TEST_F(ClaimsTest, PersonsAreCappedBySeatsAndOccupants) {
    // C public transport, 5 persons claimed; 2 were in the car (occupants at the call).
    const Breakdown b = breakdown(fresh_anchor(), jst(-1, 9), 2);
    json body = {{"incident_id", b.incident_id},
                 {"benefit", "public_transport"},
                 {"persons", 5},
                 {"used_at", jst(-1, 15)},
                 {"receipts",
                  {{{"amount_yen", 60000},
                    {"issued_on", core::format_date(core::add_days(today(), -1))},
                    {"issuer", "JR"},
                    {"kind", "rail"}}}},
                 {"bank_account", bank_account()}};
    const HttpResult r = customer(b.contract_no).post_json("/v1/claims", body);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()["persons_counted"], 2);
    EXPECT_EQ(r.json()["approved_yen"], 40000);  // 2 × ¥20,000
    EXPECT_EQ(codes(r.json()), (std::vector<std::string>{"persons_capped", "capped"}));
}

TEST_F(ClaimsTest, ClaimsWithoutReceiptsAreReviewed) {
    const Breakdown b = breakdown(fresh_anchor(), jst(-1, 9), 1);
    json body = taxi_claim(b.incident_id, jst(-1, 11));
    body["receipts"] = json::array();
    HttpClient me = customer(b.contract_no);
    // No receipt and no reason: rejected (第1条3(3) 領収書添付).
    HttpResult r = me.post_json("/v1/claims", body);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(codes(r.json()), std::vector<std::string>{"receipt_missing"});
    // With a reason: a person decides.
    body["no_receipt_reason"] = "流しのタクシーで領収書を受け取れなかった";
    r = me.post_json("/v1/claims", body);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()["decision"], "pending_review");
    EXPECT_EQ(r.json()["approved_yen"], 0);
    EXPECT_TRUE(r.json()["pay_by"].is_null());
    const std::string id = r.json()["claim_id"];
    HttpClient agent(server->port(), token_for("agent"));
    EXPECT_FALSE(lists(d.admin().get("/v1/payouts").json(), id));
    // It waits in the reviewers' queue; its customer sees it among its own claims.
    const auto ids = [](const json& list) {
        std::set<std::string> out;
        for (const auto& c : list.at("claims")) out.insert(c.at("claim_id").get<std::string>());
        return out;
    };
    EXPECT_TRUE(ids(agent.get("/v1/claims?decision=pending_review&limit=1000").json()).contains(id));
    EXPECT_FALSE(ids(agent.get("/v1/claims?decision=approved&limit=1000").json()).contains(id));
    const std::set<std::string> own = ids(me.get("/v1/claims").json());
    EXPECT_EQ(own.size(), 2u);  // the rejected one and this one
    EXPECT_TRUE(own.contains(id));
    EXPECT_EQ(agent.get("/v1/claims?decision=maybe").error_code(), "invalid_field");
    // A pending claim holds the benefit.
    EXPECT_EQ(me.post_json("/v1/claims", taxi_claim(b.incident_id, jst(-1, 11))).status, 409);
    // Above the cap, or a rejection with an amount: 422.
    EXPECT_EQ(agent.post_json("/v1/claims/" + id + "/review",
                              {{"decision", "approved"}, {"approved_yen", 10001}, {"note", "n"}})
                  .status,
              422);
    EXPECT_EQ(agent.post_json("/v1/claims/" + id + "/review",
                              {{"decision", "rejected"}, {"approved_yen", 5}, {"note", "n"}})
                  .status,
              422);
    EXPECT_EQ(agent.post_json("/v1/claims/" + id + "/review", {{"decision", "approved"}})
                  .error_code(),
              "missing_field");
    EXPECT_EQ(agent.post_json("/v1/claims/" + id + "/review",
                              {{"decision", "pending_review"}, {"approved_yen", 0}})
                  .error_code(),
              "invalid_field");
    r = agent.post_json("/v1/claims/" + id + "/review",
                        {{"decision", "approved"},
                         {"approved_yen", 7200},
                         {"note", "経路と距離から妥当な運賃"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["decision"], "approved");
    EXPECT_EQ(r.json()["approved_yen"], 7200);
    EXPECT_EQ(r.json()["pay_by"], core::format_date(billing::pay_by(today())));
    EXPECT_EQ(r.json()["review"]["note"], "経路と距離から妥当な運賃");
    EXPECT_TRUE(lists(d.admin().get("/v1/payouts").json(), id));
    EXPECT_EQ(agent.post_json("/v1/claims/" + id + "/review",
                              {{"decision", "rejected"}, {"approved_yen", 0}, {"note", "n"}})
                  .error_code(),
              "claim_not_pending");
}

TEST_F(ClaimsTest, RetriedClaimReturnsTheFirstAnswer) {
    const Breakdown b = breakdown(fresh_anchor(), jst(-1, 9), 1);
    HttpClient me = customer(b.contract_no);
    const json body = taxi_claim(b.incident_id, jst(-1, 11));
    const HttpResult first = me.post_json("/v1/claims", body, {{"Idempotency-Key", "claim-1"}});
    const HttpResult again = me.post_json("/v1/claims", body, {{"Idempotency-Key", "claim-1"}});
    ASSERT_EQ(first.status, 201) << first.body;
    EXPECT_EQ(again.status, 201) << again.body;
    EXPECT_EQ(again.json()["claim_id"], first.json()["claim_id"]);
    EXPECT_EQ(again.header("idempotent-replayed"), "true");
    EXPECT_EQ(db->scalar(cat("SELECT count(*) FROM claims WHERE incident_id = '", b.incident_id, "'")),
              "1");
}

// ---- one benefit per breakdown, guaranteed by the database ---------------------------------

TEST_F(ClaimsTest, FiftySimultaneousClaimsLeaveExactlyOne) {
    const Breakdown b = breakdown(fresh_anchor(), jst(-1, 9), 4);
    // Different clients: the customer's sessions and agents' tokens, each on its own connection.
    std::vector<std::string> tokens;
    for (int i = 0; i < 50; ++i) {
        if (i % 2 == 0) {
            HttpClient anon(server->port());
            const HttpResult s = sign_in(*server, anon, b.contract_no, kBirthDate);
            ASSERT_EQ(s.status, 201) << s.body;
            tokens.push_back(s.json()["token"]);
        } else {
            tokens.push_back(token_for("agent"));
        }
    }
    const std::string day = core::format_date(core::add_days(today(), -1));
    const auto claim_body = [&](int i) -> json {
        // Every one would be approved on its own: five benefits in turn.
        switch (i % 5) {
            case 0: return taxi_claim(b.incident_id, jst(-1, 10), 5000 + i);
            case 1:
                return {{"incident_id", b.incident_id}, {"benefit", "rental_car"}, {"persons", 1},
                        {"used_at", jst(-1, 12)},
                        {"receipts", {{{"amount_yen", 7000 + i}, {"issued_on", day},
                                       {"issuer", "レンタカー"}, {"kind", "rental_base"}}}},
                        {"bank_account", bank_account()}};
            case 2:
                return {{"incident_id", b.incident_id}, {"benefit", "public_transport"},
                        {"persons", 2}, {"used_at", jst(-1, 16)},
                        {"receipts", {{{"amount_yen", 20000 + i}, {"issued_on", day},
                                       {"issuer", "JR"}, {"kind", "rail"}}}},
                        {"bank_account", bank_account()}};
            case 3: {
                json h = hotel_claim(b.incident_id, 2, jst(-1, 21));
                h["receipts"].erase(1);
                return h;
            }
            default:
                return {{"incident_id", b.incident_id}, {"benefit", "post_repair_transport"},
                        {"persons", 1}, {"used_at", jst(-1, 23)},
                        {"receipts", {{{"amount_yen", 30000 + i},
                                       {"issued_on", core::format_date(today())},
                                       {"issuer", "陸送"}, {"kind", "transport"}}}},
                        {"bank_account", bank_account()}};
        }
    };
    std::vector<json> bodies;
    for (int i = 0; i < 50; ++i) bodies.push_back(claim_body(i));
    const auto results = at_once(
        server->port(), 50, [&](int i) { return tokens[static_cast<std::size_t>(i)]; },
        [&](int i, HttpClient& client) {
            return client.post_json("/v1/claims", bodies[static_cast<std::size_t>(i)]);
        });
    int created = 0;
    int conflicts = 0;
    for (const auto& r : results) {
        if (r.status == 201) {
            ++created;
            EXPECT_NE(r.json()["decision"], "rejected") << r.body;
        } else {
            EXPECT_EQ(r.status, 409) << r.body;
            EXPECT_EQ(r.error_code(), "benefit_already_used");
            ++conflicts;
        }
    }
    EXPECT_EQ(created, 1);
    EXPECT_EQ(conflicts, 49);
    EXPECT_EQ(db->scalar(cat("SELECT count(*) FROM claims WHERE incident_id = '", b.incident_id,
                             "' AND decision <> 'rejected'")),
              "1");
    // The guarantee is the database's, not only the server's: a second live claim written
    // directly is refused (unique violation), a rejected one is not.
    const auto copy = [&](const char* decision, const char* pay_by, int yen) {
        return cat("INSERT INTO claims (incident_id, contract_id, benefit, persons, "
                   "persons_counted, used_at, received_at, received_on, receipts, decision, "
                   "approved_yen, counted_yen, reasons, pay_by, bank_code, branch_code, "
                   "account_type, account_number, holder_kana, created_by) SELECT incident_id, "
                   "contract_id, benefit, persons, persons_counted, used_at, received_at, "
                   "received_on, receipts, '",
                   std::string(decision), "', ", std::to_string(yen), ", counted_yen, reasons, ",
                   std::string(pay_by),
                   ", bank_code, branch_code, account_type, account_number, holder_kana, 'test' "
                   "FROM claims WHERE incident_id = '",
                   b.incident_id, "' AND decision <> 'rejected'");
    };
    EXPECT_EQ(db->sqlstate_of(copy("pending_review", "NULL", 0)), "23505");
    EXPECT_EQ(db->sqlstate_of(copy("rejected", "NULL", 0)), "");
    // And an unpaid-but-rejected or paid-without-approval row cannot exist.
    EXPECT_EQ(db->sqlstate_of(copy("rejected", "pay_by", 0)), "23514");
    EXPECT_EQ(db->sqlstate_of(cat("UPDATE claims SET paid_on = current_date, paid_at = now() "
                                  "WHERE incident_id = '",
                                  b.incident_id, "' AND decision = 'rejected'")),
              "23514");
}

TEST_F(ClaimsTest, TenSimultaneousPaymentsRecordOne) {
    const Breakdown b = breakdown(fresh_anchor(), jst(-1, 9), 1);
    const HttpResult r =
        customer(b.contract_no).post_json("/v1/claims", taxi_claim(b.incident_id, jst(-1, 11)));
    ASSERT_EQ(r.status, 201) << r.body;
    const std::string id = r.json()["claim_id"];
    const json paid = {{"paid_on", core::format_date(today())}};
    const auto results = at_once(
        server->port(), 10, [](int) { return server->options().admin_token; },
        [&](int, HttpClient& admin) { return admin.post_json("/v1/payouts/" + id + "/paid", paid); });
    EXPECT_EQ(count_status(results, 200), 1);
    EXPECT_EQ(count_status(results, 409), 9);
    EXPECT_EQ(db->scalar(cat("SELECT count(*) FROM events WHERE type = 'claim_paid' AND data->>'claim_id' = '", id, "'")),
              "1");
    // A rejected claim is never payable.
    const Breakdown near = breakdown({35.9812, 139.7671}, jst(-1, 9), 1, std::nullopt);
    const HttpResult rejected =
        customer(near.contract_no).post_json("/v1/claims", taxi_claim(near.incident_id, jst(-1, 11)));
    ASSERT_EQ(rejected.status, 201) << rejected.body;
    EXPECT_EQ(d.admin()
                  .post_json("/v1/payouts/" + rejected.json()["claim_id"].get<std::string>() + "/paid",
                             {{"paid_on", core::format_date(today())}})
                  .error_code(),
              "claim_not_payable");
}

// ---- bad input ---------------------------------------------------------------------------

TEST_F(ClaimsTest, BadClaimsAreClear400sAndStoreNothing) {
    const Breakdown b = breakdown(fresh_anchor(), jst(-1, 9), 1);
    HttpClient me = customer(b.contract_no);
    const json good = taxi_claim(b.incident_id, jst(-1, 11));
    struct Case {
        const char* why;
        json body;
        int status;
        std::string code;
    };
    std::vector<Case> cases;
    const auto with = [&](const char* why, auto change, int status, std::string code) {
        json body = good;
        change(body);
        cases.push_back({why, body, status, std::move(code)});
    };
    with("bank code of 3 digits", [](json& j) { j["bank_account"]["bank_code"] = "001"; }, 400,
         "invalid_bank_code");
    with("bank code of 5 digits", [](json& j) { j["bank_account"]["bank_code"] = "00011"; }, 400,
         "invalid_bank_code");
    with("branch code of 4 digits", [](json& j) { j["bank_account"]["branch_code"] = "0011"; },
         400, "invalid_branch_code");
    with("account number of 6 digits", [](json& j) { j["bank_account"]["number"] = "123456"; },
         400, "invalid_account_number");
    with("account number with a letter", [](json& j) { j["bank_account"]["number"] = "12345A7"; },
         400, "invalid_account_number");
    with("holder in kanji", [](json& j) { j["bank_account"]["holder_kana"] = "山田太郎"; }, 400,
         "invalid_holder_kana");
    with("holder in hiragana", [](json& j) { j["bank_account"]["holder_kana"] = "やまだ"; }, 400,
         "invalid_holder_kana");
    with("holder longer than 30 half-width characters",
         [](json& j) { j["bank_account"]["holder_kana"] = "ガギグゲゴザジズゼゾダヂヅデド　ア"; },
         400, "holder_kana_too_long");
    with("unknown account type", [](json& j) { j["bank_account"]["type"] = "普通"; }, 400,
         "invalid_field");
    with("no bank account", [](json& j) { j.erase("bank_account"); }, 400, "missing_field");
    with("unknown benefit", [](json& j) { j["benefit"] = "limousine"; }, 400, "invalid_field");
    with("persons 0", [](json& j) { j["persons"] = 0; }, 400, "invalid_field");
    with("receipt kind unknown", [](json& j) { j["receipts"][0]["kind"] = "gift"; }, 400,
         "invalid_field");
    with("receipt of 0 yen", [](json& j) { j["receipts"][0]["amount_yen"] = 0; }, 400,
         "invalid_field");
    with("receipt amount as text", [](json& j) { j["receipts"][0]["amount_yen"] = "8000"; }, 400,
         "invalid_field");
    with("receipt issued on a day that does not exist",
         [](json& j) { j["receipts"][0]["issued_on"] = "2026-02-30"; }, 400, "invalid_field");
    with("used_at without an offset", [](json& j) { j["used_at"] = "2026-02-05T18:00:00"; }, 400,
         "invalid_field");
    with("used in the future", [](json& j) { j["used_at"] = jst(2, 10); }, 422,
         "used_after_received");
    with("blank no_receipt_reason", [](json& j) { j["no_receipt_reason"] = "   "; }, 400,
         "invalid_field");
    with("unknown incident",
         [](json& j) { j["incident_id"] = "00000000-0000-4000-8000-000000000000"; }, 404,
         "incident_not_found");
    with("incident id not a uuid", [](json& j) { j["incident_id"] = "x'; DROP TABLE claims;--"; },
         404, "incident_not_found");
    for (const auto& c : cases) {
        const HttpResult r = me.post_json("/v1/claims", c.body);
        EXPECT_EQ(r.status, c.status) << c.why << ": " << r.body;
        EXPECT_EQ(r.error_code(), c.code) << c.why << ": " << r.body;
    }
    for (const char* garbage : {"", "null", "[]", "{", "{\"incident_id\": 5}", "\"claim\""}) {
        const HttpResult r = me.post("/v1/claims", garbage);
        EXPECT_EQ(r.status, 400) << garbage << ": " << r.body;
    }
    EXPECT_EQ(db->scalar(cat("SELECT count(*) FROM claims WHERE incident_id = '", b.incident_id, "'")),
              "0");
    // Then the good claim still goes through: nothing was used up.
    EXPECT_EQ(me.post_json("/v1/claims", good).status, 201);

    HttpClient& admin = d.admin();
    // Garbage to every claims endpoint: a 4xx, never a 5xx.
    const std::string claim_id = db->scalar(
        cat("SELECT id FROM claims WHERE incident_id = '", b.incident_id, "'"));
    HttpClient anon(server->port());
    for (const char* garbage : {"", "null", "[]", "{", "{\"decision\": 5}", "\"x\"",
                                "{\"paid_on\": \"2026-02-30\"}", "{\"birth_date\": []}"}) {
        for (const auto& [client, target] : std::vector<std::pair<HttpClient*, std::string>>{
                 {&admin, "/v1/claims/" + claim_id + "/review"},
                 {&admin, "/v1/payouts/" + claim_id + "/paid"},
                 {&anon, "/v1/customer/sessions"},
                 {&anon, "/v1/customer/sessions/00000000-0000-4000-8000-000000000000"}}) {
            const HttpResult r = client->post(target, garbage);
            EXPECT_GE(r.status, 400) << target << " " << garbage << ": " << r.body;
            EXPECT_LT(r.status, 500) << target << " " << garbage << ": " << r.body;
        }
    }
    EXPECT_EQ(admin.get("/v1/payouts?due_before=2026-13-01").error_code(), "invalid_field");
    // Without a token, nothing but sign-in.
    for (const std::string& target : std::vector<std::string>{
             "/v1/claims", "/v1/claims/" + claim_id, "/v1/payouts",
             "/v1/payouts/zengin?transfer_date=2026-12-01"}) {
        EXPECT_EQ(anon.get(target).status, 401) << target;
    }
    EXPECT_EQ(anon.post_json("/v1/claims", good).status, 401);
    EXPECT_EQ(admin.get("/v1/payouts/zengin").error_code(), "missing_field");
    EXPECT_EQ(admin.get("/v1/payouts/zengin?transfer_date=2026-02-30").error_code(),
              "invalid_field");
    EXPECT_EQ(admin.post_json("/v1/payouts/not-a-uuid/paid", {{"paid_on", "2026-01-01"}}).status,
              404);
    EXPECT_EQ(admin.post_json("/v1/payouts/00000000-0000-4000-8000-000000000000/paid",
                              {{"paid_on", "2026-01-01"}})
                  .status,
              404);
}

// ---- partner statements ------------------------------------------------------------------

TEST_F(ClaimsTest, PartnerStatementListsTheMonthsCompletedJobs) {
    const geo::LatLon site = fresh_anchor();
    Breakdown first = breakdown(site, jst(0, 0, 1), 1, std::nullopt);
    first.partner_id = d.partner("月次 Partner, Ltd.", north_of(site, 2), {"carrier"});
    complete_tow(first, site, "towed_to_shop", 62.4);  // 13 km beyond the free 50
    Breakdown second = breakdown(site, jst(0, 0, 2), 1, std::nullopt);
    second.partner_id = first.partner_id;
    complete_tow(second, site, "towed_to_shop", 20.0);
    // Cancelled by the customer after it set out: the customer pays the call-out (第2条3(7));
    // cancelled while only offered: nothing, and not on the statement.
    HttpClient partner = d.partner_client(first.partner_id);
    for (const bool accepted : {true, false}) {
        const Breakdown c = breakdown(site, jst(0, 0, 3), 1, std::nullopt);
        const HttpResult job = d.tow_job(c.incident_id, north_of(site, 25));
        ASSERT_EQ(job.status, 201) << job.body;
        ASSERT_EQ(job.json()["partner_id"], first.partner_id) << job.body;
        const std::string base = "/v1/jobs/" + job.json()["job_id"].get<std::string>();
        if (accepted) {
            ASSERT_EQ(partner.post_json(base + "/accept", json::object()).status, 200);
            ASSERT_EQ(partner.post_json(base + "/status", {{"status", "en_route"}}).status, 200);
        }
        const HttpResult cancelled = d.admin().post_json(base + "/cancel", {{"reason", "直った"}});
        ASSERT_EQ(cancelled.status, 200) << cancelled.body;
    }
    const std::string month = core::format_date(today()).substr(0, 7);
    const std::string path = cat("/v1/partners/", first.partner_id, "/statement?month=", month);
    const std::int64_t cancellation = tariff()["cancellation_yen"];

    const json t = tariff();
    const std::int64_t per_km = t["tow_per_km_yen"];
    const std::int64_t tow = t["service_yen"]["tow"];
    HttpResult r = d.admin().get(path);
    ASSERT_EQ(r.status, 200) << r.body;
    const json s = r.json();
    ASSERT_EQ(s["jobs"].size(), 3u) << s.dump();
    EXPECT_EQ(s["month"], month);
    EXPECT_EQ(s["jobs"][0]["warranty_yen"], tow + 50 * per_km);
    EXPECT_EQ(s["jobs"][0]["customer_yen"], 13 * per_km);
    EXPECT_EQ(s["jobs"][1]["warranty_yen"], tow + 20 * per_km);
    EXPECT_EQ(s["jobs"][1]["customer_yen"], 0);
    EXPECT_EQ(s["jobs"][2]["outcome"], "cancelled");
    EXPECT_EQ(s["jobs"][2]["warranty_yen"], 0);
    EXPECT_EQ(s["jobs"][2]["customer_yen"], cancellation);
    EXPECT_EQ(s["totals"]["jobs"], 3);
    EXPECT_EQ(s["totals"]["warranty_yen"], 2 * tow + 70 * per_km);
    EXPECT_EQ(s["totals"]["customer_yen"], 13 * per_km + cancellation);

    // The partner itself, as CSV; another partner sees nothing of it.
    r = partner.request("GET", path, "", {{"Accept", "text/csv"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("content-type"), "text/csv; charset=utf-8");
    std::vector<std::string> lines;
    for (std::size_t at = 0; at < r.body.size();) {
        const std::size_t end = r.body.find("\r\n", at);
        ASSERT_NE(end, std::string::npos);
        lines.push_back(r.body.substr(at, end - at));
        at = end + 2;
    }
    ASSERT_EQ(lines.size(), 5u) << r.body;  // header, 3 jobs, total
    EXPECT_TRUE(lines[0].starts_with("month,partner_id,partner_name,job_id")) << lines[0];
    EXPECT_NE(lines[1].find("\"月次 Partner, Ltd.\""), std::string::npos) << lines[1];
    EXPECT_NE(lines[1].find(cat(",62.400,", std::to_string(tow + 50 * per_km), ",",
                                std::to_string(13 * per_km))),
              std::string::npos)
        << lines[1];
    EXPECT_TRUE(lines[4].ends_with(cat(",", std::to_string(2 * tow + 70 * per_km), ",",
                                       std::to_string(13 * per_km + cancellation))))
        << lines[4];
    const std::string other = d.partner("other", north_of(site, 5), {"carrier"});
    EXPECT_EQ(d.partner_client(other).get(path).error_code(), "partner_not_found");
    // Another month is empty; a bad month is a 400.
    r = d.admin().get("/v1/partners/" + first.partner_id + "/statement?month=2020-01");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.json()["jobs"].size(), 0u);
    EXPECT_EQ(r.json()["totals"]["warranty_yen"], 0);
    for (const char* bad : {"2026-13", "2026-1", "26-01", "2026/01", ""}) {
        EXPECT_EQ(d.admin()
                      .get(cat("/v1/partners/", first.partner_id, "/statement?month=", std::string(bad)))
                      .status,
                  400)
            << bad;
    }
    EXPECT_EQ(d.admin().get("/v1/partners/" + first.partner_id + "/statement").error_code(),
              "missing_field");
    EXPECT_EQ(HttpClient(server->port(), token_for("agent")).get(path).status, 403);
}

}  // namespace
}  // namespace roadside::testing
