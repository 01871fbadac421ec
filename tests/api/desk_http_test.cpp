// What the desk needs from the API (issue 13): the incidents search, the contract view with its
// calls and their history, tokens listed, revoked and expiring, and the Zengin file of the claims
// a reviewer picks with its transfer date checked.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <set>
#include <thread>

#include "billing/zengin.hpp"
#include "core/calendar.hpp"
#include "http_fixture.hpp"
#include "job_support.hpp"

namespace roadside::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// Percent-encodes every byte but letters and digits; spaces doubled when `wide`.
std::string url_encode(const std::string& s, bool wide = false) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : s) {
        const auto b = static_cast<unsigned char>(c);
        if (std::isalnum(b) && b < 0x80) {
            out.push_back(c);
            continue;
        }
        for (int i = 0; i < (wide && c == ' ' ? 2 : 1); ++i) {
            out += '%';
            out += kHex[b >> 4];
            out += kHex[b & 0xF];
        }
    }
    return out;
}

class DeskTest : public HttpTest {
  protected:
    // A contract of its own (number, plate), returned with its id.
    static json new_contract() {
        json body = contract_body();
        body["start_date"] = today_plus(-100);
        body["vehicle"]["inspection_expiry"] = today_plus(300);
        return create_contract(body);
    }
    static std::string call(HttpClient& c, const std::string& contract_no, const std::string& at,
                            const std::string& problem = "battery") {
        json body = call_body(contract_no, at);
        body["problem"] = problem;
        const HttpResult r = c.post_json("/v1/calls", body);
        EXPECT_EQ(r.status, 201) << r.body;
        return r.json().value("incident_id", "");
    }
    static std::vector<std::string> ids(const HttpResult& r) {
        std::vector<std::string> out;
        EXPECT_EQ(r.status, 200) << r.body;
        const json list = r.json()["incidents"];
        for (const auto& i : list) out.push_back(i["incident_id"]);
        return out;
    }
    static std::string now_minus_days(int days) {
        return core::format_japan_time(core::now_seconds() - std::chrono::days{days});
    }
    static std::string today() { return core::format_date(core::japan_date(core::now_seconds())); }
};

// ---- incidents search -----------------------------------------------------------------------

TEST_F(DeskTest, IncidentsAreFoundByContractPlateDatesAndStatusNewestFirst) {
    HttpClient agent(server->port(), token_for("agent"));
    const json c = new_contract();
    const std::string no = c["contract_no"];
    const std::string plate = c["vehicle"]["plate"];
    const std::string old_call = call(agent, no, now_minus_days(3));
    const std::string new_call = call(agent, no, now_minus_days(1), "flat_tire");
    const std::string other = call(agent, new_contract()["contract_no"], now_minus_days(1));

    EXPECT_EQ(ids(agent.get("/v1/incidents?contract_no=" + no)),
              (std::vector<std::string>{new_call, old_call}));
    // Full-width and spaced forms of the number and plate find the same.
    EXPECT_EQ(ids(agent.get("/v1/incidents?contract_no=%EF%BC%B4-" + no.substr(2))),
              (std::vector<std::string>{new_call, old_call}));
    EXPECT_EQ(ids(agent.get("/v1/incidents?plate=" + url_encode(plate, true))),
              (std::vector<std::string>{new_call, old_call}));
    // Dates are Japan-time days, both ends included; or instants.
    const std::string two_days_ago =
        core::format_date(core::japan_date(core::now_seconds() - std::chrono::days{2}));
    EXPECT_EQ(ids(agent.get("/v1/incidents?contract_no=" + no + "&from=" + two_days_ago)),
              std::vector<std::string>{new_call});
    EXPECT_EQ(ids(agent.get("/v1/incidents?contract_no=" + no + "&to=" + two_days_ago)),
              std::vector<std::string>{old_call});
    EXPECT_EQ(ids(agent.get(
                  "/v1/incidents?contract_no=" + no + "&from=" +
                  core::format_date(core::japan_date(core::now_seconds() - std::chrono::days{3})) +
                  "&to=" + two_days_ago)),
              std::vector<std::string>{old_call});
    // limit, and every call newest first without filters.
    EXPECT_EQ(ids(agent.get("/v1/incidents?contract_no=" + no + "&limit=1")),
              std::vector<std::string>{new_call});
    const auto all = ids(agent.get("/v1/incidents?limit=500"));
    EXPECT_NE(std::find(all.begin(), all.end(), other), all.end());
    // status
    EXPECT_EQ(ids(agent.get("/v1/incidents?contract_no=" + no + "&status=open")).size(), 2u);
    EXPECT_EQ(ids(agent.get("/v1/incidents?contract_no=" + no + "&status=refused")).size(), 0u);
    // What a row says.
    const json row =
        agent.get("/v1/incidents?contract_no=" + no + "&limit=1").json()["incidents"][0];
    EXPECT_EQ(row["contract_no"], no);
    EXPECT_EQ(row["plate"], plate);
    EXPECT_EQ(row["problem"], "flat_tire");
    EXPECT_EQ(row["status"], "open");
    EXPECT_TRUE(row["latest_job"].is_null());
    EXPECT_TRUE(row.contains("distance_from_home_km"));
}

TEST_F(DeskTest, IncidentsSearchRefusesBadFiltersAndShowsACustomerOnlyItsOwn) {
    HttpClient agent(server->port(), token_for("agent"));
    for (const char* bad : {"/v1/incidents?status=closed", "/v1/incidents?from=yesterday",
                            "/v1/incidents?to=2026-02-30", "/v1/incidents?limit=0",
                            "/v1/incidents?limit=501", "/v1/incidents?plate=%20"}) {
        const HttpResult r = agent.get(bad);
        EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
        EXPECT_EQ(r.error_code(), "invalid_field") << bad;
    }
    const json mine = new_contract();
    const std::string my_call = call(agent, mine["contract_no"], now_minus_days(1));
    const json theirs = new_contract();
    call(agent, theirs["contract_no"], now_minus_days(1));
    HttpClient customer(server->port(), token_for("customer", mine["id"].get<std::string>()));
    EXPECT_EQ(ids(customer.get("/v1/incidents")), std::vector<std::string>{my_call});
    // Its filters cannot reach another contract.
    EXPECT_EQ(
        ids(customer.get("/v1/incidents?contract_no=" + theirs["contract_no"].get<std::string>())),
        std::vector<std::string>{});
    HttpClient partner_less(server->port(), token_for("reviewer"));
    EXPECT_EQ(partner_less.get("/v1/incidents").status, 200);
}

TEST_F(DeskTest, TheContractViewListsItsCallsAndItsHistoryHoldsTheirCallsJobsAndClaims) {
    HttpClient agent(server->port(), token_for("agent"));
    const json c = new_contract();
    const std::string id = c["id"];
    const std::string incident = call(agent, c["contract_no"], now_minus_days(0));
    const HttpResult job =
        agent.post_json("/v1/incidents/" + incident + "/jobs", {{"service", "jump_start"}});
    ASSERT_EQ(job.status, 201) << job.body;
    const json view = agent.get("/v1/contracts/" + id).json();
    ASSERT_EQ(view["incidents"].size(), 1u) << view.dump();
    EXPECT_EQ(view["incidents"][0]["incident_id"], incident);
    EXPECT_EQ(view["incidents"][0]["latest_job"]["job_id"], job.json()["job_id"]);
    std::vector<std::string> types;
    for (const auto& e : view["events"]) {
        types.push_back(e["type"]);
        if (e["type"] != "contract_created") {
            EXPECT_EQ(e["incident_id"], incident) << e.dump();
        }
    }
    EXPECT_EQ(types.front(), "contract_created");
    for (const char* t : {"call_received", "coverage_verified", "job_created"}) {
        EXPECT_NE(std::find(types.begin(), types.end(), t), types.end()) << t;
    }
    // Every event of an incident carries its contract, in the database too.
    EXPECT_EQ(db->scalar("SELECT count(*) FROM events WHERE incident_id = '" + incident +
                         "' AND contract_id IS DISTINCT FROM '" + id + "'"),
              "0");
}

// ---- tokens -------------------------------------------------------------------------------

TEST_F(DeskTest, TokensAreListedWithTheirExpiryAndRevokedAtOnce) {
    HttpClient admin = HttpTest::admin();
    HttpResult r = admin.post_json("/v1/tokens", {{"role", "partner"}, {"label", "x"}});
    EXPECT_EQ(r.error_code(), "missing_field");
    r = admin.post_json("/v1/tokens", {{"role", "reviewer"}, {"label", "back office"}});
    ASSERT_EQ(r.status, 201) << r.body;
    const json created = r.json();
    const std::string id = created["id"];
    EXPECT_FALSE(created["token"].get<std::string>().empty());
    // Every token ends: 90 days for a reviewer by default (token_lifetime_reviewer_s).
    EXPECT_EQ(db->scalar("SELECT round(extract(epoch FROM expires_at - created_at)) FROM tokens"
                         " WHERE id = '" +
                         id + "'"),
              "7776000");
    EXPECT_FALSE(created["expires_at"].is_null());
    r = admin.post_json("/v1/tokens", {{"role", "agent"}, {"lifetime_s", 3600}});
    EXPECT_EQ(db->scalar("SELECT round(extract(epoch FROM expires_at - created_at)) FROM tokens"
                         " WHERE id = '" +
                         r.json()["id"].get<std::string>() + "'"),
              "3600");
    for (const int bad : {0, 59, 366 * 86400 + 1}) {
        EXPECT_EQ(
            admin.post_json("/v1/tokens", {{"role", "agent"}, {"lifetime_s", bad}}).error_code(),
            "invalid_field")
            << bad;
    }
    EXPECT_EQ(db->scalar("SELECT count(*) FROM tokens WHERE expires_at IS NULL"), "0");

    const json listed = admin.get("/v1/tokens?role=reviewer").json();
    ASSERT_FALSE(listed["tokens"].empty());
    EXPECT_EQ(listed["tokens"][0]["id"], id);  // newest first
    EXPECT_EQ(listed["tokens"][0]["label"], "back office");
    EXPECT_FALSE(listed["tokens"][0].contains("token"));
    for (const auto& t : listed["tokens"]) EXPECT_EQ(t["role"], "reviewer");

    HttpClient reviewer(server->port(), created["token"]);
    ASSERT_EQ(reviewer.get("/v1/payouts").status, 200);
    ASSERT_EQ(reviewer.get("/v1/payouts").status, 200);  // cached now
    EXPECT_EQ(admin.request("DELETE", "/v1/tokens/" + id, "").status, 204);
    EXPECT_EQ(reviewer.get("/v1/payouts").status, 401);
    EXPECT_EQ(admin.request("DELETE", "/v1/tokens/" + id, "").status, 204);  // changes nothing
    const json live = admin.get("/v1/tokens?role=reviewer").json();
    for (const auto& t : live["tokens"]) EXPECT_NE(t["id"], id);
    const json all = admin.get("/v1/tokens?role=reviewer&include_ended=true").json();
    bool seen = false;
    for (const auto& t : all["tokens"])
        seen = seen || (t["id"] == id && !t["revoked_at"].is_null());
    EXPECT_TRUE(seen);

    EXPECT_EQ(
        admin.request("DELETE", "/v1/tokens/00000000-0000-4000-8000-000000000000", "").error_code(),
        "token_not_found");
    EXPECT_EQ(admin.request("DELETE", "/v1/tokens/nope", "").status, 404);
    EXPECT_EQ(admin.get("/v1/tokens?role=root").error_code(), "invalid_field");
    EXPECT_EQ(admin.get("/v1/tokens?include_ended=yes").error_code(), "invalid_field");
    HttpClient agent(server->port(), token_for("agent"));
    EXPECT_EQ(agent.get("/v1/tokens").error_code(), "forbidden");
    EXPECT_EQ(agent.request("DELETE", "/v1/tokens/" + id, "").error_code(), "forbidden");
}

TEST_F(DeskTest, AnExpiredTokenIsRefused) {
    HttpClient admin = HttpTest::admin();
    const HttpResult r = admin.post_json("/v1/tokens", {{"role", "agent"}, {"lifetime_s", 60}});
    const std::string id = r.json()["id"];
    db->query("UPDATE tokens SET expires_at = now() - interval '1 second' WHERE id = '" + id + "'");
    HttpClient agent(server->port(), r.json()["token"]);
    EXPECT_EQ(agent.get("/v1/jobs").status, 401);
    // Not listed among the live ones either.
    const json live = admin.get("/v1/tokens?role=agent&limit=5000").json();
    for (const auto& t : live["tokens"]) EXPECT_NE(t["id"], id);
}

// ---- the Zengin file of picked claims -------------------------------------------------------

class ZenginPickTest : public DeskTest {
  protected:
    // An approved claim, written directly (the claims flow is tested in claims_http_test):
    // `yen`, payable by today + 10.
    static std::string approved_claim(int yen, const std::string& decision = "approved") {
        HttpClient agent(server->port(), server->options().admin_token);
        const json c = new_contract();
        const std::string incident = call(agent, c["contract_no"], now_minus_days(1));
        const std::string pay_by = decision == "rejected" ? "NULL" : "'" + today_plus(10) + "'";
        return db->scalar(
            "INSERT INTO claims (incident_id, contract_id, benefit, persons, persons_counted,"
            " used_at, received_at, received_on, receipts, decision, approved_yen, counted_yen,"
            " reasons, pay_by, bank_code, branch_code, account_type, account_number,"
            " holder_kana, created_by) VALUES ('" +
            incident + "', '" + c["id"].get<std::string>() +
            "', 'taxi', 1, 1, now(), now(), current_date, '[]', '" + decision + "', " +
            std::to_string(decision == "rejected" ? 0 : yen) + ", " + std::to_string(yen) +
            ", '[]', " + pay_by +
            ", '0001', '001', 'ordinary', '1234567', 'ﾔﾏﾀﾞ ﾀﾛｳ', 'test') RETURNING id");
    }
    static std::vector<std::int64_t> amounts(const std::string& file) {
        std::vector<std::int64_t> out;
        for (const auto& rec : billing::parse_zengin_file(file).records)
            out.push_back(rec.amount_yen);
        std::sort(out.begin(), out.end());
        return out;
    }
};

TEST_F(ZenginPickTest, TheFileHoldsExactlyThePickedClaims) {
    HttpClient reviewer(server->port(), token_for("reviewer"));
    const std::string a = approved_claim(11111);
    const std::string b = approved_claim(22222);
    const std::string c = approved_claim(33333);
    HttpResult r = reviewer.get("/v1/payouts/zengin?transfer_date=" + today() + "&claim_ids=" + a +
                                "," + c + "," + a);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(billing::validate_zengin_file(r.body), std::vector<std::string>{});
    EXPECT_EQ(amounts(r.body), (std::vector<std::int64_t>{11111, 33333}));
    EXPECT_EQ(r.header("x-transfer-count"), "2");
    EXPECT_EQ(r.header("x-transfer-total-yen"), "44444");
    // Paid: refused in a new file, allowed in a reissue.
    ASSERT_EQ(reviewer.post_json("/v1/payouts/" + b + "/paid", {{"paid_on", today()}}).status, 200);
    r = reviewer.get("/v1/payouts/zengin?transfer_date=" + today() + "&claim_ids=" + b);
    EXPECT_EQ(r.status, 409);
    EXPECT_EQ(r.error_code(), "already_paid");
    r = reviewer.get("/v1/payouts/zengin?transfer_date=" + today() + "&claim_ids=" + b +
                     "&reissue=true");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(amounts(r.body), std::vector<std::int64_t>{22222});
}

TEST_F(ZenginPickTest, PickedClaimsMustExistAndBeApproved) {
    HttpClient reviewer(server->port(), token_for("reviewer"));
    const std::string ok = approved_claim(5000);
    const std::string rejected = approved_claim(5000, "rejected");
    const std::string base = "/v1/payouts/zengin?transfer_date=" + today() + "&claim_ids=";
    struct Case {
        std::string ids;
        int status;
        const char* code;
    };
    const std::vector<Case> cases = {
        {ok + ",00000000-0000-4000-8000-000000000000", 404, "claim_not_found"},
        {ok + "," + rejected, 409, "claim_not_payable"},
        {"", 400, "invalid_field"},
        {"not-a-uuid", 400, "invalid_field"},
        {ok + ",", 400, "invalid_field"},
        {ok + ",,", 400, "invalid_field"},
    };
    for (const Case& c : cases) {
        const HttpResult r = reviewer.get(base + c.ids);
        EXPECT_EQ(r.status, c.status) << c.ids << ": " << r.body;
        EXPECT_EQ(r.error_code(), c.code) << c.ids;
    }
    EXPECT_EQ(reviewer.get(base + ok + "&due_before=" + today()).error_code(),
              "conflicting_fields");
    // Repeats count once; more than 200 different ids are refused.
    EXPECT_EQ(reviewer.get(base + ok + "," + ok + "," + ok).status, 200);
    std::string many;
    for (int i = 0; i < 201; ++i) {
        char id[40];
        std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", i);
        many += (i ? "," : "") + std::string(id);
    }
    const HttpResult too_many = reviewer.get(base + many);
    EXPECT_EQ(too_many.status, 400) << too_many.body;
    EXPECT_EQ(too_many.error_code(), "invalid_field");
}

TEST_F(ZenginPickTest, ATransferDateInThePastOrMoreThanAMonthAheadIsRefusedUnlessReissued) {
    HttpClient reviewer(server->port(), token_for("reviewer"));
    const core::Date t = core::japan_date(core::now_seconds());
    const core::Date month = core::add_days(core::period_last_day(t, 1), 1);  // 民法143条
    struct Case {
        core::Date date;
        bool ok;
    };
    const std::vector<Case> cases = {
        {core::add_days(t, -1), false},    {t, true},
        {core::add_days(t, 1), true},      {month, true},
        {core::add_days(month, 1), false}, {core::add_days(t, 400), false},
    };
    for (const Case& c : cases) {
        const std::string date = core::format_date(c.date);
        HttpResult r = reviewer.get("/v1/payouts/zengin?transfer_date=" + date);
        if (c.ok) {
            EXPECT_EQ(r.status, 200) << date << ": " << r.body;
        } else {
            EXPECT_EQ(r.status, 422) << date;
            EXPECT_EQ(r.error_code(), "transfer_date_out_of_range") << date;
            EXPECT_EQ(r.json()["error"]["details"]["latest"], core::format_date(month));
            r = reviewer.get("/v1/payouts/zengin?transfer_date=" + date + "&reissue=true");
            EXPECT_EQ(r.status, 200) << date << " reissued: " << r.body;
        }
    }
    EXPECT_EQ(
        reviewer.get("/v1/payouts/zengin?transfer_date=" + today() + "&reissue=yes").error_code(),
        "invalid_field");
}

}  // namespace
}  // namespace roadside::testing
