// Coverage checks and calls through the real server and database (spec/api.md "Coverage check
// and calls"): the verdict, its Japan-time edges, the stored incident with its history, and
// idempotent retries.
#include <ctime>
#include <future>

#include "http_fixture.hpp"

namespace roadside::testing {
namespace {

class CallsHttp : public HttpTest {
  protected:
    static inline std::string agent_token;

    static void SetUpTestSuite() {
        HttpTest::SetUpTestSuite();
        agent_token = token_for("agent");
    }

    static HttpClient agent() { return HttpClient(server->port(), agent_token); }

    static nlohmann::json check(const nlohmann::json& body) {
        const HttpResult r = agent().post_json("/v1/coverage/check", body);
        EXPECT_EQ(r.status, 200) << r.body;
        return r.json();
    }

    static nlohmann::json check_at(const std::string& contract_no, const std::string& at) {
        return check({{"contract_no", contract_no},
                      {"at", at},
                      {"location", {{"lat", 34.70}, {"lon", 135.50}}}});
    }

    static std::string count(const std::string& table, const std::string& where) {
        return db->scalar("SELECT count(*) FROM " + table + " WHERE " + where);
    }
};

TEST_F(CallsHttp, CheckAnswersTheSpecExample) {
    const nlohmann::json body = contract_body();
    const auto c = create_contract(body);
    // Looked up by plate (FullWidthPlateFindsTheContract covers the full-width forms).
    std::string plate = body["vehicle"]["plate"];
    const auto verdict = check({{"plate", plate},
                                {"at", "2026-02-05T10:00:00+09:00"},
                                {"location", {{"lat", 34.70}, {"lon", 135.50}}},
                                {"odometer_km", 51000}});
    EXPECT_EQ(verdict["eligible"], true);
    EXPECT_TRUE(verdict["reasons"].empty());
    EXPECT_EQ(verdict["contract_id"], c["id"]);
    EXPECT_EQ(verdict["coverage"]["start_date"], "2026-01-05");
    EXPECT_EQ(verdict["coverage"]["end_date"], "2027-01-04");
    EXPECT_EQ(verdict["coverage"]["deductible_until"], "2026-02-04");
    // WGS84 geodesic Tokyo Station -> (34.70, 135.50), to the metre.
    EXPECT_NEAR(verdict["distance_from_home_km"].get<double>(), 403.548, 0.0005);
    EXPECT_EQ(verdict["remote_support_eligible"], true);
    EXPECT_EQ(verdict["free_tow_km"], 50);
    EXPECT_EQ(verdict["call_date"], "2026-02-05");
    // A dry run: nothing stored.
    EXPECT_EQ(count("incidents", "contract_id = '" + c["id"].get<std::string>() + "'"), "0");
}

TEST_F(CallsHttp, FullWidthPlateFindsTheContract) {
    nlohmann::json body = contract_body();
    body["vehicle"]["plate"] = "足立 330 か 4821";
    const auto c = create_contract(body);
    const auto verdict = check({{"plate", "足立　３３０　か　４８２１"},
                                {"at", "2026-03-01T10:00:00+09:00"},
                                {"location", {{"lat", 35.77}, {"lon", 139.80}}}});
    EXPECT_EQ(verdict["contract_id"], c["id"]);
}

struct EdgeCase {
    const char* at;
    std::vector<std::string> reasons;
    const char* call_date;
    const char* why;
};

TEST_F(CallsHttp, JapanTimeEdgesGivenInUtc) {
    const nlohmann::json body = contract_body();  // 2026-01-05, 12 months, 免責 to 2026-02-04
    create_contract(body);
    const EdgeCase cases[] = {
        {"2026-01-04T14:59:59Z",
         {"coverage_not_started"},
         "2026-01-04",
         "23:59:59 JST on the day before the start: only coverage_not_started"},
        {"2026-01-04T15:00:00Z",
         {"in_deductible_period"},
         "2026-01-05",
         "00:00 JST on the start date: the waiting period"},
        {"2026-02-04T14:59:00Z",
         {"in_deductible_period"},
         "2026-02-04",
         "23:59 JST on the last day of 免責"},
        {"2026-02-04T15:00:00Z", {}, "2026-02-05", "00:00 JST: service from 2026-02-05"},
        {"2026-02-04T15:30:00Z", {}, "2026-02-05", "15:30 UTC is already the next day in Japan"},
        {"2027-01-04T14:59:00Z", {}, "2027-01-04", "23:59 JST on the last covered day"},
        {"2027-01-04T15:00:00Z", {"coverage_expired"}, "2027-01-05", "00:00 JST the day after"},
        {"2027-01-04T23:59:00+09:00", {}, "2027-01-04", "the same instant written in JST"},
        {"2027-01-04T10:00:00-05:00",
         {"coverage_expired"},
         "2027-01-05",
         "any offset is accepted: 15:00 UTC"},
    };
    for (const auto& tc : cases) {
        const auto verdict = check_at(body["contract_no"], tc.at);
        EXPECT_EQ(reason_codes(verdict), tc.reasons) << tc.why;
        EXPECT_EQ(verdict["call_date"], tc.call_date) << tc.why;
        EXPECT_EQ(verdict["eligible"], tc.reasons.empty()) << tc.why;
    }
}

TEST_F(CallsHttp, EveryFailingRuleIsListedInOrder) {
    // An import plan (no road service, 2-month 免責) on a business-use camper-less special body,
    // too long, too wide and too heavy, with a lapsed 車検.
    nlohmann::json body = contract_body("kaitokuten-import");
    body["vehicle"]["private_use"] = false;
    body["vehicle"]["use"] = "special";
    body["vehicle"]["body_shape"] = "冷蔵冷凍車";
    body["vehicle"]["length_mm"] = 5501;
    body["vehicle"]["width_mm"] = 1951;
    body["vehicle"]["gross_weight_kg"] = 3001;
    body["vehicle"]["inspection_expiry"] = "2026-01-31";
    create_contract(body);
    const auto verdict = check_at(body["contract_no"], "2026-02-01T09:00:00+09:00");
    EXPECT_EQ(reason_codes(verdict),
              (std::vector<std::string>{"plan_excludes_road_service", "in_deductible_period",
                                        "inspection_expired", "vehicle_not_private_use",
                                        "vehicle_type_not_covered", "vehicle_too_long",
                                        "vehicle_too_wide", "vehicle_too_heavy"}));
    for (const auto& r : verdict["reasons"]) {
        EXPECT_FALSE(r["message"].get<std::string>().empty());
        EXPECT_FALSE(r["clause"].get<std::string>().empty());
        EXPECT_TRUE(r["details"].is_object());
    }
}

TEST_F(CallsHttp, MileageLimitOfACorporateContract) {
    // Cartender 保証規定 第3条2: 法人名義, 1 year -> 15,000 km from enrolment, inclusive.
    nlohmann::json body = contract_body("cartender-domestic-standard");
    body["corporate"] = true;
    body["odometer_at_start_km"] = 40000;
    const auto c = create_contract(body);
    EXPECT_EQ(c["coverage"]["mileage_limit_km"], 15000);
    auto with_odometer = [&](int km) {
        return check({{"contract_no", body["contract_no"]},
                      {"at", "2026-06-01T10:00:00+09:00"},
                      {"location", {{"lat", 35.0}, {"lon", 139.0}}},
                      {"odometer_km", km}});
    };
    EXPECT_TRUE(with_odometer(55000)["eligible"]) << "exactly at the limit";
    EXPECT_EQ(reason_codes(with_odometer(55001)),
              std::vector<std::string>{"mileage_limit_exceeded"});
}

TEST_F(CallsHttp, TheContractCurrentOnTheDayIsChosenAmongThoseOnOnePlate) {
    // A plate that changed hands: an old contract that ended and a new one.
    const std::string plate = "なにわ 500 る " + unique_suffix();
    nlohmann::json old_body = contract_body();
    old_body["vehicle"]["plate"] = plate;
    old_body["start_date"] = "2024-03-01";
    const auto old_contract = create_contract(old_body);
    nlohmann::json new_body = contract_body();
    new_body["vehicle"]["plate"] = plate;
    new_body["start_date"] = "2025-05-20";
    const auto new_contract = create_contract(new_body);
    auto by_plate = [&](const char* at) {
        return check({{"plate", plate}, {"at", at}, {"location", {{"lat", 34.7}, {"lon", 135.5}}}});
    };
    EXPECT_EQ(by_plate("2024-12-01T10:00:00+09:00")["contract_id"], old_contract["id"]);
    EXPECT_EQ(by_plate("2025-12-01T10:00:00+09:00")["contract_id"], new_contract["id"]);
}

TEST_F(CallsHttp, ACallIsStoredAndReadBackWithItsVerdictAndEvents) {
    const nlohmann::json body = contract_body();
    const auto c = create_contract(body);
    const HttpResult r =
        agent().post_json("/v1/calls", call_body(body["contract_no"], "2026-03-01T10:00:00+09:00"));
    ASSERT_EQ(r.status, 201) << r.body;
    const nlohmann::json created = r.json();
    EXPECT_EQ(created["status"], "open");
    EXPECT_EQ(created["coverage"]["eligible"], true);
    const std::string id = created["incident_id"];

    const HttpResult read = agent().get("/v1/incidents/" + id);
    ASSERT_EQ(read.status, 200) << read.body;
    const nlohmann::json incident = read.json();
    EXPECT_EQ(incident["incident_id"], id);
    EXPECT_EQ(incident["status"], "open");
    EXPECT_EQ(incident["at"], "2026-03-01T10:00:00+09:00");
    EXPECT_EQ(incident["call_date"], "2026-03-01");
    EXPECT_EQ(incident["contract_id"], c["id"]);
    EXPECT_EQ(incident["problem"], "battery");
    EXPECT_EQ(incident["occupants"], 2);
    EXPECT_EQ(incident["caller"]["name"], "山田 太郎");
    // The stored verdict is exactly what the agent was shown.
    EXPECT_EQ(incident["coverage"], created["coverage"]);
    EXPECT_TRUE(incident["jobs"].is_array());
    EXPECT_TRUE(incident["claims"].is_array());
    const auto& events = incident["events"];
    ASSERT_EQ(events.size(), 2u) << events.dump();
    EXPECT_EQ(events[0]["type"], "call_received");
    EXPECT_EQ(events[1]["type"], "coverage_verified");
    EXPECT_EQ(events[1]["data"]["eligible"], true);
    const std::string actor = events[0]["actor"];
    EXPECT_EQ(actor.rfind("agent:", 0), 0u) << actor;
    EXPECT_EQ(count("incidents", "id = '" + id + "'"), "1");
    EXPECT_EQ(count("events", "incident_id = '" + id + "'"), "2");
}

TEST_F(CallsHttp, UncoveredAndRefusedCallsAreRecordedToo) {
    const nlohmann::json body = contract_body();
    create_contract(body);
    // During 免責: recorded, not covered.
    HttpResult r =
        agent().post_json("/v1/calls", call_body(body["contract_no"], "2026-01-20T10:00:00+09:00"));
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()["status"], "not_covered");
    EXPECT_EQ(reason_codes(r.json()["coverage"]), std::vector<std::string>{"in_deductible_period"});
    // Refused by the agent (第6条(2) remote island): refused, whatever the coverage.
    nlohmann::json refused = call_body(body["contract_no"], "2026-03-01T10:00:00+09:00");
    refused["refusal_grounds"] = {"remote_island"};
    refused["notes"] = "佐渡島";
    r = agent().post_json("/v1/calls", refused);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()["status"], "refused");
    const auto incident =
        agent().get("/v1/incidents/" + r.json()["incident_id"].get<std::string>()).json();
    EXPECT_EQ(incident["refusal_grounds"], nlohmann::json::array({"remote_island"}));
    ASSERT_EQ(incident["events"].size(), 3u);
    EXPECT_EQ(incident["events"][2]["type"], "call_refused");
}

TEST_F(CallsHttp, AnIdempotentRetryCreatesNothingTwice) {
    const nlohmann::json body = contract_body();
    const auto c = create_contract(body);
    const nlohmann::json call = call_body(body["contract_no"], "2026-03-02T08:15:00+09:00");
    const std::string key = "call-" + unique_suffix();
    const HttpResult first = agent().post_json("/v1/calls", call, {{"Idempotency-Key", key}});
    const HttpResult retry = agent().post_json("/v1/calls", call, {{"Idempotency-Key", key}});
    ASSERT_EQ(first.status, 201) << first.body;
    ASSERT_EQ(retry.status, 201) << retry.body;
    EXPECT_EQ(retry.body, first.body);
    EXPECT_EQ(retry.header("idempotent-replayed"), "true");
    EXPECT_EQ(first.header("idempotent-replayed"), "");
    const std::string where = "contract_id = '" + c["id"].get<std::string>() + "'";
    EXPECT_EQ(count("incidents", where), "1");
    EXPECT_EQ(count("events", where + " AND incident_id IS NOT NULL"), "2");
    // The same key with another body is a conflict, and stores nothing.
    nlohmann::json other = call;
    other["problem"] = "lockout";
    const HttpResult conflict = agent().post_json("/v1/calls", other, {{"Idempotency-Key", key}});
    EXPECT_EQ(conflict.status, 409);
    EXPECT_EQ(conflict.error_code(), "idempotency_key_reused");
    EXPECT_EQ(count("incidents", where), "1");
    // Without a key, a second call is a second incident.
    agent().post_json("/v1/calls", call);
    EXPECT_EQ(count("incidents", where), "2");
}

TEST_F(CallsHttp, ConcurrentRetriesWithOneKeyMakeOneIncident) {
    const nlohmann::json body = contract_body();
    const auto c = create_contract(body);
    const nlohmann::json call = call_body(body["contract_no"], "2026-03-03T08:15:00+09:00");
    const std::string key = "race-" + unique_suffix();
    std::vector<std::future<HttpResult>> results;
    for (int i = 0; i < 8; ++i) {
        results.push_back(std::async(std::launch::async, [&] {
            return agent().post_json("/v1/calls", call, {{"Idempotency-Key", key}});
        }));
    }
    std::set<std::string> ids;
    for (auto& f : results) {
        const HttpResult r = f.get();
        ASSERT_EQ(r.status, 201) << r.body;
        ids.insert(r.json()["incident_id"].get<std::string>());
    }
    EXPECT_EQ(ids.size(), 1u);
    EXPECT_EQ(count("incidents", "contract_id = '" + c["id"].get<std::string>() + "'"), "1");
}

TEST_F(CallsHttp, ACallCannotBeLoggedAheadOfTheClock) {
    const nlohmann::json body = contract_body();
    create_contract(body);
    auto at = [](std::chrono::minutes ahead) {
        const std::time_t t =
            std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + ahead);
        char buf[32];
        std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
        return std::string(buf);
    };
    HttpResult r = agent().post_json("/v1/calls",
                                     call_body(body["contract_no"], at(std::chrono::minutes{60})));
    EXPECT_EQ(r.status, 422);
    EXPECT_EQ(r.error_code(), "call_time_in_future");
    // A few minutes of clock skew are tolerated; a coverage check may ask about any date.
    r = agent().post_json("/v1/calls", call_body(body["contract_no"], at(std::chrono::minutes{2})));
    EXPECT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(agent()
                  .post_json("/v1/coverage/check", {{"contract_no", body["contract_no"]},
                                                    {"at", at(std::chrono::minutes{60 * 24 * 30})},
                                                    {"location", {{"lat", 35.0}, {"lon", 139.0}}}})
                  .status,
              200);
}

TEST_F(CallsHttp, ContractNumberAndPlateMustAgree) {
    const nlohmann::json body = contract_body();
    create_contract(body);
    const HttpResult r =
        agent().post_json("/v1/coverage/check", {{"contract_no", body["contract_no"]},
                                                 {"plate", "品川 999 ん 9999"},
                                                 {"location", {{"lat", 35.0}, {"lon", 139.0}}}});
    EXPECT_EQ(r.status, 422);
    EXPECT_EQ(r.error_code(), "plate_mismatch");
}

TEST_F(CallsHttp, UnknownCarsAreNotFound) {
    HttpResult r = agent().post_json(
        "/v1/coverage/check",
        {{"plate", "品川 999 ん 0000"}, {"location", {{"lat", 35.0}, {"lon", 139.0}}}});
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.error_code(), "contract_not_found");
    r = agent().post_json("/v1/calls", call_body("NO-SUCH-CONTRACT", "2026-03-01T10:00:00+09:00"));
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.error_code(), "contract_not_found");
}

TEST_F(CallsHttp, ACustomerSeesOnlyTheIncidentsOfItsOwnContract) {
    const nlohmann::json mine_body = contract_body();
    const auto mine = create_contract(mine_body);
    const nlohmann::json other_body = contract_body();
    create_contract(other_body);
    const std::string mine_incident =
        agent()
            .post_json("/v1/calls",
                       call_body(mine_body["contract_no"], "2026-03-01T10:00:00+09:00"))
            .json()["incident_id"];
    const std::string other_incident =
        agent()
            .post_json("/v1/calls",
                       call_body(other_body["contract_no"], "2026-03-01T10:00:00+09:00"))
            .json()["incident_id"];
    HttpClient customer(server->port(), token_for("customer", mine["id"].get<std::string>()));
    EXPECT_EQ(customer.get("/v1/incidents/" + mine_incident).status, 200);
    // Someone else's incident does not exist for this customer (404, not 403).
    const HttpResult r = customer.get("/v1/incidents/" + other_incident);
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.error_code(), "incident_not_found");
    // Customers neither check coverage nor log calls.
    EXPECT_EQ(customer
                  .post_json("/v1/calls",
                             call_body(mine_body["contract_no"], "2026-03-01T10:00:00+09:00"))
                  .status,
              403);
}

TEST_F(CallsHttp, TheEventLogIsAppendOnly) {
    const nlohmann::json body = contract_body();
    create_contract(body);
    const std::string id =
        agent()
            .post_json("/v1/calls", call_body(body["contract_no"], "2026-03-01T10:00:00+09:00"))
            .json()["incident_id"];
    // Enforced by the database, not only by the server: 23001 restrict_violation.
    EXPECT_EQ(db->sqlstate_of("UPDATE events SET type = 'x' WHERE incident_id = '" + id + "'"),
              "23001");
    EXPECT_EQ(db->sqlstate_of("DELETE FROM events WHERE incident_id = '" + id + "'"), "23001");
    EXPECT_EQ(db->sqlstate_of("TRUNCATE events CASCADE"), "23001");
    EXPECT_EQ(count("events", "incident_id = '" + id + "'"), "2");
}

}  // namespace
}  // namespace roadside::testing
