// Links for the customer's phone through the real server and database (issue 14): a location link
// answers once (then 410 link_used), expires (410 link_expired), reaches agents by GET and as an
// event, and says nothing about the contract; a tracking link shows the job's status, the partner
// company, the ETA and the truck's straight-line distance, and nothing else.
#include <latch>
#include <set>
#include <thread>

#include "http_fixture.hpp"
#include "job_support.hpp"

namespace roadside::testing {
namespace {

using nlohmann::json;

class LinksTest : public HttpTest {
  protected:
    Dispatch d{server->port(), server->options().admin_token};
    HttpClient agent{server->port(), token_for("agent")};

    // A call (caller 090-1234-5678) at a point of its own; returns the incident id.
    std::string incident(geo::LatLon where) {
        json body = call_body(d.contract(), core::format_japan_time(core::now_seconds()));
        body["location"] = latlon(where);
        const HttpResult r = agent.post_json("/v1/calls", body);
        EXPECT_EQ(r.status, 201) << r.body;
        return r.json().value("incident_id", "");
    }

    HttpResult answer(const std::string& token, const json& body) {
        return HttpClient(server->port()).post_json("/v1/location-links/" + token, body);
    }

    static json here() { return {{"lat", 35.6581}, {"lon", 139.7017}, {"accuracy_m", 12.5}}; }
};

TEST_F(LinksTest, ALocationLinkAnswersOnceAndReachesTheAgent) {
    const std::string inc = incident(fresh_anchor());
    const HttpResult made = agent.post_json("/v1/location-links", {{"incident_id", inc}});
    ASSERT_EQ(made.status, 201) << made.body;
    const json link = made.json();
    const std::string token = link["token"];
    EXPECT_GE(token.size(), 40u);
    EXPECT_EQ(link["url"], "/customer/location.html#" + token);
    EXPECT_EQ(link["status"], "waiting");
    EXPECT_EQ(link["sent_to"], "***-****-5678");  // the caller's number on the call
    const auto expires = core::parse_rfc3339(link["expires_at"].get<std::string>()).value();
    EXPECT_NEAR(static_cast<double>((expires - core::now_seconds()).count()), 1800, 10);
    // The SMS adapter sent it: one line in the log, with the link.
    EXPECT_TRUE(eventually([&] {
        return server->log().find("sms to=090-1234-5678 text=") != std::string::npos &&
               server->log().find(link["url"].get<std::string>()) != std::string::npos;
    }));
    // Only the token's hash is kept.
    EXPECT_EQ(db->scalar("SELECT count(*) FROM location_links WHERE position('" + token +
                         "'::bytea IN token_hash) > 0"),
              "0");

    // The phone answers, with no credential: 204, nothing said back.
    const HttpResult ok = answer(token, here());
    EXPECT_EQ(ok.status, 204) << ok.body;
    EXPECT_TRUE(ok.body.empty());
    // A second answer: 410 link_used, and nothing about the contract.
    const HttpResult again = answer(token, here());
    EXPECT_EQ(again.status, 410);
    EXPECT_EQ(again.error_code(), "link_used");
    for (const char* secret : {"contract", "incident", "DEMO", "J-", "090", "山田"}) {
        EXPECT_EQ(again.body.find(secret), std::string::npos) << secret << ": " << again.body;
    }

    // The agent reads it back…
    const HttpResult back = agent.get("/v1/location-links/" + token);
    ASSERT_EQ(back.status, 200);
    EXPECT_EQ(back.json()["status"], "received");
    EXPECT_EQ(back.json()["position"]["lat"], 35.6581);
    EXPECT_EQ(back.json()["position"]["lon"], 139.7017);
    EXPECT_EQ(back.json()["accuracy_m"], 12.5);
    EXPECT_EQ(back.json()["incident_id"], inc);
    // …and has it as an event of the incident.
    const json history = agent.get("/v1/incidents/" + inc).json();
    bool seen = false;
    for (const auto& e : history["events"]) {
        if (e["type"] == "location_received") {
            seen = true;
            EXPECT_EQ(e["data"]["lat"], 35.6581) << e.dump();
            EXPECT_EQ(e["data"]["accuracy_m"], 12.5) << e.dump();
        }
    }
    EXPECT_TRUE(seen) << history["events"].dump();
}

TEST_F(LinksTest, TenPhonesAnsweringAtOnceWinOnce) {
    const std::string token =
        agent.post_json("/v1/location-links", {{"incident_id", incident(fresh_anchor())}})
            .json()["token"];
    std::vector<int> statuses(10);
    std::latch start(10);
    std::vector<std::thread> threads;
    for (int i = 0; i < 10; ++i) {
        threads.emplace_back([&, i] {
            HttpClient phone(server->port());
            phone.get("/healthz");
            start.arrive_and_wait();
            statuses[static_cast<std::size_t>(i)] =
                phone.post_json("/v1/location-links/" + token, here()).status;
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 204), 1);
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 410), 9);
}

TEST_F(LinksTest, BadAnswersAndUnknownLinks) {
    const std::string token =
        agent.post_json("/v1/location-links", {{"incident_id", incident(fresh_anchor())}})
            .json()["token"];
    for (const json& bad :
         {json{{"lat", 91}, {"lon", 0}, {"accuracy_m", 5}},
          json{{"lat", 35}, {"lon", -181}, {"accuracy_m", 5}}, json{{"lat", 35}, {"lon", 139}},
          json{{"lat", 35}, {"lon", 139}, {"accuracy_m", -1}},
          json{{"lat", "35"}, {"lon", 139}, {"accuracy_m", 5}}}) {
        const HttpResult r = answer(token, bad);
        EXPECT_EQ(r.status, 400) << bad.dump() << ": " << r.body;
    }
    EXPECT_EQ(answer(token, json::array()).status, 400);
    // None of that used the link up.
    EXPECT_EQ(agent.get("/v1/location-links/" + token).json()["status"], "waiting");
    EXPECT_EQ(answer(token, here()).status, 204);
    EXPECT_EQ(answer("rs_unknown", here()).error_code(), "link_not_found");
    EXPECT_EQ(answer(std::string(200, 'x'), here()).error_code(), "link_not_found");
    EXPECT_EQ(agent.get("/v1/location-links/rs_unknown").status, 404);
    // Only agents (and admins) read links back or make them.
    const std::string partner = d.partner("p", fresh_anchor(), {"on_site"});
    EXPECT_EQ(d.partner_client(partner).get("/v1/location-links/" + token).status, 403);
    EXPECT_EQ(HttpClient(server->port()).post_json("/v1/location-links", json::object()).status,
              401);
}

TEST_F(LinksTest, ALinkForAContractOrForNobody) {
    const std::string no = d.contract();
    const HttpResult made = agent.post_json("/v1/location-links", {{"contract_no", no}});
    ASSERT_EQ(made.status, 201) << made.body;
    EXPECT_EQ(made.json()["sent_to"], "***-****-5678");  // the holder's registered number
    EXPECT_EQ(answer(made.json()["token"], here()).status, 204);
    const std::string contract_id = made.json()["contract_id"];
    EXPECT_EQ(db->scalar("SELECT count(*) FROM events WHERE contract_id = '" + contract_id +
                         "' AND type = 'location_received'"),
              "1");
    // A number the agent types wins; no number, no message.
    const HttpResult typed = agent.post_json("/v1/location-links", {{"phone", "080-9999-0001"}});
    ASSERT_EQ(typed.status, 201) << typed.body;
    EXPECT_EQ(typed.json()["sent_to"], "***-****-0001");
    const HttpResult silent = agent.post_json("/v1/location-links", json::object());
    ASSERT_EQ(silent.status, 201) << silent.body;
    EXPECT_TRUE(silent.json()["sent_to"].is_null());
    EXPECT_EQ(answer(silent.json()["token"], here()).status, 204);
    // Mistakes are named.
    EXPECT_EQ(agent.post_json("/v1/location-links", {{"contract_no", "NO-SUCH-1"}}).error_code(),
              "contract_not_found");
    EXPECT_EQ(agent
                  .post_json("/v1/location-links",
                             {{"incident_id", incident(fresh_anchor())}, {"contract_no", no}})
                  .error_code(),
              "conflicting_fields");
    EXPECT_EQ(agent.post_json("/v1/location-links", {{"phone", "12"}}).error_code(),
              "invalid_field");
}

TEST(LocationLinkExpiry, AnExpiredLinkSaysSo) {
    TestDatabase database("links_expiry");
    ServerOptions options;
    options.database_url = database.url();
    options.extra_env["ROADSIDE_CONFIG_DIR"] =
        config_dir_with({{"location_link_ttl_s", 1}, {"tracking_link_ttl_s", 1}});
    ServerProcess server(options);
    server.start();
    HttpClient admin(server.port(), options.admin_token);
    const HttpResult made = admin.post_json("/v1/location-links", json::object());
    ASSERT_EQ(made.status, 201) << made.body;
    std::this_thread::sleep_for(std::chrono::milliseconds{2100});
    const HttpResult late =
        HttpClient(server.port())
            .post_json("/v1/location-links/" + made.json()["token"].get<std::string>(),
                       {{"lat", 35.0}, {"lon", 139.0}, {"accuracy_m", 3}});
    EXPECT_EQ(late.status, 410) << late.body;
    EXPECT_EQ(late.error_code(), "link_expired");
    EXPECT_EQ(
        admin.get("/v1/location-links/" + made.json()["token"].get<std::string>()).json()["status"],
        "expired");
    EXPECT_EQ(server.stop(), 0) << server.log();
}

// ---- tracking ------------------------------------------------------------------------------

TEST_F(LinksTest, TrackingShowsStatusPartnerEtaAndDistanceOnly) {
    const geo::LatLon site = fresh_anchor();
    const std::string inc = incident(site);
    const std::string partner = d.partner("レッカー東海", north_of(site, 10), {"wrecker"});
    HttpClient crew = d.partner_client(partner);
    const HttpResult made =
        agent.post_json("/v1/incidents/" + inc + "/tracking-links", json::object());
    ASSERT_EQ(made.status, 201) << made.body;
    const std::string token = made.json()["token"];
    EXPECT_EQ(made.json()["url"], "/customer/track.html#" + token);
    HttpClient anyone(server->port());
    const auto view = [&] {
        const HttpResult r = anyone.get("/v1/track/" + token);
        EXPECT_EQ(r.status, 200) << r.body;
        return r.json();
    };
    // Before dispatch, and while the job is only offered: no partner named.
    EXPECT_EQ(view()["status"], "dispatching");
    const HttpResult job = d.tow_job(inc, north_of(site, 30));
    ASSERT_EQ(job.status, 201) << job.body;
    EXPECT_EQ(job.json()["partner_id"], partner);
    EXPECT_EQ(view()["status"], "dispatching");
    EXPECT_TRUE(view()["partner_name"].is_null());

    const std::string base = "/v1/jobs/" + job.json()["job_id"].get<std::string>();
    ASSERT_EQ(crew.post_json(base + "/accept", {{"eta_minutes", 25}}).status, 200);
    json v = view();
    EXPECT_EQ(v["status"], "accepted");
    EXPECT_EQ(v["partner_name"], "レッカー東海");
    EXPECT_EQ(v["eta_minutes"], 25);
    EXPECT_FALSE(v["eta_at"].is_null());
    EXPECT_NEAR(v["distance_km"].get<double>(), 10.0, 0.2);
    // Nothing else: no ids, no phone, no contract, no position of the truck.
    std::set<std::string> keys;
    for (const auto& [k, _] : v.items()) keys.insert(k);
    EXPECT_EQ(keys,
              (std::set<std::string>{"status", "partner_name", "eta_minutes", "eta_at",
                                     "distance_km", "position_at", "updated_at", "expires_at"}));
    EXPECT_EQ(v.dump().find(partner), std::string::npos);

    // The truck comes closer: the distance follows its reported position.
    ASSERT_EQ(crew.post_json(base + "/status",
                             {{"status", "en_route"}, {"position", latlon(north_of(site, 2))}})
                  .status,
              200);
    v = view();
    EXPECT_EQ(v["status"], "en_route");
    EXPECT_NEAR(v["distance_km"].get<double>(), 2.0, 0.1);
    ASSERT_EQ(crew.post_json("/v1/partner/position", latlon(north_of(site, 0.5))).status, 204);
    EXPECT_NEAR(view()["distance_km"].get<double>(), 0.5, 0.05);
    // On the scene: neither ETA nor distance any more.
    ASSERT_EQ(crew.post_json(base + "/status", {{"status", "on_scene"}}).status, 200);
    v = view();
    EXPECT_EQ(v["status"], "on_scene");
    EXPECT_TRUE(v["distance_km"].is_null());
    EXPECT_TRUE(v["eta_minutes"].is_null());

    EXPECT_EQ(anyone.get("/v1/track/rs_nothing").error_code(), "link_not_found");
    EXPECT_EQ(agent
                  .post_json("/v1/incidents/00000000-0000-4000-8000-000000000000/tracking-links",
                             json::object())
                  .error_code(),
              "incident_not_found");
    EXPECT_EQ(crew.post_json("/v1/incidents/" + inc + "/tracking-links", json::object()).status,
              403);
}

TEST(TrackingLinkExpiry, AnExpiredTrackingLinkSaysSo) {
    TestDatabase database("track_expiry");
    ServerOptions options;
    options.database_url = database.url();
    options.extra_env["ROADSIDE_CONFIG_DIR"] = config_dir_with({{"tracking_link_ttl_s", 1}});
    ServerProcess server(options);
    server.start();
    HttpClient admin(server.port(), options.admin_token);
    const json contract = sample_contract_body("kaitokuten-basic", unique_suffix(), "K-");
    ASSERT_EQ(admin.post_json("/v1/contracts", contract).status, 201);
    const HttpResult call =
        admin.post_json("/v1/calls", {{"contract_no", contract["contract_no"]},
                                      {"location", {{"lat", 35.0}, {"lon", 135.8}}},
                                      {"problem", "battery"}});
    ASSERT_EQ(call.status, 201) << call.body;
    const HttpResult made = admin.post_json(
        "/v1/incidents/" + call.json()["incident_id"].get<std::string>() + "/tracking-links",
        json::object());
    ASSERT_EQ(made.status, 201) << made.body;
    HttpClient anyone(server.port());
    EXPECT_EQ(anyone.get("/v1/track/" + made.json()["token"].get<std::string>()).status, 200);
    std::this_thread::sleep_for(std::chrono::milliseconds{2100});
    EXPECT_EQ(anyone.get("/v1/track/" + made.json()["token"].get<std::string>()).error_code(),
              "link_expired");
    EXPECT_EQ(server.stop(), 0) << server.log();
}

}  // namespace
}  // namespace roadside::testing
